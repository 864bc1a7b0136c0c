# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Which EmotionStates the decoder explains (`fusion.explanation_schedule`)."""

from __future__ import annotations

import pytest

from hri_emo_ros.fusion.explanation_schedule import MAX_PERSONS, ExplanationSchedule


def explained(schedule: ExplanationSchedule, states, period: float) -> list[float]:
    return [stamp for person, stamp, dominant in states
            if schedule.due(person, stamp, dominant, period)]


def test_a_steady_person_is_explained_once_per_period_at_10_hz():
    states = [("a", 100.0 + i * 0.1, "happy") for i in range(20)]
    assert explained(ExplanationSchedule(), states, 0.5) == pytest.approx(
        [100.0, 100.5, 101.0, 101.5])
    assert len(explained(ExplanationSchedule(), states, 0.0)) == 20


def test_a_change_of_dominant_emotion_is_explained_at_once():
    states = [("a", 1.0, "happy"), ("a", 1.1, "happy"), ("a", 1.2, "sad"),
              ("a", 1.3, "sad"), ("a", 1.7, "sad")]
    assert explained(ExplanationSchedule(), states, 0.5) == [1.0, 1.2, 1.7]


def test_persons_are_scheduled_apart_and_time_going_back_is_explained():
    states = [("a", 1.0, "happy"), ("b", 1.1, "happy"), ("a", 1.2, "happy"),
              ("b", 1.2, "happy"), ("a", 0.2, "happy")]
    assert explained(ExplanationSchedule(), states, 0.5) == [1.0, 1.1, 0.2]


def test_a_bad_period_is_refused_and_the_persons_remembered_are_bounded():
    schedule = ExplanationSchedule()
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="explain_period"):
            schedule.due("a", 1.0, "happy", bad)
    for i in range(MAX_PERSONS + 10):
        schedule.due(f"p{i}", 1.0, "happy", 1.0)
    assert len(schedule._last) == MAX_PERSONS
    assert not schedule.due(f"p{MAX_PERSONS + 9}", 1.5, "happy", 1.0)   # still remembered
    assert schedule.due("p0", 1.5, "happy", 1.0)                        # forgotten
