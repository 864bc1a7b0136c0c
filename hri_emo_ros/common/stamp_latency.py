# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Latency, rate and drop figures of a live graph from message stamps and receive times.

A `StreamLog` holds what a measuring node saw: what it published (stamps in nanoseconds on
the wall clock) and, per output stream, (stamp, receive time, person) of every message it
received. `graph_figures(log, window)` turns that into plain numbers for the measurement
window: per-stage latency (receive - stamp), end to end from a camera frame's stamp to the
EmotionState that carries it as its newest evidence, the fusion -> decoder hop and the face
features -> emotion path (receive to receive, same person and stamp), sustained rates and
drops. Stamps that went through float seconds in a node come back within a
fraction of a microsecond, so they are matched with a tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

NS_PER_S = 1_000_000_000
MATCH_TOLERANCE_NS = 2_000  # float-seconds round trips of epoch stamps are off by < 0.3 us

# Output streams a measuring node records, in pipeline order.
STAGE_STREAMS = ("face_features", "voice_features", "text_features", "fused", "emotion",
                 "affective_state", "behavior")


class InvalidLog(ValueError):
    """A log or window that cannot give figures; `reason` names the kind of problem."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class Utterance:
    """A published transcript: its stamp and the utterance span it reported [ns]."""

    stamp_ns: int
    start_ns: int
    end_ns: int


@dataclass
class StreamLog:
    """What was published and received; received[stream] = [(stamp, receive, person)]."""

    camera_ns: list[int] = field(default_factory=list)
    audio_ns: list[int] = field(default_factory=list)
    utterances: list[Utterance] = field(default_factory=list)
    tracked_ns: list[int] = field(default_factory=list)  # stamps of frames the face node did
    received: dict[str, list[tuple[int, int, str]]] = field(
        default_factory=lambda: {name: [] for name in STAGE_STREAMS})

    def record(self, stream: str, stamp_ns: int, receive_ns: int, person_id: str = "") -> None:
        if stream not in self.received:
            raise InvalidLog("unknown_stream", f"{stream!r} is not one of {STAGE_STREAMS}")
        self.received[stream].append((int(stamp_ns), int(receive_ns), person_id))


def summary_ms(latencies_ns: Sequence[int] | np.ndarray) -> dict[str, float | int | None]:
    """count, p50, p99, mean, min and max in milliseconds (None where there is no sample)."""
    values = np.asarray(latencies_ns, dtype=np.float64) / 1e6
    if values.size == 0:
        return {"count": 0, "p50": None, "p99": None, "mean": None, "min": None, "max": None}
    if not np.isfinite(values).all():
        raise InvalidLog("nan_values", "latencies must be finite")
    return {"count": int(values.size), "p50": round(float(np.percentile(values, 50)), 3),
            "p99": round(float(np.percentile(values, 99)), 3),
            "mean": round(float(values.mean()), 3), "min": round(float(values.min()), 3),
            "max": round(float(values.max()), 3)}


def match_indices(reference_ns: np.ndarray, stamps_ns: np.ndarray,
                  tolerance_ns: int = MATCH_TOLERANCE_NS) -> np.ndarray:
    """For each stamp, the index of the equal reference stamp (within tolerance), else -1.
    `reference_ns` must be sorted."""
    reference = np.asarray(reference_ns, dtype=np.int64)
    stamps = np.asarray(stamps_ns, dtype=np.int64)
    if reference.size == 0 or stamps.size == 0:
        return np.full(stamps.size, -1, dtype=np.int64)
    if np.any(np.diff(reference) < 0):
        raise InvalidLog("out_of_order", "reference stamps must be sorted")
    right = np.clip(np.searchsorted(reference, stamps), 0, reference.size - 1)
    left = np.clip(right - 1, 0, reference.size - 1)
    nearest = np.where(np.abs(reference[left] - stamps) <= np.abs(reference[right] - stamps),
                       left, right)
    return np.where(np.abs(reference[nearest] - stamps) <= tolerance_ns, nearest, -1)


def _in_window(values: np.ndarray, window: tuple[int, int]) -> np.ndarray:
    return (values >= window[0]) & (values < window[1])


def _columns(rows: list[tuple[int, int, str]]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    stamps, receives, persons = zip(*rows, strict=True)
    return np.asarray(stamps, np.int64), np.asarray(receives, np.int64), list(persons)


def _text_latencies(log: StreamLog, window: tuple[int, int]) -> tuple[np.ndarray, int]:
    """receive - transcript stamp for text features (their stamp is the last word's time,
    inside the utterance span the transcript reported); and how many transcripts of the
    window gave features."""
    stamps, receives, _ = _columns(log.received["text_features"])
    latencies, used = [], set()
    for stamp, receive in zip(stamps, receives, strict=True):
        for index, utterance in enumerate(log.utterances):
            if (utterance.start_ns - MATCH_TOLERANCE_NS <= stamp
                    <= utterance.end_ns + MATCH_TOLERANCE_NS
                    and window[0] <= utterance.stamp_ns < window[1] and index not in used):
                latencies.append(receive - utterance.stamp_ns)
                used.add(index)
                break
    return np.asarray(latencies, np.int64), len(used)


def _paired_latencies(earlier: list[tuple[int, int, str]], later: list[tuple[int, int, str]],
                      window: tuple[int, int]) -> tuple[np.ndarray, int]:
    """Receive time of a `later` message - receive time of the `earlier` one with the same
    person and stamp (stamped within `window`), and how many `earlier` ones the window
    holds."""
    first_stamps, first_receives, first_persons = _columns(earlier)
    keep = _in_window(first_stamps, window)
    first_persons_array = np.asarray(first_persons, dtype=object)
    then_stamps, then_receives, then_persons = _columns(later)
    then_persons_array = np.asarray(then_persons, dtype=object)
    gaps: list[int] = []
    for person in sorted(set(first_persons_array[keep].tolist())):
        mine = keep & (first_persons_array == person)
        order = np.argsort(first_stamps[mine], kind="stable")
        stamps, receives = first_stamps[mine][order], first_receives[mine][order]
        theirs = then_persons_array == person
        found = match_indices(stamps, then_stamps[theirs])
        ok = found >= 0
        gaps.extend((then_receives[theirs][ok] - receives[found[ok]]).tolist())
    return np.asarray(gaps, np.int64), int(keep.sum())


def graph_figures(log: StreamLog, window: tuple[int, int]) -> dict:
    """Latency [ms], rate [1/s] and drop figures for messages stamped within `window`
    (start, end) [ns]."""
    start, end = int(window[0]), int(window[1])
    if not end > start:
        raise InvalidLog("empty_window", f"window end {end} is not after its start {start}")
    seconds = (end - start) / NS_PER_S
    camera = np.sort(np.asarray(log.camera_ns, np.int64))
    camera_in = camera[_in_window(camera, (start, end))]
    latency: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for stream in STAGE_STREAMS:
        stamps, receives, _ = _columns(log.received[stream])
        keep = _in_window(stamps, (start, end))
        counts[stream] = int(keep.sum())
        if stream != "text_features":
            latency[stream] = summary_ms(receives[keep] - stamps[keep])
    text_latencies, transcripts_used = _text_latencies(log, (start, end))
    latency["text_features"] = summary_ms(text_latencies)

    for name, stream in (("end_to_end", "emotion"), ("camera_to_affective_state",
                                                      "affective_state")):
        stamps, receives, _ = _columns(log.received[stream])
        matched = match_indices(camera_in, stamps) >= 0
        latency[name] = summary_ms(receives[matched] - stamps[matched])
        counts[f"{stream}_from_camera"] = int(matched.sum())

    hops, fused_in_window = _paired_latencies(log.received["fused"], log.received["emotion"],
                                              (start, end))
    latency["fusion_to_decoder"] = summary_ms(hops)
    face_to_emotion, _ = _paired_latencies(log.received["face_features"],
                                           log.received["emotion"], (start, end))
    latency["face_features_to_emotion"] = summary_ms(face_to_emotion)

    tracked = np.asarray(log.tracked_ns, np.int64)
    processed = np.unique(match_indices(camera_in, tracked))
    processed = int((processed >= 0).sum())
    audio = np.asarray(log.audio_ns, np.int64)
    transcripts = sum(1 for u in log.utterances if start <= u.stamp_ns < end)
    rates = {
        "camera_published": round(camera_in.size / seconds, 3),
        "camera_processed": round(processed / seconds, 3),
        "audio_chunks_published": round(int(_in_window(audio, (start, end)).sum()) / seconds, 3),
        **{stream: round(counts[stream] / seconds, 3) for stream in STAGE_STREAMS},
    }
    drops = {
        "camera_frames": int(camera_in.size - processed),
        "camera_fraction": round(1.0 - processed / camera_in.size, 4) if camera_in.size else None,
        "transcripts": transcripts - transcripts_used,
        "fused_without_emotion": fused_in_window - len(hops),
    }
    return {"window_s": round(seconds, 3), "latency_ms": latency, "rates_per_s": rates,
            "drops": drops,
            "counts": {"camera_published": int(camera_in.size), "camera_processed": processed,
                       "transcripts_published": transcripts, **counts}}
