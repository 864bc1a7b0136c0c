# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Plain per-person time series of one replayed run, as the figures and the summary read them.

Times are seconds from the input bag's start (the receive time of its first message), taken
from the messages' header stamps (data time). Missing or non-finite values are NaN; every
array of a series has one row per message, sorted by time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# The graph's output topics, by the role they play in the report.
EMOTION_TOPIC = "/hri_emo/emotion"
EXPLANATION_TOPIC = "/hri_emo/explanation"
AFFECT_TOPIC = "/hri_emo/affective_state"
BEHAVIOR_TOPIC = "/hri_emo/behavior"
FUSED_TOPIC = "/hri_emo/fused"
TRACKED_TOPIC = "/hri_emo/faces/tracked"
VIDEO_FEATURES_TOPIC = "/hri_emo/features/video"
AUDIO_FEATURES_TOPIC = "/hri_emo/features/audio"
TEXT_FEATURES_TOPIC = "/hri_emo/features/text"
DIAGNOSTICS_TOPIC = "/diagnostics"
OUTPUT_TYPES: dict[str, str] = {
    EMOTION_TOPIC: "hri_emo_msgs/msg/EmotionState",
    EXPLANATION_TOPIC: "hri_emo_msgs/msg/Explanation",
    AFFECT_TOPIC: "hri_emo_msgs/msg/AffectiveState",
    BEHAVIOR_TOPIC: "hri_emo_msgs/msg/BehaviorCommand",
    FUSED_TOPIC: "hri_emo_msgs/msg/FusedSequence",
    VIDEO_FEATURES_TOPIC: "hri_emo_msgs/msg/ModalityFeatures",
    AUDIO_FEATURES_TOPIC: "hri_emo_msgs/msg/ModalityFeatures",
    TEXT_FEATURES_TOPIC: "hri_emo_msgs/msg/ModalityFeatures",
    TRACKED_TOPIC: "hri_emo_msgs/msg/IdsList",
    DIAGNOSTICS_TOPIC: "diagnostic_msgs/msg/DiagnosticArray",
}
LEVELS: tuple[str, ...] = ("micro", "state", "pattern")  # LevelState.LEVEL_*
MICRO_EXPRESSION = "micro_expression"                    # AffectiveEvent.TYPE_*
STATE_CHANGE = "state_change"


@dataclass
class EmotionSeries:
    """One person's EmotionState messages."""

    person_id: str
    times: np.ndarray                 # (n,) s
    labels: tuple[str, ...]           # union of the messages' labels
    scores: np.ndarray                # (n, len(labels)); NaN where a message lacks a label
    dominant: list[str]               # EmotionState.dominant ("" when empty)
    valence: np.ndarray               # (n,)
    arousal: np.ndarray
    confidence: np.ndarray

    def dominant_labels(self) -> list[str]:
        """Each message's dominant label: the field, else the arg-max of its finite scores
        ('' when neither gives one)."""
        out = []
        for i, name in enumerate(self.dominant):
            if not name and self.labels and np.isfinite(self.scores[i]).any():
                name = self.labels[int(np.nanargmax(self.scores[i]))]
            out.append(name)
        return out


@dataclass
class GateSeries:
    """One person's modality gate weights (from EmotionState, else from Explanation)."""

    person_id: str
    source_topic: str
    times: np.ndarray                 # (n,) s
    modalities: tuple[str, ...]
    weights: np.ndarray               # (n, len(modalities)); 0 for a modality not listed


@dataclass(frozen=True)
class EventPoint:
    """One AffectiveEvent, at its onset."""

    time: float                       # s
    type: str                         # MICRO_EXPRESSION | STATE_CHANGE | other
    emotion: str
    duration: float                   # s
    magnitude: float


@dataclass
class AffectSeries:
    """One person's AffectiveState messages."""

    person_id: str
    times: np.ndarray                 # (n,) s
    free_energy: np.ndarray           # (n, len(LEVELS)) nats
    valence: np.ndarray               # (n, len(LEVELS))
    arousal: np.ndarray
    total_free_energy: np.ndarray     # (n,)
    events: list[EventPoint] = field(default_factory=list)


@dataclass
class BehaviorSeries:
    """One person's BehaviorCommand messages."""

    person_id: str
    times: np.ndarray                 # (n,) s
    actions: list[str]
    intensity: np.ndarray             # (n,)
    rationale: list[str]
    utterance: list[str]
    from_planning: np.ndarray         # (n,) bool


@dataclass(frozen=True)
class ExplanationPoint:
    time: float
    person_id: str
    summary: str
    top_words: tuple[str, ...]


@dataclass(frozen=True)
class TopicStats:
    name: str
    msgtype: str
    count: int


@dataclass
class BagSummary:
    """What a bag holds: path, clock span and topics."""

    path: Path
    start_ns: int | None
    duration_s: float
    topics: dict[str, TopicStats]


@dataclass
class RunSeries:
    """Everything the report shows of one run, keyed by person id where it applies."""

    input_bag: BagSummary
    output_bag: BagSummary
    origin_ns: int                    # t = 0 of every time series
    duration_s: float                 # span of the input bag [s]
    emotion: dict[str, EmotionSeries] = field(default_factory=dict)
    gates: dict[str, GateSeries] = field(default_factory=dict)
    affect: dict[str, AffectSeries] = field(default_factory=dict)
    behavior: dict[str, BehaviorSeries] = field(default_factory=dict)
    explanations: list[ExplanationPoint] = field(default_factory=list)
    face_persons: set[str] = field(default_factory=set)  # ids seen on tracked/video topics
    camera_topic: str | None = None
    notes: list[str] = field(default_factory=list)        # data problems, for the page

    def count(self, topic: str) -> int:
        stats = self.output_bag.topics.get(topic)
        return stats.count if stats is not None else 0

    def persons(self) -> list[str]:
        """Every person id with any output, in order of first appearance."""
        first: dict[str, float] = {}
        for table in (self.emotion, self.affect, self.behavior):
            for person, series in table.items():
                start = float(series.times[0]) if len(series.times) else float("inf")
                first[person] = min(first.get(person, float("inf")), start)
        return sorted(first, key=lambda p: (first[p], p))

    def time_span(self) -> tuple[float, float]:
        """x-axis limits: the input bag's span, widened to the outputs that lie beyond it."""
        low, high = 0.0, max(self.duration_s, 1.0)
        for table in (self.emotion, self.affect, self.behavior):
            for series in table.values():
                if len(series.times):
                    low = min(low, float(series.times[0]))
                    high = max(high, float(series.times[-1]))
        return low, high
