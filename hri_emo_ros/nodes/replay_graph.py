# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What both replay processes do with their part of the graph: read the bag as steps,
create its nodes, find its output topics, wait for its subscribers and run it lock-step
(`drain`)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rclpy.executors import SingleThreadedExecutor, TimeoutException

from hri_emo_ros.bags.reader import BagReader
from hri_emo_ros.evaluation.input_topics import ReplayRoute
from hri_emo_ros.nodes.bag_bridge import to_rclpy
from hri_emo_ros.nodes.graph import STAGES
from hri_emo_ros.nodes.managed_node import ManagedNode

# Output topics: (stage, parameter naming the topic).
OUTPUT_PARAMETERS: tuple[tuple[str, str], ...] = (
    ("face", "features_topic"), ("face", "tracked_topic"),
    ("voice", "features_topic"), ("text", "features_topic"),
    ("fusion", "fused_topic"), ("decoder", "emotion_topic"),
    ("decoder", "explanation_topic"), ("hierarchy", "affective_state_topic"),
    ("behavior", "command_topic"),
)
# A batch replay is not steered from outside: no parameter or lifecycle services, which
# keeps the executor's wait set small.
NODE_OPTIONS = {"start_parameter_services": False, "enable_communication_interface": False}


def drain(executor: SingleThreadedExecutor, settle_s: float = 0.0) -> int:
    """Run ready callbacks until two waits in a row find nothing; return how many ran.

    Delivery inside one process is synchronous (a message is ready when `publish`
    returns), but the executor hands out what one wait found before waiting again, so a
    single empty answer can mean "that batch is done" rather than "nothing is left".
    """
    ran, empty = 0, 0
    while empty < 2:
        try:
            handler, _, _ = executor.wait_for_ready_callbacks(timeout_sec=settle_s)
        except TimeoutException:
            empty += 1
            continue
        empty = 0
        handler()
        if handler.exception() is not None:
            raise handler.exception()
        ran += 1
    return ran


def create_nodes(stages: Sequence[str]) -> list[ManagedNode]:
    nodes = []
    for stage in stages:
        node = STAGES[stage].node_class()(**NODE_OPTIONS)
        nodes.append(node)
        node.start()
        if node._state_machine.current_state[1] != "active":
            raise RuntimeError(f"the {stage} node did not become active (see its log above)")
    return nodes


def output_topics(nodes: dict[str, ManagedNode]) -> dict[str, type]:
    """The output topics of these stages that are switched on, with their message class."""
    topics = {}
    for stage, parameter in OUTPUT_PARAMETERS:
        node = nodes.get(stage)
        if node is None:
            continue
        topic = node.param(parameter)
        if topic:
            publisher = next((p for p in node.publishers if p.topic_name == topic), None)
            if publisher is not None:
                topics[topic] = publisher.msg_type
    return topics


def wait_for_subscribers(executor: SingleThreadedExecutor, publishers: dict,
                         timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not all(p.get_subscription_count() > 0 for p in publishers.values()):
        if time.monotonic() > deadline:
            missing = [p.topic_name for p in publishers.values()
                       if p.get_subscription_count() == 0]
            raise RuntimeError(f"no node of the graph subscribed to {', '.join(missing)} "
                               f"within {timeout_s:.0f} s")
        executor.spin_once(timeout_sec=0.05)
    drain(executor, 0.05)


@dataclass
class ReplayStep:
    """One recorded input, or what the perception stages made of it, to publish at once."""

    stamp_ns: int                           # the input's time in the bag
    role: str                               # camera | audio | transcript
    messages: list[tuple[str, bytes]]       # (topic, serialized message)
    header: Any = None                      # the input's header (real-time matching only)
    processed_s: float = 0.0                # wall time already spent on it upstream


def bag_steps(bag: BagReader, routes: Sequence[ReplayRoute], stop_ns: int | None = None,
              with_headers: bool = False) -> Iterator[ReplayStep]:
    """The bag's routed records in order, each a step on its graph input topic."""
    by_topic = {route.bag_topic: route for route in routes}
    for record in bag.records(list(by_topic), stop_ns=stop_ns):
        route = by_topic[record.topic]
        header = (getattr(to_rclpy(record.data, record.msgtype), "header", None)
                  if with_headers else None)
        yield ReplayStep(record.stamp_ns, route.input.role, [(route.graph_topic, record.data)],
                         header)
