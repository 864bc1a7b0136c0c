# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Plain data in and out of the fusion core; each maps field by field onto a message.

Times are float seconds on the clock of the message stamps (a node converts
builtin_interfaces/Time with `sec + nanosec * 1e-9`). Arrays are numpy, row-major.

| dataclass           | message                          |
|---------------------|----------------------------------|
| ModalitySteps       | hri_emo_msgs/ModalityFeatures    |
| LabelledMatrix      | hri_emo_msgs/Matrix              |
| FusedSequenceData   | hri_emo_msgs/FusedSequence       |
| EmotionStateData    | hri_emo_msgs/EmotionState        |
| ExplanationData     | hri_emo_msgs/Explanation         |
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class ModalitySteps:
    """A short feature sequence of one modality for one person."""

    modality: str
    features: np.ndarray            # (steps, dim)
    step_times: np.ndarray          # (steps,) seconds
    quality: np.ndarray             # (steps,) in [0, 1]
    step_labels: list[str] = field(default_factory=list)  # empty or one per step
    person_id: str = "anonymous"
    extractor: str = ""

    @property
    def steps(self) -> int:
        return int(self.features.shape[0])

    @property
    def stamp(self) -> float:
        """Time of the newest step (the message header stamp)."""
        return float(self.step_times[-1])


@dataclass
class FusionWindow:
    """What one person offers to one fusion pass: fresh modalities up to `stamp`.

    `checked` is set by the synchroniser, which validated every step on arrival; the runtime
    validates windows that are not checked.
    """

    person_id: str
    stamp: float
    modalities: dict[str, ModalitySteps]
    checked: bool = False


@dataclass
class LabelledMatrix:
    name: str
    data: np.ndarray                # (rows, cols) float32
    row_labels: list[str] = field(default_factory=list)
    col_labels: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return int(self.data.shape[0])

    @property
    def cols(self) -> int:
        return int(self.data.shape[1])


@dataclass
class FusedSequenceData:
    person_id: str
    stamp: float
    model_id: str
    fused: np.ndarray               # (steps, width)
    step_times: np.ndarray          # (steps,)
    step_labels: list[str]
    step_modalities: list[str]      # not in the message: derive with modality_of_label()
    modalities: list[str]
    present: list[bool]
    gate_mean: np.ndarray           # (modalities,) sums to 1 over present ones
    gate_per_dim: np.ndarray        # (modalities, width)
    modality_quality: np.ndarray    # (modalities,)
    alignments: list[LabelledMatrix]

    @property
    def steps(self) -> int:
        return int(self.fused.shape[0])

    @property
    def width(self) -> int:
        return int(self.fused.shape[1])


@dataclass
class EmotionStateData:
    person_id: str
    stamp: float
    labels: list[str]
    scores: np.ndarray              # independent sigmoid scores in [0, 1]
    dominant: str
    valence: float
    arousal: float
    confidence: float               # calibrated P(dominant label is right)
    modalities: list[str]           # those that contributed
    modality_weights: np.ndarray    # their mean gate weights, summing to 1
    model_id: str


@dataclass
class ExplanationData:
    person_id: str
    stamp: float
    modalities: list[str]
    gate_mean: np.ndarray
    gate_per_dim: LabelledMatrix
    alignments: list[LabelledMatrix]
    attribution: LabelledMatrix     # emotions x fused steps, rows sum to 1
    attribution_method: str
    top_words: list[str]
    summary: str


def step_label(modality: str, relative_time: float, word: str | None) -> str:
    """A fused step's label: the word for text steps, else 'modality@seconds-into-window'."""
    if modality == "text" and word:
        return word
    return f"{modality}@{relative_time:.2f}"


def modality_of_label(label: str, modalities: tuple[str, ...] | list[str]) -> str:
    """Inverse of step_label for a node that rebuilds FusedSequenceData from a message."""
    head, sep, _ = label.partition("@")
    if sep and head in modalities and head != "text":
        return head
    return "text"
