# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Striatum-like Go/NoGo value learning with a dopamine-like reward-prediction error.

An actor-critic reading of the basal ganglia. The critic (ventral striatum) learns the
value V(s) of each state; dopamine is its reward-prediction error
    delta = reward + discount * V(next) - V(state).
The actor (dorsal striatum) holds, per (state, action), a Go weight (D1 pathway) and a
NoGo weight (D2 pathway); Go - NoGo is the action's advantage over the state's value. An
action's own error delta - (Go - NoGo) strengthens Go when positive (a dopamine burst) and
NoGo when negative (a dip); separate rates let bad outcomes be learned faster than good
ones. An untried action has advantage 0: "as good as usual here", neither feared nor
favoured, so a state where everything seems to work does not lock onto the first action
tried.

Values are read from several groupings of the states at once (by default the full state
and a coarse view, e.g. only quadrant and engagement) and summed, like convergent cortical
inputs: what is learned in one state carries over to the states that share its coarse
view, and the fine weights learn the differences. Each grouping learns at rate / count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StriatumConfig:
    critic_rate: float = 0.2
    go_rate: float = 0.2
    nogo_rate: float = 0.2
    # Social effects are mostly short-lived: a short horizon (about two windows).
    discount: float = 0.5
    # Fraction of the part shared by Go and NoGo removed after each update; it keeps both
    # weights bounded without changing the advantage Go - NoGo.
    shared_decay: float = 0.1


class Striatum:
    """Per grouping g: critic[g] (groups,), go[g] and nogo[g] (groups, n_actions)."""

    def __init__(self, n_states: int, n_actions: int, config: StriatumConfig | None = None,
                 groupings: list[np.ndarray] | None = None) -> None:
        self.config = config or StriatumConfig()
        self.groupings = [np.arange(n_states)] if groupings is None else \
            [np.asarray(g, dtype=int) for g in groupings]
        for grouping in self.groupings:
            if grouping.shape != (n_states,) or grouping.min() < 0:
                raise ValueError("each grouping maps every state to a group index >= 0")
        sizes = [int(g.max()) + 1 for g in self.groupings]
        self.critic = [np.zeros(size) for size in sizes]
        self.go = [np.zeros((size, n_actions)) for size in sizes]
        self.nogo = [np.zeros((size, n_actions)) for size in sizes]

    def _groups(self, states: np.ndarray) -> list[np.ndarray]:
        return [g[states] for g in self.groupings]

    def state_values(self, states: np.ndarray) -> np.ndarray:
        groups = self._groups(states)
        return sum(c[i] for c, i in zip(self.critic, groups, strict=True))

    def advantage_rows(self, states: np.ndarray) -> np.ndarray:
        """Advantages (len(states), n_actions)."""
        groups = self._groups(states)
        return sum(go[i] - nogo[i] for go, nogo, i in zip(self.go, self.nogo, groups,
                                                           strict=True))

    def state_value(self, state: int) -> float:
        return float(self.state_values(np.array([state]))[0])

    def advantages(self, state: int) -> np.ndarray:
        return self.advantage_rows(np.array([state]))[0]

    def values(self, state: int) -> np.ndarray:
        """Action values V(s) + advantage(s, a)."""
        return self.state_value(state) + self.advantages(state)

    def learn(self, state: int, action: int, reward: float, next_state: int | None,
              rate_scale: float = 1.0) -> float:
        """One update from a (real or dreamed) transition; returns the dopamine signal."""
        terminal = next_state is None
        return float(self.learn_batch(np.array([state]), np.array([action]),
                                      np.array([reward]), np.array([0 if terminal else next_state]),
                                      rate_scale, np.array([terminal]))[0])

    def learn_batch(self, states: np.ndarray, actions: np.ndarray, rewards: np.ndarray,
                    next_states: np.ndarray, rate_scale: float = 1.0,
                    terminal: np.ndarray | None = None) -> np.ndarray:
        """Updates from many transitions at once (all read the same old weights)."""
        cfg = self.config
        future = cfg.discount * self.state_values(next_states)
        if terminal is not None:
            future = np.where(terminal, 0.0, future)
        delta = rewards + future - self.state_values(states)
        surprise = delta - self.advantage_rows(states)[np.arange(len(states)), actions]
        scale = rate_scale / len(self.groupings)
        burst, dip = np.maximum(surprise, 0.0), np.maximum(-surprise, 0.0)
        for level, groups in enumerate(self._groups(states)):
            np.add.at(self.critic[level], groups, cfg.critic_rate * scale * delta)
            go, nogo = self.go[level], self.nogo[level]
            np.add.at(go, (groups, actions), cfg.go_rate * scale * burst)
            np.add.at(nogo, (groups, actions), cfg.nogo_rate * scale * dip)
            shared = cfg.shared_decay * np.maximum(np.minimum(go[groups, actions],
                                                              nogo[groups, actions]), 0.0)
            go[groups, actions] -= shared
            nogo[groups, actions] -= shared
        return delta
