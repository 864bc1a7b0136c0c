# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The EmotionState streams the hierarchy would see live, made from a corpus's samples.

No labels are used: each sample's feature steps are laid on a stream clock and replayed
message by message through the fusion node's own scheduler (fusion/scheduler.py:
freshness, 2 s window, 8 s for words, newest steps kept; a person is fused when a message
arrives and their last fusion is at least 1/rate old), and every window goes through the
fusion checkpoint (fusion/runtime.FusionRuntime, emotion decoder, calibrated confidence).
Video and voice steps arrive one message per step; an utterance's words arrive together at
its last word, as a transcript does.

Samples that share the values of `stream_keys` in their info (e.g. speaker and dialog) form
one stream, in order of `start_key` (seconds on a shared clock, e.g. the
utterance start in the dialog) when the samples give it, else in dataset order laid end to
end `gap_s` apart; without stream keys every sample is its own stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.fusion.dataset import FusionDataset, FusionSample
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.scheduler import FusionSchedule, FusionScheduler
from hri_emo_ros.fusion.sync import SyncConfig

MAX_PERSON_ID = 200


class ReplayError(ValueError):
    """Samples that cannot be replayed as streams; `reason`: missing_key, bad_start, empty."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class ReplaySettings:
    rate_hz: float = 10.0           # the fusion node's `rate` (fusions per second per person)
    gap_s: float = 1.0              # pause between samples laid end to end
    batch_size: int = 64            # windows per forward pass
    max_steps: dict[str, int] = field(default_factory=lambda: dict(SyncConfig().max_steps))

    def schedule(self) -> FusionSchedule:
        """The fusion node's schedule at this rate, with its default windows."""
        return FusionSchedule(rate=self.rate_hz)


@dataclass
class CorpusStream:
    stream_id: str
    samples: int
    records: list[dict]             # EmotionState-like: person_id, stamp, labels, scores, ...


def group_samples(dataset: FusionDataset, indices: Sequence[int], stream_keys: Sequence[str],
                  start_key: str | None) -> dict[str, list[tuple[float | None, FusionSample]]]:
    """Samples by stream, each stream in time order (start time or dataset order)."""
    streams: dict[str, list[tuple[float | None, FusionSample]]] = {}
    for index in indices:
        sample = dataset.sample(index)
        if not sample.modalities:
            continue
        missing = [k for k in stream_keys if k not in sample.info]
        if missing:
            raise ReplayError("missing_key", f"sample {index} has no '{missing[0]}' in its "
                              f"info (it has: {', '.join(sorted(sample.info)) or 'nothing'})")
        key = "/".join(str(sample.info[k]) for k in stream_keys) or f"sample-{index}"
        start = sample.info.get(start_key) if start_key else None
        if start is not None:
            try:
                start = float(start)
            except (TypeError, ValueError):
                raise ReplayError("bad_start", f"sample {index}: '{start_key}' is {start!r}, "
                                  f"not a number of seconds") from None
            if not np.isfinite(start):
                raise ReplayError("bad_start", f"sample {index}: '{start_key}' is {start}")
        streams.setdefault(key, []).append((start, sample))
    for items in streams.values():
        if all(start is not None for start, _ in items):
            items.sort(key=lambda item: item[0])
    return streams


def _duration(sample: FusionSample) -> float:
    return float(max(-float(np.min(s.step_times)) for s in sample.modalities.values()))


def stream_messages(items: Sequence[tuple[float | None, FusionSample]], person: str,
                    gap_s: float) -> list[ModalitySteps]:
    """Every sample's steps on one clock, as the messages a live graph would deliver."""
    messages: list[ModalitySteps] = []
    clock = 0.0                      # the end of the previous sample on the stream clock
    for position, (start, sample) in enumerate(items):
        if position == 0:
            begin = 0.0 if start is None else start
        else:  # overlapping or unplaced samples follow the previous one after a pause
            begin = clock + gap_s if start is None or start < clock else start
        end = begin + _duration(sample)
        for name, steps in sample.modalities.items():
            times = np.asarray(steps.step_times, dtype=np.float64) + end
            labels = list(steps.step_labels)
            if name == "text":
                messages.append(ModalitySteps(name, steps.features, times, steps.quality,
                                              labels, person, steps.extractor))
                continue
            for i in range(steps.steps):
                messages.append(ModalitySteps(
                    name, steps.features[i:i + 1], times[i:i + 1], steps.quality[i:i + 1],
                    labels[i:i + 1], person, steps.extractor))
        clock = end
    messages.sort(key=lambda m: float(m.step_times[-1]))   # stable: same-time order kept
    return messages


def fusion_windows(messages: Sequence[ModalitySteps], person: str,
                   settings: ReplaySettings) -> tuple[list[FusionWindow], int]:
    """The windows the fusion node fuses for this stream (its own scheduler), and the
    messages it refused."""
    scheduler = FusionScheduler(settings.schedule(), settings.max_steps)
    windows, refused = [], 0
    for message in messages:
        try:
            scheduler.add(message)
        except InvalidInput:
            refused += 1
            continue
        due, _ = scheduler.due()
        for window in due:
            windows.append(window)
            scheduler.fused(window.person_id)
    return windows, refused


def state_record(state) -> dict:
    return {"person_id": state.person_id, "stamp": float(state.stamp),
            "labels": list(state.labels), "scores": [float(s) for s in state.scores],
            "valence": float(state.valence), "arousal": float(state.arousal),
            "confidence": float(state.confidence)}


def emotion_streams(dataset: FusionDataset, runtime: FusionRuntime,
                    settings: ReplaySettings | None = None, stream_keys: Sequence[str] = (),
                    start_key: str | None = None, limit: int | None = None,
                    prefix: str = "corpus") -> tuple[list[CorpusStream], dict]:
    """The EmotionState stream of every stream of `dataset` (its first `limit` samples)."""
    settings = settings or ReplaySettings()
    count = len(dataset) if limit is None else min(limit, len(dataset))
    grouped = group_samples(dataset, range(count), tuple(stream_keys), start_key)
    if not grouped:
        raise ReplayError("empty", "no sample with any feature to replay")
    pending: list[tuple[int, FusionWindow]] = []
    streams, refused = [], 0
    for key, items in grouped.items():
        person = f"{prefix}/{key}"[:MAX_PERSON_ID]
        windows, dropped = fusion_windows(stream_messages(items, person, settings.gap_s),
                                          person, settings)
        refused += dropped
        pending += [(len(streams), w) for w in windows]
        streams.append(CorpusStream(key, len(items), []))
    for start in range(0, len(pending), settings.batch_size):
        chunk = pending[start:start + settings.batch_size]
        results = runtime.process([w for _, w in chunk])
        for (which, _), result in zip(chunk, results, strict=True):
            streams[which].records.append(state_record(result.emotion))
    stats = {"samples": count, "streams": len(streams), "windows": len(pending),
             "refused_messages": refused, "rate_hz": settings.rate_hz,
             "stream_keys": list(stream_keys), "start_key": start_key}
    return streams, stats
