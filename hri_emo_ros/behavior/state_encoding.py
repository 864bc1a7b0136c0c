# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Discrete behaviour state from the affective state: quadrant, trend, events, engagement.

The index enumerates quadrant x trend x recent-event x engagement (5 x 3 x 2 x 2 = 60
states). The valence trend is measured by the agent itself over a short window of the
observations it has seen (seconds), because the message's `valence_trend` is the slow
pattern level's slope per hour; that slope is only a fallback while history is short.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.behavior.observation import AffectiveObservation

QUADRANTS: tuple[str, ...] = (
    "neutral", "pleasant_active", "pleasant_calm", "unpleasant_active", "unpleasant_calm",
)
TRENDS: tuple[str, ...] = ("falling", "flat", "rising")
ENGAGEMENT_LEVELS: tuple[str, ...] = ("low", "high")
N_STATES = len(QUADRANTS) * len(TRENDS) * 2 * len(ENGAGEMENT_LEVELS)


@dataclass(frozen=True)
class EncoderConfig:
    """Thresholds of the discretisation (valence/arousal in [-1, 1], times in seconds)."""

    neutral_radius: float = 0.15
    trend_window_s: float = 20.0
    trend_threshold: float = 0.08
    event_window_s: float = 20.0
    engagement_threshold: float = 0.5
    history_s: float = 120.0


@dataclass
class AffectHistory:
    """Recent valence samples and event times of one person (runtime only, not persisted)."""

    samples: deque = field(default_factory=deque)
    last_event_time: float = -math.inf
    last_stamp: float = -math.inf

    def add(self, obs: AffectiveObservation, config: EncoderConfig) -> None:
        """Record an observation once (repeated or older stamps are ignored)."""
        if obs.stamp <= self.last_stamp:
            return
        self.last_stamp = obs.stamp
        self.samples.append((obs.stamp, obs.current_level().valence))
        while self.samples and self.samples[0][0] < obs.stamp - config.history_s:
            self.samples.popleft()
        for event in obs.events:
            onset = event.onset if event.onset > 0 else obs.stamp
            self.last_event_time = max(self.last_event_time, min(onset, obs.stamp))


@dataclass(frozen=True)
class EncodedState:
    """The discrete state plus the continuous values it was computed from."""

    index: int
    quadrant: str
    trend: str
    recent_event: bool
    engagement_level: str
    valence: float
    arousal: float
    engagement: float
    valence_change: float

    def describe(self) -> str:
        """A short phrase a person can read, e.g. "unpleasant/calm, valence falling"."""
        mood = self.quadrant.replace("_", "/")
        parts = [mood, f"valence {self.trend} ({self.valence_change:+.2f})"]
        parts.append("engaged" if self.engagement_level == "high" else "little engaged")
        if self.recent_event:
            parts.append("after an affective event")
        return ", ".join(parts)


def state_index(quadrant: int, trend: int, recent_event: bool, engagement: int) -> int:
    return ((quadrant * len(TRENDS) + trend) * 2 + int(recent_event)) * 2 + engagement


def quadrant_of(valence: float, arousal: float, neutral_radius: float) -> str:
    if math.hypot(valence, arousal) < neutral_radius:
        return "neutral"
    mood = "pleasant" if valence >= 0.0 else "unpleasant"
    energy = "active" if arousal >= 0.0 else "calm"
    return f"{mood}_{energy}"


class StateEncoder:
    """Maps an observation and the person's recent history to an EncodedState."""

    def __init__(self, config: EncoderConfig | None = None) -> None:
        self.config = config or EncoderConfig()

    @property
    def n_states(self) -> int:
        return N_STATES

    def valence_change(self, obs: AffectiveObservation, history: AffectHistory) -> float:
        """Valence now minus valence about one trend window ago."""
        cfg = self.config
        now = obs.stamp
        valence = obs.current_level().valence
        oldest = None
        for stamp, past in history.samples:
            if stamp >= now - cfg.trend_window_s:
                oldest = (stamp, past)
                break
        if oldest is not None and now - oldest[0] >= 0.5 * cfg.trend_window_s:
            return valence - oldest[1]
        return obs.valence_trend * cfg.trend_window_s / 3600.0

    def encode(self, obs: AffectiveObservation, history: AffectHistory) -> EncodedState:
        cfg = self.config
        level = obs.current_level()
        quadrant = quadrant_of(level.valence, level.arousal, cfg.neutral_radius)
        change = self.valence_change(obs, history)
        if change <= -cfg.trend_threshold:
            trend = "falling"
        elif change >= cfg.trend_threshold:
            trend = "rising"
        else:
            trend = "flat"
        event_times = [history.last_event_time]
        event_times += [e.onset if e.onset > 0 else obs.stamp for e in obs.events]
        recent_event = obs.stamp - max(event_times) <= cfg.event_window_s
        engaged = "high" if obs.engagement >= cfg.engagement_threshold else "low"
        index = state_index(QUADRANTS.index(quadrant), TRENDS.index(trend), recent_event,
                            ENGAGEMENT_LEVELS.index(engaged))
        return EncodedState(index, quadrant, trend, recent_event, engaged, level.valence,
                            level.arousal, obs.engagement, change)


def coarse_groups() -> np.ndarray:
    """For every state index, the index of its coarse view: quadrant x engagement (10)."""
    groups = np.zeros(N_STATES, dtype=int)
    for q, t, e, g in itertools.product(range(len(QUADRANTS)), range(len(TRENDS)), (0, 1),
                                        range(len(ENGAGEMENT_LEVELS))):
        groups[state_index(q, t, bool(e), g)] = q * len(ENGAGEMENT_LEVELS) + g
    return groups
