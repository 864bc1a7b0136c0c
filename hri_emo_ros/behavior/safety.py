# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Hard constraints that learning can never override: the never-do list, preconditions,
cooldowns, per-encounter limits and the robot-wide rate limit."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.behavior.repertoire import Action, Repertoire
from hri_emo_ros.behavior.state_encoding import EncodedState


@dataclass
class UsageLog:
    """When each action was last used for one person, and how often in this encounter."""

    last_used: dict[str, float] = field(default_factory=dict)
    session_uses: dict[str, int] = field(default_factory=dict)

    def record(self, name: str, now: float) -> None:
        self.last_used[name] = now
        self.session_uses[name] = self.session_uses.get(name, 0) + 1

    def new_session(self) -> None:
        self.session_uses.clear()

    def seconds_since_use(self, names: tuple[str, ...], now: float) -> np.ndarray:
        return np.array([now - self.last_used.get(name, -math.inf) for name in names])


def precondition_failure(action: Action, state: EncodedState) -> str | None:
    """Why the action's preconditions do not hold in this state, or None."""
    pre = action.preconditions
    if pre.quadrants and state.quadrant not in pre.quadrants:
        return f"not for {state.quadrant}"
    if pre.trends and state.trend not in pre.trends:
        return f"not while valence is {state.trend}"
    if not pre.min_engagement <= state.engagement <= pre.max_engagement:
        return f"engagement {state.engagement:.2f} outside [{pre.min_engagement:g}, " \
               f"{pre.max_engagement:g}]"
    if pre.requires_recent_event and not state.recent_event:
        return "needs a recent affective event"
    return None


def exclusion_reason(action: Action, repertoire: Repertoire, state: EncodedState,
                     usage: UsageLog, now: float) -> str | None:
    if action.name in repertoire.never_do:
        return "on the never-do list"
    failure = precondition_failure(action, state)
    if failure:
        return failure
    since = now - usage.last_used.get(action.name, -math.inf)
    if since < action.cooldown_s:
        return f"cooling down ({action.cooldown_s - since:.0f} s left)"
    if action.max_per_session is not None and \
            usage.session_uses.get(action.name, 0) >= action.max_per_session:
        return f"already used {action.max_per_session}x in this encounter"
    return None


def allowed_actions(repertoire: Repertoire, state: EncodedState, usage: UsageLog,
                    now: float) -> tuple[np.ndarray, dict[str, str]]:
    """Mask over repertoire.actions and the reason each excluded action is excluded."""
    reasons: dict[str, str] = {}
    for action in repertoire.actions:
        reason = exclusion_reason(action, repertoire, state, usage, now)
        if reason:
            reasons[action.name] = reason
    mask = np.array([action.name not in reasons for action in repertoire.actions])
    return mask, reasons


class RateLimiter:
    """At most `max_actions` expressive actions in any `window_s` seconds (robot-wide)."""

    def __init__(self, max_actions: int, window_s: float) -> None:
        self.max_actions = max_actions
        self.window_s = window_s
        self._times: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.window_s:
            self._times.popleft()

    def allows(self, now: float) -> bool:
        self._expire(now)
        return len(self._times) < self.max_actions

    def record(self, now: float) -> None:
        self._times.append(now)
