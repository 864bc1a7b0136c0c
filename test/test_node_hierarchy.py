# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The hierarchy node over DDS: three levels per person, events, services, state kept across
a restart, bad input dropped."""

from __future__ import annotations

import json

import pytest

rclpy = pytest.importorskip("rclpy")
from node_process import NodeProcess  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import call, spin_until, wait_for_match  # noqa: E402

from hri_emo_msgs.msg import AffectiveState, EmotionState  # noqa: E402
from hri_emo_msgs.srv import GetPersonState, ResetPerson  # noqa: E402
from hri_emo_ros.common.feature_spec import EMOTIONS  # noqa: E402
from hri_emo_ros.nodes.conversions import to_time  # noqa: E402


def emotion(person: str, t: float, valence: float, surprised: float = 0.05) -> EmotionState:
    scores = [0.6 if e == "neutral" else 0.05 for e in EMOTIONS]
    scores[EMOTIONS.index("surprised")] = surprised
    msg = EmotionState(person_id=person, labels=list(EMOTIONS), scores=scores,
                       dominant="neutral", valence=valence, arousal=0.0, confidence=0.9)
    msg.header.stamp = to_time(t)
    return msg


def test_hierarchy_node_levels_services_and_restart(rclpy_context, tmp_path):
    node = rclpy.create_node("hierarchy_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    states: list[AffectiveState] = []
    node.create_subscription(AffectiveState, "/hri_emo/affective_state", states.append, 500)
    pub = node.create_publisher(EmotionState, "/hri_emo/emotion", 500)
    get_state = node.create_client(GetPersonState, "/hri_emo_hierarchy/get_person_state")
    reset = node.create_client(ResetPerson, "/hri_emo_hierarchy/reset_person")
    params = {"state_directory": str(tmp_path / "state"), "persist_interval": 1.0}

    with NodeProcess("hierarchy_node", params, tmp_path / "h1.log") as hierarchy:
        wait_for_match(executor, [pub], timeout=60)
        bad = emotion("alice", 0.5, 0.0)
        bad.valence = float("nan")
        pub.publish(bad)
        for i in range(420):  # 14 s at 30 Hz: neutral, one surprise flash, then sustained joy
            t = 1.0 + i / 30
            valence = 0.8 if i >= 120 else 0.0
            pub.publish(emotion("alice", t, valence, surprised=0.95 if i == 60 else 0.05))
            pub.publish(emotion("bob", t, -0.5))
            if i % 10 == 0:
                spin_until(executor, lambda: False, timeout=0.02)
        assert spin_until(executor, lambda: sum(s.person_id == "alice" for s in states) >= 200,
                          timeout=60), hierarchy.log()
        answer = call(executor, get_state, GetPersonState.Request(person_id="alice"))
        assert answer.found and json.loads(answer.state_json)
        assert hierarchy.process.poll() is None

    alice = [s for s in states if s.person_id == "alice"]
    bob = [s for s in states if s.person_id == "bob"]
    assert [level.name for level in alice[-1].levels] == ["micro", "state", "pattern"]
    state_level = {s.header.stamp.sec + s.header.stamp.nanosec * 1e-9: s.levels[1].valence
                   for s in alice}
    assert abs(state_level[min(state_level, key=lambda t: abs(t - 3.1))]) < 0.1  # after flash
    assert alice[-1].levels[1].valence > 0.4  # sustained change moved the state level
    assert bob[-1].levels[1].valence < -0.3  # tracked independently
    events = [e for s in alice for e in s.events if e.type == "micro_expression"]
    assert any(e.emotion == "surprised" for e in events)
    assert all(s.total_free_energy == pytest.approx(sum(lv.free_energy for lv in s.levels),
                                                    rel=1e-4, abs=1e-3) for s in alice[-10:])
    pattern_before = alice[-1].levels[2].valence

    states.clear()
    with NodeProcess("hierarchy_node", params, tmp_path / "h2.log") as hierarchy:
        answer = call(executor, get_state, GetPersonState.Request(person_id="alice"))
        assert answer.found, hierarchy.log()
        wait_for_match(executor, [pub], timeout=60)
        pub.publish(emotion("alice", 15.5, 0.8))
        # (bob's last states from the first process may still be queued here)
        assert spin_until(executor, lambda: any(s.person_id == "alice" for s in states),
                          timeout=30), hierarchy.log()
        first = next(s for s in states if s.person_id == "alice")
        assert first.levels[2].valence == pytest.approx(pattern_before, abs=0.05)
        erased = call(executor, reset, ResetPerson.Request(person_id="alice"))
        assert erased.success
        assert not call(executor, get_state, GetPersonState.Request(person_id="alice")).found
