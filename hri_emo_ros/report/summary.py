# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One row per person: how long they were seen, what they mostly felt, what the robot did.

- seconds seen: time covered by the person's EmotionState messages, counting the interval
  between consecutive messages only when it is at most `SEEN_GAP_S` (longer: absent).
- dominant emotion and its share: the most frequent EmotionState.dominant (the arg-max of
  the finite scores when `dominant` is empty) over the person's messages.
- mean valence and arousal over the messages (NaN values skipped).
- most chosen behaviour and its share of the person's BehaviorCommands.
- micro events: AffectiveEvents of type micro_expression.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hri_emo_ros.report.series import MICRO_EXPRESSION, RunSeries

if TYPE_CHECKING:
    from hri_emo_ros.report.video_strip import StripFrame

SEEN_GAP_S = 2.0


@dataclass(frozen=True)
class PersonSummary:
    person_id: str
    seconds_seen: float
    emotion_messages: int
    dominant: str                    # "" when the person has no usable EmotionState
    dominant_share: float            # [0, 1]; NaN without EmotionState
    mean_valence: float              # NaN when none is finite
    mean_arousal: float
    behaviour: str                   # "" without BehaviorCommand
    behaviour_share: float           # [0, 1]; NaN without BehaviorCommand
    micro_events: int


@dataclass
class ReportSummary:
    rows: list[PersonSummary]
    report_path: Path
    figures: dict[str, Path] = field(default_factory=dict)   # figure key -> PNG
    frames: list[StripFrame] = field(default_factory=list)   # what the camera strip shows
    notes: list[str] = field(default_factory=list)


def seconds_seen(times: np.ndarray, max_gap: float = SEEN_GAP_S) -> float:
    if len(times) < 2:
        return 0.0
    gaps = np.diff(np.sort(times))
    return float(gaps[gaps <= max_gap].sum())


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


def _mode(names: list[str]) -> tuple[str, float]:
    named = [n for n in names if n]
    if not named:
        return "", math.nan
    name, count = Counter(named).most_common(1)[0]
    return name, count / len(names)


def summarize(run: RunSeries) -> list[PersonSummary]:
    rows = []
    for person in run.persons():
        emotion = run.emotion.get(person)
        behavior = run.behavior.get(person)
        affect = run.affect.get(person)
        dominant, share = _mode(emotion.dominant_labels()) if emotion else ("", math.nan)
        action, action_share = _mode(behavior.actions) if behavior else ("", math.nan)
        rows.append(PersonSummary(
            person_id=person,
            seconds_seen=seconds_seen(emotion.times) if emotion else 0.0,
            emotion_messages=len(emotion.times) if emotion else 0,
            dominant=dominant, dominant_share=share,
            mean_valence=_mean(emotion.valence) if emotion else math.nan,
            mean_arousal=_mean(emotion.arousal) if emotion else math.nan,
            behaviour=action, behaviour_share=action_share,
            micro_events=sum(e.type == MICRO_EXPRESSION for e in affect.events) if affect else 0,
        ))
    return rows


HEADER = ("person", "seen [s]", "dominant emotion", "valence", "arousal", "behaviour",
          "micro events")


def summary_cells(row: PersonSummary) -> tuple[str, ...]:
    """The row as the terminal table and the HTML page print it."""
    def number(value: float, fmt: str) -> str:
        return "-" if not math.isfinite(value) else format(value, fmt)

    dominant = f"{row.dominant} ({row.dominant_share:.0%})" if row.dominant else "-"
    behaviour = f"{row.behaviour} ({row.behaviour_share:.0%})" if row.behaviour else "-"
    return (row.person_id, f"{row.seconds_seen:.1f}", dominant,
            number(row.mean_valence, "+.2f"), number(row.mean_arousal, "+.2f"), behaviour,
            str(row.micro_events))


def format_summary_table(summary: ReportSummary | Sequence[PersonSummary]) -> str:
    """A plain-text table, one line per person."""
    rows = summary.rows if isinstance(summary, ReportSummary) else list(summary)
    if not rows:
        return "no person in the outputs"
    cells = [HEADER] + [summary_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    right = {1, 3, 4, 6}
    return "\n".join("  ".join(c.rjust(w) if i in right else c.ljust(w)
                               for i, (c, w) in enumerate(zip(cell, widths))).rstrip()
                      for cell in cells)
