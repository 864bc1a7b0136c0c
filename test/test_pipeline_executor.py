# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""PipelineExecutor runs the callbacks that are ready together last-added node first."""

from __future__ import annotations

import time

import pytest

rclpy = pytest.importorskip("rclpy")
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402
from std_msgs.msg import String  # noqa: E402

from hri_emo_ros.nodes.pipeline_executor import PipelineExecutor  # noqa: E402

STAGES = ("camera", "features", "fused", "emotion", "state")


def _ready_together(context, executor, order):
    """Nodes added to `executor` in `order`, each with one message waiting; the order in
    which their callbacks then run."""
    ran: list[str] = []
    nodes = {name: rclpy.create_node(f"pe_{name}", context=context) for name in order}
    subscriptions = [node.create_subscription(String, f"/pe_{name}",
                                              lambda msg, n=name: ran.append(n), 10)
                     for name, node in nodes.items()]
    for node in nodes.values():
        executor.add_node(node)
    source = rclpy.create_node("pe_source", context=context)
    publishers = [source.create_publisher(String, f"/pe_{name}", 10) for name in order]
    source_executor = SingleThreadedExecutor(context=context)
    source_executor.add_node(source)
    try:
        wait_for_match(source_executor, publishers=publishers)
        wait_for_match(executor, subscriptions=subscriptions)
        for publisher in publishers:
            publisher.publish(String(data="x"))
        time.sleep(0.5)  # every message delivered before the executor's next wait
        assert spin_until(executor, lambda: len(ran) == len(order), timeout=10.0)
        return ran
    finally:
        source_executor.shutdown()
        executor.shutdown()
        for node in [*nodes.values(), source]:
            node.destroy_node()


def test_ready_callbacks_run_downstream_first(rclpy_context):
    executor = PipelineExecutor(context=rclpy_context)
    assert _ready_together(rclpy_context, executor, STAGES) == list(reversed(STAGES))


def test_the_order_follows_the_order_of_adding(rclpy_context):
    shuffled = ("fused", "camera", "state", "features", "emotion")
    executor = PipelineExecutor(context=rclpy_context)
    assert _ready_together(rclpy_context, executor, shuffled) == list(reversed(shuffled))


def test_removed_nodes_leave_the_order(rclpy_context):
    executor = PipelineExecutor(context=rclpy_context)
    first, second = (rclpy.create_node(f"pe_{n}", context=rclpy_context) for n in "ab")
    try:
        executor.add_node(first)
        executor.add_node(second)
        assert executor.get_nodes() == [second, first]
        executor.remove_node(second)
        assert executor.get_nodes() == [first]
    finally:
        executor.shutdown()
        first.destroy_node()
        second.destroy_node()
