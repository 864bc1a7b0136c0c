# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A fixed-size ring of transitions (context, prior, next, dt) in observation space.

Stored in observation space so that they stay valid while the encoders learn: the learner
re-encodes them with the current encoders. Memory is fixed at construction.
"""

from __future__ import annotations

import numpy as np


class TransitionBuffer:
    def __init__(self, capacity: int, dim: int) -> None:
        self.dim = dim
        self.rows = np.zeros((capacity, 3 * dim + 1), dtype=np.float32)
        self.size = 0
        self.head = 0

    def push(self, context: np.ndarray, prior: np.ndarray, following: np.ndarray,
             dt: float) -> None:
        row = self.rows[self.head]
        d = self.dim
        row[:d], row[d:2 * d], row[2 * d:3 * d], row[3 * d] = context, prior, following, dt
        self.head = (self.head + 1) % len(self.rows)
        self.size = min(self.size + 1, len(self.rows))

    def sample(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """(context, prior, next, dt) arrays of `count` rows drawn uniformly."""
        rows = self.rows[rng.integers(0, self.size, size=count)]
        d = self.dim
        return rows[:, :d], rows[:, d:2 * d], rows[:, 2 * d:3 * d], rows[:, 3 * d]

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes
