# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What the hierarchy does with a person's stream: bursts, sustained changes, surprise,
trends, engagement, and several people at once."""

from __future__ import annotations

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy import EmotionObservation, HierarchyTracker
from hri_emo_ros.hierarchy.results import TYPE_MICRO_EXPRESSION, TYPE_STATE_CHANGE

RATE = 30.0


def observation(pid: str, stamp: float, valence: float, rng: np.random.Generator,
                flash: str | None = None, confidence: float = 0.9,
                noise: float = 0.03) -> EmotionObservation:
    scores = {name: 0.05 for name in EMOTIONS}
    scores["neutral"] = 0.7
    if flash:
        scores[flash] = 0.95
    values = [float(np.clip(scores[n] + rng.normal(0, noise / 2), 0, 1)) for n in EMOTIONS]
    return EmotionObservation(pid, stamp, EMOTIONS, tuple(values),
                              float(np.clip(valence + rng.normal(0, noise), -1, 1)),
                              float(np.clip(rng.normal(0, noise), -1, 1)), confidence)


def feed(tracker, pid, start, seconds, valence, rng, rate=RATE, **kwargs):
    results = []
    for i in range(int(seconds * rate)):
        results.append(tracker.update(observation(pid, start + i / rate, valence, rng, **kwargs)))
    return results, start + int(seconds * rate) / rate


def static_tracker() -> HierarchyTracker:
    return HierarchyTracker({"learning": {"enabled": False}})


def test_spike_is_a_micro_event_and_sustained_change_moves_the_state():
    rng = np.random.default_rng(0)
    tracker = static_tracker()
    results, t = feed(tracker, "p", 0.0, 20.0, 0.0, rng)
    before = results[-1].level("state").valence
    spike = tracker.update(observation("p", t, 0.9, rng, flash="surprised"))
    after, t = feed(tracker, "p", t + 1 / RATE, 1.0, 0.0, rng)
    events = [e for r in [spike, *after] for e in r.events]
    assert [e.type for e in events] == [TYPE_MICRO_EXPRESSION]
    assert events[0].emotion == "surprised"
    assert events[0].onset == spike.stamp and events[0].duration <= 0.1
    assert events[0].magnitude >= 4.0
    assert max(abs(r.level("state").valence - before) for r in [spike, *after]) < 0.05
    assert spike.level("micro").valence > 0.5                  # micro reacts in one frame

    sustained, t = feed(tracker, "p", t, 8.0, 0.6, rng)
    state = [r.level("state").valence for r in sustained]
    assert state[int(RATE)] > 0.1                             # moving within a second
    assert state[-1] > 0.5                                    # there within a few seconds
    kinds = [e.type for r in sustained for e in r.events]
    assert TYPE_MICRO_EXPRESSION not in kinds
    assert kinds.count(TYPE_STATE_CHANGE) == 1
    pattern_moved = sustained[-1].level("pattern").valence - results[-1].level("pattern").valence
    assert abs(pattern_moved) < 0.1                           # minutes, not seconds
    scales = {level.name: level.time_scale for level in sustained[-1].levels}
    assert scales["micro"] < 0.5 < scales["state"] < 30.0


def test_free_energy_rises_with_unpredictable_input_and_falls_as_the_model_adapts():
    rng = np.random.default_rng(1)
    tracker = static_tracker()
    calm, t = feed(tracker, "p", 0.0, 30.0, 0.0, rng, noise=0.02)
    chaos = []
    for i in range(int(60 * RATE)):
        values = tuple(float(v) for v in rng.uniform(0, 1, len(EMOTIONS)))
        chaos.append(tracker.update(EmotionObservation(
            "p", t + i / RATE, EMOTIONS, values, float(rng.uniform(-1, 1)),
            float(rng.uniform(-1, 1)), 0.9)))

    def mean_energy(results, level=None):
        if level is None:
            return np.mean([r.total_free_energy for r in results])
        return np.mean([r.level(level).free_energy for r in results])
    baseline = mean_energy(calm[-60:])
    onset = mean_energy(chaos[:30])
    adapted = mean_energy(chaos[-150:])
    assert onset > baseline + 100.0
    assert adapted < onset - 50.0
    for level in ("micro", "state"):
        assert mean_energy(chaos[:30], level) > mean_energy(chaos[-150:], level)
    assert chaos[-1].level("micro").precision < calm[-1].level("micro").precision


def test_people_are_tracked_independently():
    alone = static_tracker()
    together = static_tracker()
    rng_a1, rng_a2, rng_b = (np.random.default_rng(s) for s in (5, 5, 6))
    solo, shared = [], []
    for i in range(600):
        stamp = i / RATE
        valence = 0.0 if i < 300 else -0.5
        solo.append(alone.update(observation("a", stamp, valence, rng_a1)))
        shared.append(together.update(observation("a", stamp, valence, rng_a2)))
        flash = "angry" if i % 97 == 0 else None
        together.update(observation("b", stamp + 0.01, 0.8, rng_b, flash=flash))
    assert solo == shared
    assert sorted(together.tracked_ids()) == ["a", "b"]


def test_pattern_level_follows_a_mood_drifting_down_over_a_session():
    rng = np.random.default_rng(2)
    tracker = static_tracker()
    rate = 1.0                                              # a slow decoder: 1 Hz
    flat, t = feed(tracker, "p", 0.0, 600.0, 0.5, rng, rate=rate)
    assert abs(flat[-1].valence_trend) < 0.3
    drifting = []
    for i in range(int(2400 * rate)):                       # 40 min at -1 per hour
        stamp = t + i / rate
        drifting.append(tracker.update(observation("p", stamp, 0.5 - (stamp - t) / 3600, rng)))
    assert drifting[-1].valence_trend < -0.5
    assert drifting[-1].level("pattern").valence < flat[-1].level("pattern").valence - 0.3
    assert drifting[-1].level("pattern").time_scale > 120.0    # minutes to hours


def test_engagement_reflects_how_much_confident_evidence_arrives():
    rng = np.random.default_rng(3)
    tracker = static_tracker()
    busy, _ = feed(tracker, "busy", 0.0, 10.0, 0.0, rng, confidence=1.0)
    sparse, _ = feed(tracker, "sparse", 0.0, 10.0, 0.0, rng, rate=2.0, confidence=0.3)
    assert busy[-1].engagement > 0.9
    assert sparse[-1].engagement < 0.2
    assert all(0.0 <= r.engagement <= 1.0 for r in busy + sparse)
