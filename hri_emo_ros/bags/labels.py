# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Ground-truth emotion labels of a recorded session, as time spans in a CSV file.

Format (UTF-8 CSV with a header row; lines starting with '#' are comments; extra columns
are ignored; one row per span):

    person_id,start,end,emotion,valence,arousal
    *,10.0,30.0,happy,0.8,0.5

- person_id: the person the span is about: a ROS4HRI id as the pipeline publishes it
  (e.g. /humans/faces/a1b2), or `*` for "whoever the session is about" when the session
  has one person and their id is assigned by the pipeline at run time.
- start, end: seconds relative to the bag start (the receive time of its first message),
  0 <= start < end. The span is [start, end).
- emotion: one of hri_emo_ros.common.feature_spec.EMOTIONS (case-insensitive on input).
- valence, arousal: the intended value in [-1, 1].

Spans of the same person must not overlap. Every problem raises `LabelError` naming the
file, the line and what was expected; `reason` is a short kind (not_found, missing_columns,
bad_number, out_of_range, end_before_start, unknown_emotion, empty_person, overlap, empty).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hri_emo_ros.common.feature_spec import EMOTIONS

COLUMNS: tuple[str, ...] = ("person_id", "start", "end", "emotion", "valence", "arousal")
ANY_PERSON = "*"


class LabelError(ValueError):
    """A labels file that cannot be used; `reason` names the kind of problem."""

    def __init__(self, reason: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class LabelSpan:
    person_id: str
    start: float
    end: float
    emotion: str
    valence: float
    arousal: float

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    def applies_to(self, person_id: str) -> bool:
        return self.person_id in (ANY_PERSON, person_id)


def _number(text: str, column: str, where: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise LabelError("bad_number", f"{where} line {line}: {column} {text!r} is not a "
                                       "number", line) from None
    if not math.isfinite(value):
        raise LabelError("bad_number", f"{where} line {line}: {column} {text!r} is not a "
                                       "finite number", line)
    return value


def _span(row: dict[str, str], where: str, line: int) -> LabelSpan:
    person = row["person_id"].strip()
    if not person:
        raise LabelError("empty_person", f"{where} line {line}: person_id is empty; expected "
                                         f"an id or {ANY_PERSON!r}", line)
    start, end, valence, arousal = (_number(row[c].strip(), c, where, line)
                                    for c in ("start", "end", "valence", "arousal"))
    if start < 0:
        raise LabelError("out_of_range", f"{where} line {line}: start {start} is before the "
                                         "bag start; expected seconds >= 0", line)
    if end <= start:
        raise LabelError("end_before_start", f"{where} line {line}: end {end} is not after "
                                             f"start {start}", line)
    for name, value in (("valence", valence), ("arousal", arousal)):
        if not -1.0 <= value <= 1.0:
            raise LabelError("out_of_range", f"{where} line {line}: {name} {value} is "
                                             "outside [-1, 1]", line)
    emotion = row["emotion"].strip().lower()
    if emotion not in EMOTIONS:
        raise LabelError("unknown_emotion", f"{where} line {line}: emotion {row['emotion']!r} "
                                            f"is not one of {', '.join(EMOTIONS)}", line)
    return LabelSpan(person, start, end, emotion, valence, arousal)


def _check_overlaps(spans: list[LabelSpan], where: str) -> None:
    by_person: dict[str, list[LabelSpan]] = {}
    for span in spans:
        by_person.setdefault(span.person_id, []).append(span)
    for person, own in by_person.items():
        own.sort(key=lambda s: s.start)
        for before, after in zip(own, own[1:]):
            if after.start < before.end:
                raise LabelError("overlap", f"{where}: spans of {person} overlap "
                                            f"([{before.start}, {before.end}) and "
                                            f"[{after.start}, {after.end}))")


def parse_labels(text: str, where: str = "<labels>") -> list[LabelSpan]:
    """Spans from CSV text, sorted by start; `where` names the source in errors."""
    lines = [(n, raw) for n, raw in enumerate(text.splitlines(), start=1)
             if raw.strip() and not raw.lstrip().startswith("#")]
    if not lines:
        raise LabelError("empty", f"{where} holds no header row; expected the columns "
                                  f"{','.join(COLUMNS)}")
    table = list(csv.reader(io.StringIO("\n".join(raw for _, raw in lines))))
    header = [name.strip() for name in table[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise LabelError("missing_columns", f"{where} lacks the column(s) {', '.join(missing)}; "
                                            f"expected {','.join(COLUMNS)}", lines[0][0])
    spans = []
    for (line, _), values in zip(lines[1:], table[1:]):
        if len(values) != len(header):
            raise LabelError("missing_columns", f"{where} line {line}: the row has "
                                                f"{len(values)} values; expected {len(header)}",
                             line)
        spans.append(_span(dict(zip(header, values)), where, line))
    if not spans:
        raise LabelError("empty", f"{where} has a header but no label rows")
    _check_overlaps(spans, where)
    return sorted(spans, key=lambda s: (s.start, s.person_id))


def load_labels(path: str | Path) -> list[LabelSpan]:
    """Read and validate a labels CSV file (see the module docstring for the format)."""
    path = Path(path)
    if not path.is_file():
        raise LabelError("not_found", f"{path} does not exist; expected a labels CSV file")
    return parse_labels(path.read_text(encoding="utf-8"), str(path))


def format_labels(spans: Iterable[LabelSpan], comments: Iterable[str] = ()) -> str:
    """CSV text for spans (with optional leading '# ' comment lines)."""
    out = io.StringIO()
    for comment in comments:
        out.write(f"# {comment}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in spans:
        writer.writerow([s.person_id, f"{s.start:g}", f"{s.end:g}", s.emotion,
                         f"{s.valence:g}", f"{s.arousal:g}"])
    return out.getvalue()


def labels_at(spans: Iterable[LabelSpan], t: float, person_id: str | None = None
              ) -> list[LabelSpan]:
    """The spans covering time t (seconds from bag start), optionally for one person."""
    return [s for s in spans if s.contains(t) and (person_id is None or s.applies_to(person_id))]
