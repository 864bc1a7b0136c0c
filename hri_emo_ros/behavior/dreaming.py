# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Dreaming: model-based rollouts through the learned transition model update the values
while nobody is present or the robot is idle.

A batch of rollouts starts from (state, action) pairs that really happened, then follows
the learned model for a few steps, choosing each next action with the current softmax
policy among the actions already tried in that state (an imagined person only reacts in
ways that were seen). Each imagined step is an ordinary dopamine update with the model's
mean reward plus the intrinsic reward; the rollouts of a batch advance in lock-step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hri_emo_ros.behavior.striatum import Striatum
from hri_emo_ros.behavior.transition_model import TransitionModel


@dataclass(frozen=True)
class DreamConfig:
    rollout_length: int = 4
    # Learning-rate multiplier for imagined updates (they are less trustworthy than real ones).
    rate_scale: float = 0.5
    temperature: float = 0.05
    batch: int = 32


@dataclass
class DreamReport:
    updates: int = 0
    rollouts: int = 0
    mean_abs_rpe: float = 0.0


def _next_states(model: TransitionModel, states: np.ndarray, actions: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    cumulative = np.cumsum(model.counts[states, actions], axis=1)
    draws = rng.random(len(states)) * cumulative[:, -1]
    return np.minimum((cumulative <= draws[:, None]).sum(axis=1), model.n_states - 1)


def _policy_actions(striatum: Striatum, states: np.ndarray, tried: np.ndarray,
                    temperature: float, rng: np.random.Generator) -> np.ndarray:
    """Softmax samples among tried actions via the Gumbel-max trick."""
    logits = striatum.advantage_rows(states) / temperature
    gumbel = -np.log(-np.log(rng.random(logits.shape)))
    return np.argmax(np.where(tried[states], logits + gumbel, -np.inf), axis=1)


def dream(striatum: Striatum, model: TransitionModel, mean_reward: np.ndarray,
          intrinsic: np.ndarray, rng: np.random.Generator, budget: int,
          config: DreamConfig | None = None, dreamed: np.ndarray | None = None
          ) -> DreamReport:
    """Spend up to `budget` imagined updates; marks updated pairs in `dreamed` if given.

    `mean_reward` is the extrinsic reward expected per (state, action); `intrinsic` the
    (already weighted) empowerment reward per next state.
    """
    config = config or DreamConfig()
    visits = model.counts.sum(axis=2)
    tried = visits > 0
    tried_states, tried_actions = np.nonzero(tried)
    report = DreamReport()
    if budget <= 0 or len(tried_states) == 0:
        return report
    abs_rpe = 0.0
    while report.updates < budget:
        size = min(config.batch, budget - report.updates)
        pick = rng.integers(len(tried_states), size=size)
        states, actions = tried_states[pick], tried_actions[pick]
        report.rollouts += size
        for _ in range(config.rollout_length):
            states, actions = states[: budget - report.updates], actions[: budget - report.updates]
            if len(states) == 0:
                break
            next_states = _next_states(model, states, actions, rng)
            rewards = mean_reward[states, actions] + intrinsic[next_states]
            delta = striatum.learn_batch(states, actions, rewards, next_states, config.rate_scale)
            abs_rpe += float(np.abs(delta).sum())
            report.updates += len(states)
            if dreamed is not None:
                dreamed[states, actions] = True
            alive = tried[next_states].any(axis=1)
            states = next_states[alive]
            actions = _policy_actions(striatum, states, tried, config.temperature, rng)
    report.mean_abs_rpe = abs_rpe / max(report.updates, 1)
    return report
