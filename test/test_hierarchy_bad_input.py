# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Out-of-order, duplicate and far-future stamps, clock jumps, NaN and malformed input, and
people who appear once and vanish: handled without corrupting anyone's state."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy import EmotionObservation, HierarchyTracker, InvalidObservation
from hri_emo_ros.hierarchy.config import StampConfig
from hri_emo_ros.hierarchy.stamps import StampGuard

RATE = 30.0


def observation(pid="p", stamp=0.0, valence=0.2, **overrides) -> EmotionObservation:
    fields = dict(person_id=pid, stamp=stamp, labels=EMOTIONS,
                  scores=(0.7, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05), valence=valence,
                  arousal=-0.1, confidence=0.9)
    fields.update(overrides)
    return EmotionObservation(**fields)


def run(tracker, pid, start, seconds, valence=0.2):
    results = [tracker.update(observation(pid, start + i / RATE, valence))
               for i in range(int(seconds * RATE))]
    return results, start + int(seconds * RATE) / RATE


def static_tracker(**config) -> HierarchyTracker:
    return HierarchyTracker({"learning": {"enabled": False}, **config})


def test_stamp_guard_classifies_each_kind():
    guard, cfg = StampGuard(), StampConfig()
    outcomes = [guard.check(s, cfg).outcome for s in
                (10.0, 10.1, 10.1, 10.05, 10.2, 5000.0, 10.3, -3.0, -2.95, -2.9)]
    assert outcomes == ["accepted", "accepted", "duplicate", "out_of_order", "accepted",
                        "clock_jump_unconfirmed", "accepted", "clock_jump_unconfirmed",
                        "reanchored", "accepted"]
    assert guard.check(1e9, cfg, now=-2.8).outcome == "future_stamp"
    assert guard.last == -2.9


def test_duplicate_late_and_far_future_frames_leave_the_state_untouched():
    tracker = static_tracker()
    _, t = run(tracker, "p", 100.0, 5.0)
    snapshot = tracker.person_state_json("p")
    last = t - 1 / RATE
    assert tracker.update(observation("p", last, valence=-1.0)) is None           # duplicate
    assert tracker.update(observation("p", last - 0.5, valence=-1.0)) is None     # late
    assert tracker.update(observation("p", last + 60.0, valence=-1.0), now=last) is None
    assert tracker.person_state_json("p") == snapshot
    # A single corrupt stamp far ahead is held back, then dropped when the stream goes on.
    assert tracker.update(observation("p", 4e9, valence=-1.0)) is None
    assert tracker.person_state_json("p") == snapshot
    result = tracker.update(observation("p", t))
    assert result is not None and result.stamp == t
    assert abs(result.level("state").valence - 0.2) < 0.05
    counters = tracker.counters
    assert counters["dropped_duplicate"] == 1 and counters["dropped_out_of_order"] == 1
    assert counters["dropped_future_stamp"] == 1 and counters["dropped_outlier_stamp"] == 1


def test_bag_loop_clock_jump_backwards_reanchors_without_corrupting_beliefs():
    tracker = static_tracker()
    first, _ = run(tracker, "p", 0.0, 25.0, valence=0.4)
    before = first[-1]
    looped, _ = run(tracker, "p", 0.0, 25.0, valence=0.4)     # the bag starts again
    assert looped[0] is None                                 # held until confirmed
    accepted = [r for r in looped if r is not None]
    assert len(accepted) == len(looped) - 1
    assert tracker.counters["clock_reanchored"] == 1
    after = accepted[0]
    for name in ("micro", "state", "pattern"):
        assert after.level(name).valence == pytest.approx(before.level(name).valence, abs=0.05)
    assert all(math.isfinite(r.total_free_energy) for r in accepted)
    assert not any(e.type == "micro_expression" for r in accepted for e in r.events)
    ticks = {r.level("pattern").free_energy for r in accepted}
    assert len(ticks) >= 2                                   # the pattern level keeps ticking


@pytest.mark.parametrize("overrides, reason", [
    ({"valence": math.nan}, "nan_values"),
    ({"scores": (0.7, math.nan, 0.05, 0.05, 0.05, 0.05, 0.05)}, "nan_values"),
    ({"confidence": math.inf}, "inf_values"),
    ({"arousal": 3.0}, "out_of_range"),
    ({"scores": (0.7, 0.1)}, "length_mismatch"),
    ({"labels": ("happy", "happy"), "scores": (0.1, 0.2)}, "duplicate_label"),
    ({"person_id": ""}, "bad_person_id"),
    ({"valence": "0.3"}, "wrong_type"),
])
def test_malformed_observations_raise_and_change_nothing(overrides, reason):
    tracker = static_tracker()
    _, t = run(tracker, "p", 0.0, 2.0)
    snapshot = tracker.person_state_json("p")
    bad = observation(overrides.get("person_id", "p"), t, **{
        k: v for k, v in overrides.items() if k != "person_id"})
    with pytest.raises(InvalidObservation) as caught:
        tracker.update(bad)
    assert caught.value.reason == reason
    assert tracker.counters[f"rejected_{reason}"] == 1
    assert tracker.person_state_json("p") == snapshot
    assert tracker.update(observation("p", t)) is not None


def test_missing_and_unknown_labels_are_imputed_and_counted():
    tracker = static_tracker()
    _, t = run(tracker, "p", 0.0, 5.0)
    before = json.loads(tracker.person_state_json("p"))["state_mean"]
    for i in range(60):
        tracker.update(observation("p", t + i / RATE, labels=("contempt",), scores=(0.9,)))
    after = json.loads(tracker.person_state_json("p"))["state_mean"]
    assert tracker.counters["unknown_labels"] == 60
    assert np.allclose(before[2:], after[2:], atol=0.02)     # scores were not dragged to 0


def test_person_seen_once_then_gone_is_forgotten_without_a_trace(tmp_path):
    tracker = static_tracker(persistence={"directory": str(tmp_path)}, idle_forget_s=30.0)
    _, t = run(tracker, "regular", 0.0, 10.0)
    tracker.update(observation("ghost", t))
    assert sorted(tracker.tracked_ids()) == ["ghost", "regular"]
    run(tracker, "regular", t + 1 / RATE, 35.0)
    assert tracker.tracked_ids() == ["regular"]
    tracker.close()
    people = sorted(p.name for p in (tmp_path / "people").glob("*.state"))
    assert people == ["regular.state"]
    with pytest.raises(KeyError):
        tracker.person_state_json("ghost")


def test_person_limit_sets_the_least_recently_seen_aside(tmp_path):
    tracker = static_tracker(persistence={"directory": str(tmp_path)}, max_persons=2)
    for pid in ("a", "b", "c"):
        run(tracker, pid, 0.0, 2.0)
    assert tracker.tracked_ids() == ["b", "c"]
    assert tracker.counters["evicted"] == 1
    assert json.loads(tracker.person_state_json("a"))["frames"] == 60    # saved, not lost
    assert tracker.memory_report()["persons"] == 2
