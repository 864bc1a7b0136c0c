# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What a level reports after an update, and what it hands to the learner."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.hierarchy import gaussian as g
from hri_emo_ros.hierarchy.observation import ANCHORED_DIMS


@dataclass
class LevelReading:
    """The latest published quantities of one level (see LevelStateResult)."""

    time_scale: float = 0.0
    error: float = 0.0
    precision: float = 1.0
    free_energy: float = 0.0
    surprise: float = 0.0

    def record(self, error: np.ndarray, predictive_var: np.ndarray, gain: np.ndarray,
               free_energy: float, dt: float) -> None:
        self.error = float(np.sqrt(error @ error))
        self.precision = float(1.0 / np.mean(predictive_var))
        self.surprise = g.surprise(error, predictive_var)
        self.free_energy = free_energy
        self.time_scale = time_constant(dt, float(np.mean(gain[:ANCHORED_DIMS])))


@dataclass
class Transition:
    """One transition of a level to learn from, in observation space."""

    level: str
    context: np.ndarray
    prior: np.ndarray
    following: np.ndarray
    dt: float


def time_constant(dt: float, gain: float) -> float:
    """Time constant [s] of a first-order filter that moves `gain` of the way per dt."""
    gain = min(max(gain, 1e-9), 1.0 - 1e-9)
    return float(-dt / math.log1p(-gain))


def rate(dt: float, time_constant_s: float) -> float:
    """Fraction of the way an exponential average moves in dt."""
    return 1.0 - math.exp(-dt / time_constant_s)
