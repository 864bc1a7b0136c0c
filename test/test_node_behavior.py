# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The behaviour node over DDS: decisions with their distribution and rationale, safe idle
on stale input, the repertoire and reset services, learned values kept on disk."""

from __future__ import annotations

import pytest

rclpy = pytest.importorskip("rclpy")
from node_process import NodeProcess  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import call, spin_until, wait_for_match  # noqa: E402

from hri_emo_msgs.msg import AffectiveState, BehaviorCommand, LevelState  # noqa: E402
from hri_emo_msgs.srv import ResetPerson, SetRepertoire  # noqa: E402


def affective_state(node, person: str, valence: float) -> AffectiveState:
    msg = AffectiveState(person_id=person, engagement=0.8, valence_trend=0.0,
                         levels=[LevelState(name=name, valence=valence, arousal=0.3,
                                            precision=10.0)
                                 for name in ("micro", "state", "pattern")])
    msg.header.stamp = node.get_clock().now().to_msg()
    return msg


def test_behavior_node(rclpy_context, tmp_path):
    node = rclpy.create_node("behavior_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    commands: list[BehaviorCommand] = []
    node.create_subscription(BehaviorCommand, "/hri_emo/behavior", commands.append, 100)
    pub = node.create_publisher(AffectiveState, "/hri_emo/affective_state", 10)
    set_repertoire = node.create_client(SetRepertoire, "/hri_emo_behavior/set_repertoire")
    reset = node.create_client(ResetPerson, "/hri_emo_behavior/reset_person")
    params = {"decision_period": 0.2, "state_directory": str(tmp_path / "state"),
              "persist_interval": 1.0}
    with NodeProcess("behavior_node", params, tmp_path / "b1.log") as behavior:
        wait_for_match(executor, [pub], timeout=60)
        for _ in range(30):  # 3 s of an unhappy, engaged person
            pub.publish(affective_state(node, "f1abc", -0.6))
            spin_until(executor, lambda: False, timeout=0.1)
        acted = [c for c in commands if c.person_id == "f1abc" and c.candidate_actions]
        assert acted, behavior.log()
        first = acted[0]
        assert first.action in first.candidate_actions
        assert sum(first.probabilities) == pytest.approx(1.0, abs=1e-4)
        assert first.rationale
        # Nothing more arrives: the state goes stale and the robot idles.
        count = len(commands)
        assert spin_until(executor, lambda: any(
            c.action == "idle" for c in commands[count:]), timeout=20), behavior.log()
        bad = call(executor, set_repertoire, SetRepertoire.Request(
            yaml="version: 1\nidle_action: idle\nactions:\n  - name: Bad Name\n"))
        assert not bad.success and ":4:" in bad.message and "actions[0].name" in bad.message
        assert behavior.process.poll() is None
    assert list((tmp_path / "state").glob("*.state")), "learned values were not persisted"
    with NodeProcess("behavior_node", params, tmp_path / "b2.log") as behavior:
        answer = call(executor, reset, ResetPerson.Request(person_id="*"))
        assert answer.success, behavior.log()
    assert not list((tmp_path / "state").glob("*.state"))
