# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The whole graph in one process (`hri-emo run`), fed the sample session over real topics."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

rclpy = pytest.importorskip("rclpy")
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import spin_until  # noqa: E402

from hri_emo_msgs.msg import (  # noqa: E402
    AffectiveState,
    BehaviorCommand,
    EmotionState,
    Explanation,
)
from hri_emo_ros.bags.reader import open_bag  # noqa: E402
from hri_emo_ros.nodes.bag_bridge import message_class  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BAG = ROOT / "data" / "sample_session" / "bag"


def test_graph_processes_the_sample_session(rclpy_context, tmp_path):
    env = dict(os.environ, HOME=str(tmp_path))  # state directories under ~/.ros go to tmp
    log = open(tmp_path / "graph.log", "wb")
    graph = subprocess.Popen(["hri-emo", "run", "--config", str(ROOT / "config/hri_emo.yaml"),
                              "--device", "cpu"], stdout=log, stderr=subprocess.STDOUT, env=env)
    node = rclpy.create_node("replay_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    received: dict[str, list] = {"emotion": [], "explanation": [], "affect": [], "behavior": []}
    node.create_subscription(EmotionState, "/hri_emo/emotion", received["emotion"].append, 500)
    node.create_subscription(Explanation, "/hri_emo/explanation",
                             received["explanation"].append, 500)
    node.create_subscription(AffectiveState, "/hri_emo/affective_state",
                             received["affect"].append, 500)
    node.create_subscription(BehaviorCommand, "/hri_emo/behavior",
                             received["behavior"].append, 500)
    try:
        bag = open_bag(BAG)
        publishers = {name: node.create_publisher(message_class(info.msgtype), name, 100)
                      for name, info in bag.topics.items()}
        assert spin_until(executor, lambda: all(
            p.get_subscription_count() > 0 for p in publishers.values()), timeout=120), (
            (tmp_path / "graph.log").read_text())
        start = time.monotonic()
        first_ns = bag.start_ns
        for record in bag.records(stop_ns=first_ns + 25 * 10**9):  # 0-25 s: neutral, happy
            due = (record.stamp_ns - first_ns) * 1e-9 / 2.0  # twice real time
            while time.monotonic() - start < due:
                executor.spin_once(timeout_sec=0.005)
            publishers[record.topic].publish(record.data)
        spin_until(executor, lambda: len(received["behavior"]) >= 3, timeout=30)
        assert graph.poll() is None, (tmp_path / "graph.log").read_text()
    finally:
        graph.send_signal(signal.SIGINT)
        graph.wait(timeout=30)
        log.close()
    text = (tmp_path / "graph.log").read_text()
    assert received["emotion"], text
    assert received["explanation"] and received["explanation"][-1].summary
    assert received["affect"] and len(received["affect"][-1].levels) == 3
    assert received["behavior"], text
    faces = {m.person_id for m in received["emotion"]}
    assert faces - {"anonymous"}, "no face-based emotion"
    assert "Traceback" not in text
