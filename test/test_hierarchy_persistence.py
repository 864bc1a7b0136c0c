# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Per-person state and learned parameters survive restarts, corruption and kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.common.state_store import StateStore
from hri_emo_ros.hierarchy import EmotionObservation, HierarchyModel, HierarchyTracker

RATE = 30.0


def observation(pid: str, stamp: float, valence: float) -> EmotionObservation:
    return EmotionObservation(pid, stamp, EMOTIONS, (0.6, 0.2, 0.05, 0.05, 0.05, 0.05, 0.05),
                              valence, 0.1, 0.9)


def run(tracker, pid, start, seconds, valence, rate=RATE):
    results = [tracker.update(observation(pid, start + i / rate, valence))
               for i in range(int(seconds * rate))]
    return results, start + int(seconds * rate) / rate


def tracker_in(directory, **config) -> HierarchyTracker:
    return HierarchyTracker({"learning": {"enabled": False},
                             "persistence": {"directory": str(directory)}, **config})


def test_pattern_level_continues_after_a_restart(tmp_path):
    first = tracker_in(tmp_path)
    results, t = run(first, "ana", 0.0, 300.0, -0.4, rate=5.0)
    saved = json.loads(first.person_state_json("ana"))
    first.close()

    second = tracker_in(tmp_path)
    assert json.loads(second.person_state_json("ana")) == saved
    resumed, _ = run(second, "ana", t, 20.0, -0.4, rate=5.0)
    assert second.counters["person_restored"] == 1
    before, after = results[-1].level("pattern"), resumed[0].level("pattern")
    assert after.valence == pytest.approx(before.valence, abs=0.02)
    assert before.valence < -0.2
    fresh = tracker_in(tmp_path / "elsewhere")
    unrestored, _ = run(fresh, "ana", t, 20.0, -0.4, rate=5.0)
    assert resumed[-1].level("pattern").time_scale > unrestored[-1].level("pattern").time_scale


def test_saves_at_the_configured_interval_and_deletes_people_past_retention(tmp_path):
    wall = [1_000_000.0]
    tracker = HierarchyTracker({"learning": {"enabled": False}, "persistence": {
        "directory": str(tmp_path), "interval_s": 60.0, "retention_days": 2.0}},
        wall_clock=lambda: wall[0])
    run(tracker, "bo", 0.0, 2.0, 0.3)
    path = tmp_path / "people" / "bo.state"
    assert not path.exists()                      # the interval has not passed
    wall[0] += 61.0
    tracker.update(observation("bo", 2.0, 0.3))
    assert path.exists()
    stale = tmp_path / "people" / "old_friend.state"
    StateStore(tmp_path / "people").save("old_friend", {"format": "x"})
    os.utime(stale, (wall[0] - 3 * 86400, wall[0] - 3 * 86400))
    HierarchyTracker({"learning": {"enabled": False}, "persistence": {
        "directory": str(tmp_path), "retention_days": 2.0}}, wall_clock=lambda: wall[0])
    assert not stale.exists() and path.exists()


@pytest.mark.parametrize("damage", ["truncate", "flip", "not_a_person"])
def test_corrupt_state_is_reported_set_aside_and_replaced(tmp_path, damage):
    first = tracker_in(tmp_path)
    run(first, "cy", 0.0, 5.0, 0.5)
    first.close()
    path = tmp_path / "people" / "cy.state"
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        path.write_bytes(blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:])
    else:
        StateStore(tmp_path / "people").save("cy", {"format": "something else"})
    second = tracker_in(tmp_path)
    result = second.update(observation("cy", 100.0, -0.5))
    issues = second.drain_issues()
    assert len(issues) == 1 and "cy.state" in issues[0] and "afresh" in issues[0]
    assert list((tmp_path / "people" / "corrupt").iterdir())
    assert result.level("state").valence < 0.0          # a fresh start from the new frame
    assert second.counters["person_restored"] == 0
    run(second, "cy", 100.1, 2.0, -0.5)
    second.close()
    assert tracker_in(tmp_path).person_state_json("cy")   # replaced by a valid record


def test_a_disk_that_refuses_writes_is_reported_not_fatal(tmp_path):
    tracker = tracker_in(tmp_path)
    people = tmp_path / "people"
    for path in people.iterdir():
        path.unlink()
    people.rmdir()
    people.write_text("not a directory")                 # every write now fails
    results, _ = run(tracker, "eve", 0.0, 2.0, 0.2)
    assert all(r is not None for r in results)
    assert tracker.persist_now() == 0
    tracker.close()
    assert tracker.counters["save_failed"] == 2
    assert any("could not save" in issue for issue in tracker.drain_issues())


def test_learned_parameters_are_saved_and_resumed_unless_a_new_checkpoint_is_given(tmp_path):
    config = {"persistence": {"directory": str(tmp_path)},
              "learning": {"learn_every": 4, "batch_size": 16, "learning_rate": 5e-3}}
    first = HierarchyTracker(config)
    rng = np.random.default_rng(0)
    for i in range(600):
        first.update(observation("dee", i / RATE, float(np.sin(i / 20.0) + rng.normal(0, .05)
                                                       ) * 0.8))
    assert first.learner.counters["steps"] > 50
    assert first.counters["model_saved"] == 0            # the interval has not passed
    learned = {k: v.clone() for k, v in first.model.state_dict().items()}
    first.close()
    resumed = HierarchyTracker(config)
    assert resumed.counters["model_restored"] == 1
    for key, value in resumed.model.state_dict().items():
        assert np.array_equal(value.numpy(), learned[key].numpy())
    other = HierarchyModel(hidden=16, residual_scale=0.1)
    replaced = HierarchyTracker(config, model=other)
    assert replaced.model is other and replaced.counters["model_restored"] == 0


WRITER = textwrap.dedent("""
    import sys
    from hri_emo_ros.common.feature_spec import EMOTIONS
    from hri_emo_ros.hierarchy import EmotionObservation, HierarchyTracker
    tracker = HierarchyTracker({"learning": {"enabled": False},
                                "persistence": {"directory": sys.argv[1], "min_frames": 1}})
    i = 0
    while True:
        for pid in ("p0", "p1", "p2"):
            tracker.update(EmotionObservation(pid, i / 30.0, EMOTIONS, (0.5,) * 7,
                                              ((i % 200) - 100) / 100.0, 0.0, 1.0))
        tracker.persist_now()
        if i == 0:
            print("ready", flush=True)        # every person has one complete record now
        i += 1
""")


def _kill_during_a_write(directory, env) -> bool:
    """Start a writer, SIGKILL it as soon as a temporary file shows up; True if the kill
    left a half-written temporary behind (it landed in the middle of a write)."""
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(directory)],
                               stdout=subprocess.PIPE, env=env)
    assert process.stdout.readline().strip() == b"ready"
    people = directory / "people"
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline and not any(
            entry.name.startswith(".tmp-") for entry in os.scandir(people)):
        pass
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return any(people.glob(".tmp-*"))


def test_kill_9_in_the_middle_of_writes_never_leaves_a_state_that_is_used_corrupt(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    mid_write = 0
    for attempt in range(6):
        mid_write += _kill_during_a_write(tmp_path, env)
        tracker = tracker_in(tmp_path)
        assert not list((tmp_path / "people").glob(".tmp-*"))     # leftovers cleaned
        for pid in ("p0", "p1", "p2"):
            record = json.loads(tracker.person_state_json(pid))
            assert record["person_id"] == pid and record["frames"] >= 1
            assert tracker.update(observation(pid, 1e6, 0.0)) is None     # a clock jump...
            assert tracker.update(observation(pid, 1e6 + 0.1, 0.0)) is not None  # confirmed
        assert tracker.drain_issues() == []
        if mid_write and attempt >= 1:
            break
    assert mid_write >= 1, "no kill landed in the middle of a write"
