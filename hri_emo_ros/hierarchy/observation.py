# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What the hierarchy consumes: one person's EmotionState as a plain dataclass.

Field names follow `hri_emo_msgs/EmotionState` (`stamp` is the header stamp in seconds).
`observation_vector` turns it into the hierarchy's observation space, in this order:
valence, arousal, then one score per name in `feature_spec.EMOTIONS`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy.errors import InvalidObservation

ANCHORED_DIMS = 2                       # valence, arousal
OBS_DIM = ANCHORED_DIMS + len(EMOTIONS)
MAX_PERSON_ID_LENGTH = 256
_RANGE_TOLERANCE = 1e-3                 # float noise beyond a range is clipped, not rejected
_EMOTION_INDEX = {name: ANCHORED_DIMS + i for i, name in enumerate(EMOTIONS)}


@dataclass(frozen=True)
class EmotionObservation:
    """One EmotionState: scores over labels in [0, 1], valence/arousal in [-1, 1]."""

    person_id: str
    stamp: float
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    valence: float
    arousal: float
    confidence: float = 1.0

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> EmotionObservation:
        """Build from a dict with the EmotionState field names (extra keys are ignored)."""
        try:
            return cls(person_id=data["person_id"], stamp=data["stamp"],
                       labels=tuple(data.get("labels", ())),
                       scores=tuple(data.get("scores", ())), valence=data["valence"],
                       arousal=data["arousal"], confidence=data.get("confidence", 1.0))
        except KeyError as err:
            raise InvalidObservation("wrong_type", f"observation lacks field {err}") from None


def coerce_observation(item: EmotionObservation | Mapping[str, Any]) -> EmotionObservation:
    if isinstance(item, EmotionObservation):
        return item
    if isinstance(item, Mapping):
        return EmotionObservation.from_mapping(item)
    raise InvalidObservation("wrong_type", f"expected an EmotionObservation, got {type(item)}")


def observation_vector(obs: EmotionObservation) -> tuple[np.ndarray, float, int]:
    """Validate `obs`; return (vector with NaN where no score came, confidence, unknown labels).

    Raises InvalidObservation (reason nan_values, inf_values, out_of_range, length_mismatch,
    duplicate_label, bad_person_id, wrong_type) instead of letting bad numbers through.
    """
    check_person_id(obs.person_id)
    _check_number(obs.stamp, "stamp", -math.inf, math.inf)
    if len(obs.labels) != len(obs.scores):
        raise InvalidObservation(
            "length_mismatch", f"{len(obs.labels)} labels but {len(obs.scores)} scores")
    if len(set(obs.labels)) != len(obs.labels):
        raise InvalidObservation("duplicate_label", f"labels repeat: {list(obs.labels)}")
    vector = np.full(OBS_DIM, np.nan)
    vector[0] = _check_number(obs.valence, "valence", -1.0, 1.0)
    vector[1] = _check_number(obs.arousal, "arousal", -1.0, 1.0)
    confidence = _check_number(obs.confidence, "confidence", 0.0, 1.0)
    unknown = 0
    for label, score in zip(obs.labels, obs.scores, strict=True):
        value = _check_number(score, f"score of {label!r}", 0.0, 1.0)
        index = _EMOTION_INDEX.get(label)
        if index is None:
            unknown += 1
        else:
            vector[index] = value
    return vector, confidence, unknown


def check_person_id(person_id: Any) -> None:
    if not isinstance(person_id, str) or not person_id.strip():
        raise InvalidObservation("bad_person_id", f"person_id must be a non-empty string, "
                                 f"got {person_id!r}")
    if len(person_id) > MAX_PERSON_ID_LENGTH:
        raise InvalidObservation("bad_person_id",
                                 f"person_id longer than {MAX_PERSON_ID_LENGTH} characters")


def _check_number(value: Any, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise InvalidObservation("wrong_type", f"{name} must be a number, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise InvalidObservation("nan_values", f"{name} is NaN")
    if math.isinf(value):
        raise InvalidObservation("inf_values", f"{name} is infinite")
    if not low - _RANGE_TOLERANCE <= value <= high + _RANGE_TOLERANCE:
        raise InvalidObservation("out_of_range", f"{name}={value:g} outside [{low:g}, {high:g}]")
    return min(max(value, low), high)
