# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Event detectors: micro-expressions from the micro level, state changes from the state.

A micro excursion opens when the micro level's precision-weighted error exceeds the
threshold (in sigma units of a chi-square with one degree of freedom per latent dimension,
via the Wilson-Hilferty approximation) and closes when it falls below the release level.
It is a micro-expression if it closed within `micro_max_duration_s`; the emotion is the one
whose score rose most above the micro level's prediction at the peak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy.config import EventConfig
from hri_emo_ros.hierarchy.observation import ANCHORED_DIMS
from hri_emo_ros.hierarchy.results import (
    TYPE_MICRO_EXPRESSION,
    TYPE_STATE_CHANGE,
    AffectiveEventResult,
)

_NEUTRAL = EMOTIONS.index("neutral")


def chi_square_sigma(value: float, dof: int) -> float:
    """Normal quantile of a chi-square(dof) value (Wilson-Hilferty), in sigma units."""
    spread = 2.0 / (9.0 * dof)
    return ((max(value, 0.0) / dof) ** (1.0 / 3.0) - (1.0 - spread)) / math.sqrt(spread)


def rising_emotion(rise: np.ndarray, min_rise: float) -> str:
    """The non-neutral emotion whose score rose most (neutral only if nothing else rose)."""
    scores = rise[ANCHORED_DIMS:]
    others = scores.copy()
    others[_NEUTRAL] = -np.inf
    best = int(np.argmax(others))
    if others[best] >= min_rise:
        return EMOTIONS[best]
    return EMOTIONS[_NEUTRAL] if scores[_NEUTRAL] >= min_rise else ""


@dataclass
class MicroEventDetector:
    open: bool = False
    onset: float = 0.0
    peak: float = 0.0
    emotion: str = ""

    def step(self, sigma: float, rise: np.ndarray, stamp: float,
             config: EventConfig) -> AffectiveEventResult | None:
        if not self.open:
            if sigma >= config.micro_threshold_sigma:
                self.open, self.onset, self.peak = True, stamp, sigma
                self.emotion = rising_emotion(rise, config.micro_min_score_rise)
            return None
        if sigma > self.peak:
            self.peak = sigma
            self.emotion = rising_emotion(rise, config.micro_min_score_rise)
        if sigma >= config.micro_release_sigma:
            return None
        self.open = False
        duration = stamp - self.onset
        if duration > config.micro_max_duration_s:
            return None
        return AffectiveEventResult(TYPE_MICRO_EXPRESSION, self.emotion, self.onset, duration,
                                    self.peak)

    def reset(self) -> None:
        self.open = False


@dataclass
class StateChangeDetector:
    """Reports when the state's valence or arousal has moved `state_change_delta` since the
    last report; the onset is when the move first exceeded a third of that."""

    reference: tuple[float, float] | None = None
    drift_onset: float | None = None
    peak: float = 0.0

    def step(self, valence: float, arousal: float, sigma: float, emotion: str, stamp: float,
             config: EventConfig) -> AffectiveEventResult | None:
        if self.reference is None:
            self.reference = (valence, arousal)
            return None
        moved = max(abs(valence - self.reference[0]), abs(arousal - self.reference[1]))
        if moved < config.state_change_delta / 3.0:
            self.drift_onset, self.peak = None, 0.0
            return None
        if self.drift_onset is None:
            self.drift_onset = stamp
        self.peak = max(self.peak, sigma)
        if moved < config.state_change_delta:
            return None
        event = AffectiveEventResult(TYPE_STATE_CHANGE, emotion, self.drift_onset,
                                     stamp - self.drift_onset, self.peak)
        self.reference, self.drift_onset, self.peak = (valence, arousal), None, 0.0
        return event
