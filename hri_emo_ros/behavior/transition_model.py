# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A learned model of how the person responds: P(next state | state, action) and the mean
extrinsic reward, from counts with a small symmetric Dirichlet prior."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TransitionModelConfig:
    # Pseudo-count per next state; with few observations the rows stay close to uniform,
    # which reads as "no control" for empowerment.
    prior: float = 0.01
    # Counts of a (state, action) row are multiplied by this before each new observation,
    # so a person whose reactions change is tracked (1.0 = never forget).
    forgetting: float = 0.995


class TransitionModel:
    def __init__(self, n_states: int, n_actions: int,
                 config: TransitionModelConfig | None = None) -> None:
        self.config = config or TransitionModelConfig()
        self.counts = np.zeros((n_states, n_actions, n_states))
        self.reward_sum = np.zeros((n_states, n_actions))
        self.version = 0

    @property
    def n_states(self) -> int:
        return self.counts.shape[0]

    @property
    def n_actions(self) -> int:
        return self.counts.shape[1]

    def update(self, state: int, action: int, next_state: int, reward: float) -> None:
        keep = self.config.forgetting
        self.counts[state, action] *= keep
        self.reward_sum[state, action] *= keep
        self.counts[state, action, next_state] += 1.0
        self.reward_sum[state, action] += reward
        self.version += 1

    def visits(self, state: int, action: int) -> float:
        return float(self.counts[state, action].sum())

    def state_visits(self) -> np.ndarray:
        """Experience per state, (n_states,)."""
        return self.counts.sum(axis=(1, 2))

    def expected_reward(self, state: int, action: int) -> float:
        visits = self.visits(state, action)
        return float(self.reward_sum[state, action] / visits) if visits > 0 else 0.0

    def probabilities(self) -> np.ndarray:
        """Posterior-mean transition tensor (n_states, n_actions, n_states)."""
        smoothed = self.counts + self.config.prior
        return smoothed / smoothed.sum(axis=2, keepdims=True)

    def probabilities_from(self, state: int) -> np.ndarray:
        smoothed = self.counts[state] + self.config.prior
        return smoothed / smoothed.sum(axis=1, keepdims=True)

    def sample_next(self, state: int, action: int, rng: np.random.Generator) -> int | None:
        """A next state drawn from what was experienced; None without experience."""
        row = self.counts[state, action]
        total = row.sum()
        if total <= 0.0:
            return None
        index = int(np.searchsorted(np.cumsum(row), rng.random() * total, side="right"))
        return min(index, len(row) - 1)
