# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Media files as the message streams the live graph's fusion stage would receive.

Each stream yields `Arrival`s: a `ModalitySteps` message (built as the face, voice and text
nodes build theirs, fusion/perception_steps.py) and the time it reaches the fusion stage,
both on the media clock (seconds from the start of the files, which share one clock):
- video: each analysed frame at index / fps, one message per face, arriving at once;
- audio: 16 kHz samples fed to the voice pipeline `AUDIO_CHUNK_S` at a time, as a
  microphone driver publishes them; a message arrives when the chunk that completed it
  has been captured (sample position / 16 kHz);
- transcript: each cue's words spread over the cue, arriving together at its end, as a
  recogniser's final transcript does. A cue the text core refuses (no words, too long) is
  dropped, as the text node drops it.
`merge_arrivals` interleaves the streams in arrival order; the analysis runs lazily, frame
by frame and chunk by chunk, as the merged stream is consumed.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hri_emo_ros.fusion.perception_steps import (
    face_steps,
    spread_word_times,
    text_steps,
    voice_steps,
)
from hri_emo_ros.fusion.records import ModalitySteps

if TYPE_CHECKING:  # the perception cores load models; callers pass them in
    from hri_emo_ros.perception.face_pipeline import FacePipeline
    from hri_emo_ros.perception.text_pipeline import TextPipeline
    from hri_emo_ros.perception.transcript_file import TranscriptCue
    from hri_emo_ros.perception.voice_pipeline import VoicePipeline

AUDIO_CHUNK_S = 0.1
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Arrival:
    time: float             # when the fusion stage receives the message [s, media clock]
    steps: ModalitySteps


def video_arrivals(path: str | Path, pipeline: FacePipeline, every_n: int = 1,
                   max_frames: int | None = None) -> Iterator[Arrival]:
    """One message per face per analysed frame of a video (or image) file."""
    from hri_emo_ros.perception.face_media import read_frames

    for _, time, rgb in read_frames(path, every_n, max_frames):
        for face in pipeline.process(rgb, time):
            yield Arrival(time, face_steps(face, time, pipeline.extractor))


def audio_arrivals(samples: np.ndarray, pipeline: VoicePipeline, person_id: str = ANONYMOUS,
                   chunk_s: float = AUDIO_CHUNK_S) -> Iterator[Arrival]:
    """The speech steps of float32 mono 16 kHz `samples` (the first at 0 s)."""
    from hri_emo_ros.perception.audio_decode import SAMPLE_RATE

    chunk = max(1, round(chunk_s * SAMPLE_RATE))
    for start in range(0, samples.size, chunk):
        stop = min(start + chunk, samples.size)
        segments = pipeline.push(samples[start:stop], start / SAMPLE_RATE)
        yield from _speech(segments, stop / SAMPLE_RATE, person_id)
    yield from _speech(pipeline.flush(), samples.size / SAMPLE_RATE, person_id)


def _speech(segments: Sequence, time: float, person_id: str) -> Iterator[Arrival]:
    for segment in segments:
        if segment.steps > 0:
            yield Arrival(time, voice_steps(segment, person_id))


def transcript_arrivals(cues: Iterable[TranscriptCue], pipeline: TextPipeline,
                        person_id: str = ANONYMOUS) -> Iterator[Arrival]:
    """One message per cue: its words, spread evenly over the cue."""
    from hri_emo_ros.perception.text_pipeline import InvalidText

    for cue in cues:
        try:
            result = pipeline.process(cue.text, person_id, cue.end)
        except InvalidText:
            continue
        times = spread_word_times(len(result.words), cue.start, cue.end)
        yield Arrival(cue.end, text_steps(result, times))


def merge_arrivals(*streams: Iterable[Arrival]) -> Iterator[Arrival]:
    """All messages in arrival order; at equal times, in the order the streams are given."""
    return heapq.merge(*streams, key=lambda arrival: arrival.time)
