# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Extrinsic reward: how the person's affect responded in the window after an action."""

from __future__ import annotations

from dataclasses import dataclass

from hri_emo_ros.behavior.state_encoding import EncodedState


@dataclass(frozen=True)
class RewardConfig:
    valence_weight: float = 1.0
    engagement_weight: float = 0.5
    # Rewards are clipped to [-limit, limit] so one noisy reading cannot dominate.
    limit: float = 0.25


def wellbeing(valence: float, engagement: float, config: RewardConfig) -> float:
    """The quantity whose improvement is rewarded."""
    return config.valence_weight * valence + config.engagement_weight * engagement


def extrinsic_reward(before: EncodedState, after: EncodedState, config: RewardConfig) -> float:
    """Improvement of weighted valence and engagement from action time to window end."""
    change = wellbeing(after.valence, after.engagement, config) - \
        wellbeing(before.valence, before.engagement, config)
    return max(-config.limit, min(config.limit, change))
