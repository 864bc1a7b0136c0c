# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Baselines for the benchmark: plain tabular Q-learning (epsilon-greedy) and a random
policy. Both obey the same safety mask and see the same states and rewards as the agent."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hri_emo_ros.behavior.dreaming import DreamReport
from hri_emo_ros.behavior.policy import Choice, LearnReport
from hri_emo_ros.behavior.serialization import array_field, check_header, remap_columns

FORMAT = "hri_emo.behavior.q_learning/1"


@dataclass(frozen=True)
class QLearningConfig:
    # Tuned on the benchmark's tuning seeds (1000-1011), like the agent's defaults.
    learning_rate: float = 0.1
    discount: float = 0.3
    epsilon: float = 0.05


class QLearningLearner:
    """Watkins Q-learning: Q += lr * (r + discount * max Q(s') - Q); no model, no dreaming."""

    def __init__(self, n_states: int, action_names: tuple[str, ...],
                 config: QLearningConfig | None = None) -> None:
        self.config = config or QLearningConfig()
        self.n_states = n_states
        self.action_names = tuple(action_names)
        self.q = np.zeros((n_states, len(self.action_names)))

    def choose(self, state: int, allowed: np.ndarray, seconds_since_use: np.ndarray,
               rng: np.random.Generator) -> Choice:
        allowed_idx = np.flatnonzero(allowed)
        if len(allowed_idx) == 0:
            raise ValueError("no action is allowed: the caller must fall back to idle")
        values = self.q[state, allowed_idx]
        best = allowed_idx[values == values.max()]
        probabilities = np.zeros(len(self.action_names))
        probabilities[allowed_idx] = self.config.epsilon / len(allowed_idx)
        probabilities[best] += (1.0 - self.config.epsilon) / len(best)
        action = int(rng.choice(len(probabilities), p=probabilities))
        return Choice(action, probabilities, float(self.q[state, action]), 0.0, False)

    def learn(self, state: int, action: int, reward: float, next_state: int) -> LearnReport:
        target = reward + self.config.discount * float(self.q[next_state].max())
        delta = target - float(self.q[state, action])
        self.q[state, action] += self.config.learning_rate * delta
        return LearnReport(delta, 0.0)

    def intrinsic_reward(self, state: int) -> float:
        return 0.0

    def dream(self, budget: int, rng: np.random.Generator) -> DreamReport:
        return DreamReport()

    def remap_actions(self, names: tuple[str, ...]) -> None:
        self.q = remap_columns(self.q, self.action_names, tuple(names), 1)
        self.action_names = tuple(names)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "n_states": self.n_states, "actions": list(self.action_names),
                "q": self.q.tolist()}

    @classmethod
    def from_dict(cls, data: dict, n_states: int, action_names: tuple[str, ...],
                  config: QLearningConfig | None = None) -> QLearningLearner:
        stored = check_header(data, FORMAT, n_states)
        learner = cls(n_states, stored, config)
        learner.q = array_field(data, "q", (n_states, len(stored)))
        if tuple(action_names) != stored:
            learner.remap_actions(tuple(action_names))
        return learner


class RandomLearner(QLearningLearner):
    """Uniform over the allowed actions; learns nothing."""

    def choose(self, state: int, allowed: np.ndarray, seconds_since_use: np.ndarray,
               rng: np.random.Generator) -> Choice:
        allowed_idx = np.flatnonzero(allowed)
        if len(allowed_idx) == 0:
            raise ValueError("no action is allowed: the caller must fall back to idle")
        probabilities = np.zeros(len(self.action_names))
        probabilities[allowed_idx] = 1.0 / len(allowed_idx)
        action = int(rng.choice(allowed_idx))
        return Choice(action, probabilities, 0.0, 0.0, False)

    def learn(self, state: int, action: int, reward: float, next_state: int) -> LearnReport:
        return LearnReport(0.0, 0.0)
