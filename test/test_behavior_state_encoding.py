# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Discrete behaviour states from affective observations."""

from __future__ import annotations

import numpy as np
import pytest

from hri_emo_ros.behavior.errors import InvalidInput
from hri_emo_ros.behavior.observation import (
    AffectiveObservation,
    EventSnapshot,
    LevelSnapshot,
    simple_observation,
    validate_observation,
)
from hri_emo_ros.behavior.state_encoding import (
    N_STATES,
    AffectHistory,
    StateEncoder,
    coarse_groups,
    quadrant_of,
)


def _encode_sequence(values, events_at=(), engagement=0.8, period=10.0):
    encoder, history = StateEncoder(), AffectHistory()
    state = None
    for k, valence in enumerate(values):
        events = (EventSnapshot("micro_expression", "surprised", k * period),) \
            if k in events_at else ()
        obs = simple_observation("p", k * period, valence, 0.3, engagement, events)
        history.add(obs, encoder.config)
        state = encoder.encode(obs, history)
    return state


def test_quadrants():
    assert quadrant_of(0.05, -0.05, 0.15) == "neutral"
    assert quadrant_of(0.5, 0.4, 0.15) == "pleasant_active"
    assert quadrant_of(0.5, -0.4, 0.15) == "pleasant_calm"
    assert quadrant_of(-0.5, 0.4, 0.15) == "unpleasant_active"
    assert quadrant_of(-0.5, -0.4, 0.15) == "unpleasant_calm"


def test_trend_comes_from_recent_history():
    assert _encode_sequence([0.5, 0.3, 0.1]).trend == "falling"
    assert _encode_sequence([-0.4, -0.2, 0.1]).trend == "rising"
    assert _encode_sequence([0.2, 0.21, 0.2]).trend == "flat"
    state = _encode_sequence([0.5, 0.3, 0.1])
    assert state.valence_change == pytest.approx(-0.4)
    assert "falling" in state.describe()


def test_trend_falls_back_to_the_pattern_slope_without_history():
    encoder = StateEncoder()
    level = LevelSnapshot("state", 0.2, 0.1)
    obs = AffectiveObservation("p", 0.0, (level,), (), valence_trend=-36.0, engagement=0.5)
    assert encoder.encode(obs, AffectHistory()).trend == "falling"


def test_recent_events_expire():
    assert _encode_sequence([0.1, 0.1, 0.1], events_at=(2,)).recent_event
    assert _encode_sequence([0.1] * 6, events_at=(1,)).recent_event is False


def test_states_are_distinct_and_grouped():
    encoder, seen = StateEncoder(), set()
    points = [(0.0, 0.0), (0.6, 0.6), (0.6, -0.6), (-0.6, 0.6), (-0.6, -0.6)]
    for valence, arousal in points:
        for engagement in (0.1, 0.9):
            obs = simple_observation("p", 0.0, valence, arousal, engagement)
            seen.add(encoder.encode(obs, AffectHistory()).index)
    assert len(seen) == 10 and max(seen) < N_STATES
    groups = coarse_groups()
    assert groups.shape == (N_STATES,) and np.bincount(groups).tolist() == [6] * 10


def test_state_level_is_preferred_over_micro():
    levels = (LevelSnapshot("micro", 0.9, 0.9), LevelSnapshot("state", -0.5, -0.5))
    obs = AffectiveObservation("p", 0.0, levels, engagement=0.4)
    assert StateEncoder().encode(obs, AffectHistory()).quadrant == "unpleasant_calm"


@pytest.mark.parametrize("obs, reason", [
    (simple_observation("", 0.0, 0.0, 0.0, 0.5), "empty_person_id"),
    (simple_observation("p", 0.0, float("nan"), 0.0, 0.5), "nan_values"),
    (simple_observation("p", 0.0, 0.0, float("inf"), 0.5), "inf_values"),
    (simple_observation("p", 0.0, 0.0, 0.0, 1.5), "out_of_range"),
    (AffectiveObservation("p", 0.0, ()), "no_levels"),
])
def test_invalid_observations_are_rejected_with_a_reason(obs, reason):
    with pytest.raises(InvalidInput) as info:
        validate_observation(obs)
    assert info.value.reason == reason
