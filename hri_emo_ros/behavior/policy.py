# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What a per-person learner offers the agent shell: choose, learn, dream, serialise.

The behaviour agent (safety, state encoding, rewards, outputs) wraps any learner with this
interface; the benchmark swaps in plain Q-learning or a random policy the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from hri_emo_ros.behavior.dreaming import DreamReport


@dataclass(frozen=True)
class Choice:
    action: int
    # Over all actions of the repertoire (zeros where not allowed).
    probabilities: np.ndarray
    value: float
    experience: float
    from_planning: bool


@dataclass(frozen=True)
class LearnReport:
    rpe: float
    intrinsic_reward: float


class Learner(Protocol):
    action_names: tuple[str, ...]

    def choose(self, state: int, allowed: np.ndarray, seconds_since_use: np.ndarray,
               rng: np.random.Generator) -> Choice: ...

    def learn(self, state: int, action: int, reward: float, next_state: int) -> LearnReport: ...

    def intrinsic_reward(self, state: int) -> float: ...

    def dream(self, budget: int, rng: np.random.Generator) -> DreamReport: ...

    def remap_actions(self, names: tuple[str, ...]) -> None: ...

    def to_dict(self) -> dict: ...
