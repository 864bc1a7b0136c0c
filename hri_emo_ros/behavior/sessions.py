# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Runtime (not persisted) state of one person's current encounter."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hri_emo_ros.behavior.safety import UsageLog
from hri_emo_ros.behavior.state_encoding import AffectHistory, EncodedState


@dataclass(frozen=True)
class Pending:
    """An action whose response window is still open."""

    state: EncodedState
    action: int
    time: float


@dataclass
class Session:
    usage: UsageLog = field(default_factory=UsageLog)
    history: AffectHistory = field(default_factory=AffectHistory)
    pending: Pending | None = None
    last_seen: float = -math.inf
    last_decision_time: float = -math.inf
    last_status: str = ""
    last_reward: float = 0.0
    last_template: dict[str, str] = field(default_factory=dict)
