# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Empowerment: how much the robot's actions can influence where the person goes.

n-step empowerment of a state s is the channel capacity max_p I(A_1..A_n ; S_n | s) of the
channel from action sequences to the state reached after n steps, under the learned
transition model. It is computed with the Blahut-Arimoto algorithm rather than the
deterministic log(number of reachable states) shortcut, because a person's reactions are
noisy: the shortcut would count every state that noise can reach as "controllable" and so
reward unpredictability instead of control. Capacities are divided by log(A^n) to lie in
[0, 1]. Unexplored rows of the model are near-uniform for every action, so they count as
"no control" (capacity near 0), not as novelty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.behavior.transition_model import TransitionModel


def blahut_arimoto(channel: np.ndarray, iterations: int = 100, tolerance: float = 1e-3
                   ) -> np.ndarray:
    """Capacities in nats of a batch of channels (..., inputs, outputs), rows summing to 1.

    Iterates until the gap between the upper bound (max_x D(W_x || q)) and the lower bound
    (the mutual information) is below `tolerance` nats for every channel; returns the
    lower bound.
    """
    channel = np.asarray(channel, dtype=float)
    batch_shape = channel.shape[:-2]
    w = channel.reshape((-1,) + channel.shape[-2:])
    neg_entropy = np.sum(w * np.log(np.clip(w, 1e-300, None)), axis=2)     # (B, X)
    p = np.full(w.shape[:2], 1.0 / w.shape[1])
    lower = np.zeros(w.shape[0])
    for _ in range(iterations):
        q = np.matmul(p[:, None, :], w)[:, 0, :]                           # (B, Y)
        cross = np.matmul(w, np.log(np.clip(q, 1e-300, None))[:, :, None])[:, :, 0]
        divergence = neg_entropy - cross                                    # D(W_x || q)
        lower = np.sum(p * divergence, axis=1)
        if np.all(divergence.max(axis=1) - lower < tolerance):
            break
        p = p * np.exp(divergence - divergence.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
    return np.maximum(lower, 0.0).reshape(batch_shape)


def sequence_channel(transitions: np.ndarray, states: np.ndarray, horizon: int) -> np.ndarray:
    """P(state after `horizon` steps | start state, action sequence): (len(states), A^n, S)."""
    n_actions, n_states = transitions.shape[1], transitions.shape[2]
    reach = transitions[states]                                   # (B, A, S)
    for _ in range(horizon - 1):
        reach = np.einsum("bqk,kay->bqay", reach, transitions)    # extend by one action
        reach = reach.reshape(len(states), -1, n_states)
    assert reach.shape[1] == n_actions ** horizon
    return reach


@dataclass(frozen=True)
class EmpowermentConfig:
    horizon: int = 2
    # Recompute the cached table after this many model updates.
    refresh_every: int = 25


class EmpowermentEstimator:
    """Normalised n-step empowerment per state, cached and refreshed as the model learns."""

    def __init__(self, config: EmpowermentConfig | None = None) -> None:
        self.config = config or EmpowermentConfig()
        self._table: np.ndarray | None = None
        self._version = -1

    def table(self, model: TransitionModel, max_age: int | None = None) -> np.ndarray:
        """Empowerment of every state in [0, 1]; states never visited get 0.

        Recomputed when the model has had `max_age` (default: refresh_every) updates since.
        """
        max_age = self.config.refresh_every if max_age is None else max_age
        stale = model.version - self._version >= max(max_age, 1)
        if self._table is None or stale or self._table.shape[0] != model.n_states:
            self._table = self._compute(model)
            self._version = model.version
        return self._table

    def _compute(self, model: TransitionModel) -> np.ndarray:
        table = np.zeros(model.n_states)
        visited = np.flatnonzero(model.state_visits() > 0)
        if len(visited) == 0:
            return table
        channel = sequence_channel(model.probabilities(), visited, self.config.horizon)
        scale = self.config.horizon * math.log(model.n_actions)
        table[visited] = blahut_arimoto(channel) / scale if scale > 0 else 0.0
        return table
