# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Timed transcripts from files: SubRip (.srt), WebVTT (.vtt) and `start end text` lines.

`read_transcript(path)` -> one `TranscriptCue` per utterance, in time order, times in
seconds from the start of the media. The format is told by the content, not the name:
- WebVTT: the file starts with `WEBVTT`; cues are blocks with a `start --> end` line
  (`[hh:]mm:ss.mmm`, cue settings after the end time are ignored); NOTE, STYLE and
  REGION blocks are skipped;
- SubRip: blocks of an optional number, a `hh:mm:ss,mmm --> hh:mm:ss,mmm` line and text;
- otherwise one utterance per line, `start end text` with times in seconds, separated by
  spaces or tabs; blank lines and lines starting with `#` are skipped.
Markup (`<i>`, `<v Speaker>`, `{\\an8}`) is removed and HTML entities decoded; a cue whose
text is then empty is skipped. Every refusal is an `InvalidTranscript` whose message names
the line: no times on a line (`no_times`), a cue that ends before it starts (`bad_times`),
a cue that starts before the previous one ends (`overlapping_cues`, the words of one
speaker cannot go back in time), no cue at all (`empty`), bytes that are not UTF-8
(`invalid_utf8`), a file over `MAX_TRANSCRIPT_BYTES` (`too_large`).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

MAX_TRANSCRIPT_BYTES = 20_000_000
TIMESTAMP = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?"
TIMING = re.compile(rf"^\s*{TIMESTAMP}\s*-->\s*{TIMESTAMP}(?:\s.*)?$")
MARKUP = re.compile(r"<[^>]*>|\{\\[^}]*\}")
VTT_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


class InvalidTranscript(ValueError):
    """A transcript file that cannot be used; `reason` is a short machine-readable kind."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class TranscriptCue:
    start: float    # seconds from the media start
    end: float
    text: str
    line: int       # line of the file where the cue's times are (1-based)


def read_transcript(path: str | Path) -> list[TranscriptCue]:
    path = Path(path)
    if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
        raise InvalidTranscript("too_large", f"{path.stat().st_size} bytes (at most "
                                f"{MAX_TRANSCRIPT_BYTES})")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidTranscript("invalid_utf8", str(error)) from None
    return parse_transcript(text)


def parse_transcript(text: str) -> list[TranscriptCue]:
    """Cues of a transcript held in `text` (see the module docstring)."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("WEBVTT"):
        cues = _cue_blocks(lines, webvtt=True)
    elif any(TIMING.match(line) for line in lines):
        cues = _cue_blocks(lines, webvtt=False)
    else:
        cues = _timed_lines(lines)
    if not cues:
        raise InvalidTranscript("empty", "the file holds no timed text")
    for previous, cue in zip(cues, cues[1:]):
        if cue.start < previous.end:
            raise InvalidTranscript(
                "overlapping_cues", f"line {cue.line}: starts at {cue.start:.3f} s, before "
                f"the cue of line {previous.line} ends ({previous.end:.3f} s)")
    return cues


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its 1-based number."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(lines, start=1):
        if line.strip():
            blocks[-1].append((number, line.strip()))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _cue_blocks(lines: list[str], webvtt: bool) -> list[TranscriptCue]:
    cues = []
    blocks = _blocks(lines)
    if webvtt:
        blocks = blocks[1:]  # the header block
    for block in blocks:
        if webvtt and block[0][1].split()[0] in VTT_SKIPPED_BLOCKS:
            continue
        timing = next((i for i, (_, line) in enumerate(block[:2]) if "-->" in line), None)
        if timing is None:
            number, line = block[0]
            raise InvalidTranscript("no_times", f"line {number}: a cue without a "
                                    f"'start --> end' line: {_quoted(line)}")
        number, line = block[timing]
        match = TIMING.match(line)
        if match is None:
            raise InvalidTranscript("no_times", f"line {number}: unreadable cue times: "
                                    f"{_quoted(line)}")
        groups = match.groups()
        start, end = _clock(groups[:4]), _clock(groups[4:])
        cue = _cue(start, end, " ".join(text for _, text in block[timing + 1:]), number)
        if cue is not None:
            cues.append(cue)
    return cues


def _clock(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = parts
    fraction = int(millis.ljust(3, "0")) / 1000.0 if millis else 0.0
    return int(hours or 0) * 3600.0 + int(minutes) * 60.0 + int(seconds) + fraction


def _timed_lines(lines: list[str]) -> list[TranscriptCue]:
    cues = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(None, 2)
        times = [_seconds(value) for value in fields[:2]]
        if len(times) < 2 or None in times:
            hint = (" (a header? Whisper's .tsv gives milliseconds: use its .srt or .vtt)"
                    if [f.lower() for f in fields[:2]] == ["start", "end"] else "")
            raise InvalidTranscript("no_times", f"line {number}: expected 'start end text' "
                                    f"with times in seconds, got {_quoted(line)}{hint}")
        cue = _cue(times[0], times[1], fields[2] if len(fields) > 2 else "", number)
        if cue is not None:
            cues.append(cue)
    return cues


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


def _cue(start: float, end: float, text: str, line: int) -> TranscriptCue | None:
    if start < 0.0 or end < start:
        raise InvalidTranscript("bad_times", f"line {line}: the cue runs from {start:g} s "
                                f"to {end:g} s")
    text = " ".join(html.unescape(MARKUP.sub(" ", text)).split())
    return TranscriptCue(start, end, text, line) if text else None


def _quoted(line: str, limit: int = 60) -> str:
    line = line.strip()
    return repr(line if len(line) <= limit else line[:limit] + "...")
