# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo analyze` fused mode: video, audio and transcript on one clock, through the
live graph's perception, fusion and decoder cores, one JSON object per fusion window.

`fused_windows(...)` runs the face, voice and text pipelines as the nodes run them
(fusion/media_streams.py) and the fusion node's schedule and the decoder over the result
(fusion/offline.py); `window_record(result)` is the JSON line of one window.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hri_emo_ros.fusion.media_streams import (
    audio_arrivals,
    merge_arrivals,
    transcript_arrivals,
    video_arrivals,
)
from hri_emo_ros.fusion.offline import OfflineFusion, WindowResult
from hri_emo_ros.fusion.records import ExplanationData, FusedSequenceData
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.scheduler import FusionSchedule
from hri_emo_ros.perception.transcript_file import TranscriptCue

TOP_STEPS = 3
FACE_ID_SEED = 0  # face ids are the same on every run over the same video


@dataclass
class FusedInputs:
    video: Path | None = None
    audio: np.ndarray | None = None          # float32 mono 16 kHz samples
    transcript: list[TranscriptCue] | None = None
    every_n: int = 1
    max_frames: int | None = None


def fused_windows(inputs: FusedInputs, runtime: FusionRuntime, schedule: FusionSchedule,
                  device: str) -> Iterator[WindowResult]:
    """Every fusion window of the inputs, in time order (models load on first use)."""
    streams, closers = [], []
    if inputs.video is not None:
        from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig

        faces = FacePipeline(FacePipelineConfig(device=device, torch_threads=0,
                                                tracker_seed=FACE_ID_SEED))
        closers.append(faces.close)
        streams.append(video_arrivals(inputs.video, faces, inputs.every_n, inputs.max_frames))
    if inputs.audio is not None:
        from hri_emo_ros.perception.voice_pipeline import VoicePipeline

        streams.append(audio_arrivals(inputs.audio, VoicePipeline()))
    if inputs.transcript is not None:
        from hri_emo_ros.perception.text_pipeline import TextPipeline

        streams.append(transcript_arrivals(inputs.transcript, TextPipeline(device=device)))
    try:
        yield from OfflineFusion(runtime, schedule).run(merge_arrivals(*streams))
    finally:
        for close in closers:
            close()


def window_record(result: WindowResult) -> dict:
    """What one fusion window says, as plain JSON values (floats to 4 decimals)."""
    state, fused = result.emotion, result.fused
    steps = {m: fused.step_modalities.count(m) for m in state.modalities}
    record = {
        "source": "fusion", "start": round(result.start, 3), "end": round(result.end, 3),
        "person_id": state.person_id,
        "scores": _named(state.labels, state.scores), "dominant": state.dominant,
        "valence": _r(state.valence), "arousal": _r(state.arousal),
        "confidence": _r(state.confidence), "modalities": list(state.modalities),
        "gate_weights": _named(state.modalities, state.modality_weights), "steps": steps,
    }
    if result.explanation is not None:
        record["explanation"] = _explanation(result.explanation, fused)
    return record


def _explanation(explanation: ExplanationData, fused: FusedSequenceData) -> dict:
    matrix = explanation.attribution
    return {
        "gate_mean": _named(explanation.modalities, explanation.gate_mean),
        "top_words": list(explanation.top_words),
        "attribution": {emotion: _attribution(row, fused)
                        for emotion, row in zip(matrix.row_labels, matrix.data, strict=True)},
        "summary": explanation.summary,
        "attribution_method": explanation.attribution_method,
    }


def _attribution(row: np.ndarray, fused: FusedSequenceData) -> dict:
    """One emotion's attribution: its share per present modality and its top steps."""
    kinds = np.asarray(fused.step_modalities)
    shares = {m: _r(row[kinds == m].sum())
              for m, present in zip(fused.modalities, fused.present, strict=True) if present}
    top = np.argsort(-row, kind="stable")[:TOP_STEPS]
    return {"modalities": shares,
            "top_steps": [{"step": fused.step_labels[i], "time": round(float(
                fused.step_times[i]), 3), "share": _r(row[i])} for i in top]}


def _named(names, values) -> dict[str, float]:
    return {str(n): _r(v) for n, v in zip(names, values, strict=True)}


def _r(value) -> float:
    return round(float(value), 4)
