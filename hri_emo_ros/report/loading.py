# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Read the input bag's clock and camera topic, and the output bag's messages, into a
`RunSeries`.

A topic that is missing, empty, of an unexpected type or undecodable is left out with a
note; it never stops the report. Messages stamped far outside the input bag's span (e.g. on
the wall clock instead of data time) cannot be placed on its time axis: they are counted
in a note and left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import FROM_BAG, OURS, BagReader, open_bag
from hri_emo_ros.common.feature_spec import EMOTIONS, MODALITIES
from hri_emo_ros.report.errors import ReportError
from hri_emo_ros.report.series import (
    AFFECT_TOPIC,
    BEHAVIOR_TOPIC,
    EMOTION_TOPIC,
    EXPLANATION_TOPIC,
    LEVELS,
    OUTPUT_TYPES,
    TRACKED_TOPIC,
    VIDEO_FEATURES_TOPIC,
    AffectSeries,
    BagSummary,
    BehaviorSeries,
    EmotionSeries,
    EventPoint,
    ExplanationPoint,
    GateSeries,
    RunSeries,
    TopicStats,
)

CAMERA_TYPES = ("sensor_msgs/msg/CompressedImage", "sensor_msgs/msg/Image")
OUTSIDE_MARGIN_S = 60.0   # stamps further than this outside the input's span are left out
_READ = (EMOTION_TOPIC, EXPLANATION_TOPIC, AFFECT_TOPIC, BEHAVIOR_TOPIC, TRACKED_TOPIC,
         VIDEO_FEATURES_TOPIC)


def _summary(bag: BagReader) -> BagSummary:
    topics = {name: TopicStats(name, info.msgtype, info.count) for name, info in bag.topics.items()}
    return BagSummary(bag.path, bag.start_ns, bag.duration_s, topics)


def _open(path: Path, reason: str, role: str) -> BagReader:
    try:
        return open_bag(path)
    except BagError as error:
        raise ReportError(reason, f"the {role} cannot be read: {error}") from error


def _stamp_ns(stamp: Any) -> int:
    return int(stamp.sec) * 1_000_000_000 + int(stamp.nanosec)


def _finite(value: Any) -> float:
    number = float(value)
    return number if math.isfinite(number) else math.nan


def _ordered(names: Iterable[str], preferred: tuple[str, ...]) -> tuple[str, ...]:
    seen = dict.fromkeys(names)
    return tuple(n for n in preferred if n in seen) + tuple(n for n in seen if n not in preferred)


def _matrix(rows: list[dict[str, float]], columns: tuple[str, ...], fill: float) -> np.ndarray:
    out = np.full((len(rows), len(columns)), fill, dtype=np.float64)
    for i, row in enumerate(rows):
        for j, name in enumerate(columns):
            out[i, j] = row.get(name, fill)
    return out


def _pairs(names: Any, values: Any, what: str, notes: set[str]) -> dict[str, float]:
    names, values = list(names), [_finite(v) for v in values]
    if len(names) != len(values):
        notes.add(f"{what}: names and values of different lengths (extra ones ignored)")
    return dict(zip(names, values))


class _Collector:
    """Accumulates messages per topic and person, then builds the series."""

    def __init__(self, origin_ns: int, duration_s: float) -> None:
        self.origin_ns = origin_ns
        self.duration_s = duration_s
        self.rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.explanations: list[ExplanationPoint] = []
        self.face_persons: set[str] = set()
        self.outside: dict[str, int] = defaultdict(int)
        self.notes: set[str] = set()

    def time(self, topic: str, header_stamp: Any, receive_ns: int) -> float | None:
        stamp = _stamp_ns(header_stamp) or receive_ns  # unset header stamp: the receive time
        t = (stamp - self.origin_ns) * 1e-9
        if not -OUTSIDE_MARGIN_S <= t <= self.duration_s + OUTSIDE_MARGIN_S:
            self.outside[topic] += 1
            return None
        return t

    def add(self, topic: str, receive_ns: int, msg: Any) -> None:
        t = self.time(topic, msg.header.stamp, receive_ns)
        if t is None:
            return
        if topic == TRACKED_TOPIC:
            self.face_persons.update(str(i) for i in msg.ids)
        elif topic == VIDEO_FEATURES_TOPIC:
            self.face_persons.add(msg.person_id)
        elif topic == EXPLANATION_TOPIC:
            self.explanations.append(ExplanationPoint(t, msg.person_id, msg.summary,
                                                      tuple(msg.top_words)))
            self.rows[topic][msg.person_id].append(
                (t, _pairs(msg.modalities, msg.gate_mean, topic, self.notes)))
        else:  # EmotionState, AffectiveState, BehaviorCommand: built into series later
            self.rows[topic][msg.person_id].append((t, msg))

    def emotion(self, person: str) -> tuple[EmotionSeries, GateSeries | None]:
        entries = sorted(self.rows[EMOTION_TOPIC][person], key=lambda e: e[0])
        scores = [_pairs(m.labels, m.scores, EMOTION_TOPIC, self.notes) for _, m in entries]
        weights = [_pairs(m.modalities, m.modality_weights, EMOTION_TOPIC, self.notes)
                   for _, m in entries]
        labels = _ordered((n for row in scores for n in row), EMOTIONS)
        times = np.array([t for t, _ in entries])
        series = EmotionSeries(
            person, times, labels, _matrix(scores, labels, math.nan),
            [m.dominant for _, m in entries],
            np.array([_finite(m.valence) for _, m in entries]),
            np.array([_finite(m.arousal) for _, m in entries]),
            np.array([_finite(m.confidence) for _, m in entries]))
        modalities = _ordered((n for row in weights for n in row), MODALITIES)
        if not modalities:
            return series, None
        return series, GateSeries(person, EMOTION_TOPIC, times, modalities,
                                  _matrix(weights, modalities, 0.0))

    def explanation_gates(self, person: str) -> GateSeries | None:
        entries = sorted(self.rows[EXPLANATION_TOPIC][person], key=lambda e: e[0])
        modalities = _ordered((n for _, row in entries for n in row), MODALITIES)
        if not modalities:
            return None
        return GateSeries(person, EXPLANATION_TOPIC, np.array([t for t, _ in entries]),
                          modalities, _matrix([row for _, row in entries], modalities, 0.0))

    def affect(self, person: str) -> AffectSeries:
        entries = sorted(self.rows[AFFECT_TOPIC][person], key=lambda e: e[0])
        levels = [{lv.name: lv for lv in m.levels} for _, m in entries]

        def level_field(name: str) -> np.ndarray:
            return np.array([[_finite(getattr(row[lv], name)) if lv in row else math.nan
                              for lv in LEVELS] for row in levels]).reshape(len(entries),
                                                                            len(LEVELS))
        events = []
        for t, m in entries:
            for event in m.events:
                onset_ns = _stamp_ns(event.onset)
                onset = (onset_ns - self.origin_ns) * 1e-9 if onset_ns else t
                events.append(EventPoint(onset, event.type, event.emotion,
                                         _finite(event.duration), _finite(event.magnitude)))
        return AffectSeries(person, np.array([t for t, _ in entries]),
                            level_field("free_energy"), level_field("valence"),
                            level_field("arousal"),
                            np.array([_finite(m.total_free_energy) for _, m in entries]),
                            sorted(events, key=lambda e: e.time))

    def behavior(self, person: str) -> BehaviorSeries:
        entries = sorted(self.rows[BEHAVIOR_TOPIC][person], key=lambda e: e[0])
        return BehaviorSeries(
            person, np.array([t for t, _ in entries]), [m.action for _, m in entries],
            np.array([_finite(m.intensity) for _, m in entries]),
            [m.rationale for _, m in entries], [m.utterance for _, m in entries],
            np.array([bool(m.from_planning) for _, m in entries], dtype=bool))


def _readable(bag: BagReader, notes: list[str]) -> list[str]:
    topics = []
    for name in _READ:
        info = bag.topics.get(name)
        if info is None or info.count == 0:
            continue
        if info.msgtype != OUTPUT_TYPES[name]:
            notes.append(f"{name} carries {info.msgtype}, expected {OUTPUT_TYPES[name]}: "
                         "left out")
        elif info.definition not in (OURS, FROM_BAG):
            notes.append(f"{name}: the bag's definition of {info.msgtype} does not match the "
                         f"installed one ({info.definition}): left out")
        else:
            topics.append(name)
    return topics


def camera_topic(bag: BagReader) -> str | None:
    """The image topic of the input bag with the most messages (compressed on a tie)."""
    cameras = [info for info in bag.topics.values() if info.msgtype in CAMERA_TYPES and info.count]
    if not cameras:
        return None
    return max(cameras, key=lambda i: (i.count, i.msgtype == CAMERA_TYPES[0])).name


def load_run(input_bag: Path, output_bag: Path) -> RunSeries:
    """The run's time series; ReportError(input_bag | output_bag) when a bag cannot be read."""
    with _open(input_bag, "input_bag", "replayed input bag") as inputs:
        input_summary = _summary(inputs)
        camera = camera_topic(inputs)
    with _open(output_bag, "output_bag", "bag of outputs") as outputs:
        output_summary = _summary(outputs)
        notes: list[str] = []
        origin = input_summary.start_ns
        if origin is None:
            notes.append(f"the input bag {input_bag} is empty: times are from the first output")
            origin = output_summary.start_ns or 0
        collector = _Collector(origin, input_summary.duration_s)
        topics = _readable(outputs, notes)
        try:
            for record, msg in outputs.messages(topics):
                collector.add(record.topic, record.stamp_ns, msg)
        except BagError as error:
            notes.append(f"reading stopped early: {error}")
    run = RunSeries(input_summary, output_summary, origin, input_summary.duration_s,
                    camera_topic=camera)
    for person in collector.rows[EMOTION_TOPIC]:
        run.emotion[person], gates = collector.emotion(person)
        if gates is not None:
            run.gates[person] = gates
    for person in collector.rows[EXPLANATION_TOPIC]:
        if person not in run.gates and (gates := collector.explanation_gates(person)):
            run.gates[person] = gates
    run.affect = {p: collector.affect(p) for p in collector.rows[AFFECT_TOPIC]}
    run.behavior = {p: collector.behavior(p) for p in collector.rows[BEHAVIOR_TOPIC]}
    run.explanations = sorted(collector.explanations, key=lambda e: (e.time, e.person_id))
    run.face_persons = collector.face_persons
    for topic, count in sorted(collector.outside.items()):
        notes.append(f"{count} message(s) on {topic} are stamped more than "
                     f"{OUTSIDE_MARGIN_S:.0f} s outside the input bag's span and are not "
                     "shown (header stamps should be data time)")
    run.notes = notes + sorted(collector.notes)
    return run
