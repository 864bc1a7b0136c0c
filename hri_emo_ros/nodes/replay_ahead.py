# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The camera's stage of a lock-step replay, run ahead in a process of its own.

The face stage depends on nothing but the camera frames, and it is the heaviest of the
graph on a CPU (detector, mesh and expression network on every frame). A child process reads
the bag and feeds each frame to its face node over real topics; when the node is done
(`drain`) it sends what the node published through a pipe. Every other record it passes
through as it is. The main process publishes what arrives, in bag order, exactly where the
one-process replay would have, so the outputs are the same while two cores do the work.

The child runs on a DDS domain of its own: its output topics carry the same names as the
ones the main process republishes, and the rest of the graph must hear them only once.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import QoSProfile, ReliabilityPolicy

from hri_emo_ros.bags.reader import open_bag
from hri_emo_ros.evaluation.input_topics import ReplayRoute
from hri_emo_ros.nodes.bag_bridge import message_class, ros_type_name
from hri_emo_ros.nodes.graph import STAGES
from hri_emo_ros.nodes.qos_compatibility import (
    NO_DEFAULT_PUBLISHER_EVENTS,
    NO_DEFAULT_SUBSCRIPTION_EVENTS,
)
from hri_emo_ros.nodes.replay_graph import (
    ReplayStep,
    bag_steps,
    create_nodes,
    drain,
    output_topics,
    wait_for_subscribers,
)

# On the 2-core machine the sample session's replay is CPU-bound with face alone or with all
# three perception stages in the second process (6.7-8.4 s either way); with face alone
# the two processes are busy for about as long, which is what counts with more cores.
AHEAD_STAGES = ("face",)
DOMAIN_COUNT = 102          # ROS_DOMAIN_ID 0-101


def ahead_domain(domain_id: int) -> int:
    """The child's domain: as far from the main one as the usable range allows."""
    return (domain_id + DOMAIN_COUNT // 2) % DOMAIN_COUNT


@dataclass
class AheadJob:
    bag_path: str
    routes: Sequence[ReplayRoute]
    stages: Sequence[str]
    ros_args: list[str]
    domain_id: int
    stop_ns: int | None = None
    settle_s: float = 0.0


def run_ahead(job: AheadJob, pipe) -> None:
    """Child process: replay the bag's inputs through its nodes, lock-step, sending
    ("ready", outputs, passed) with {topic: type} each, then ("step", ...) per input, then
    ("done", health); ("error", text) instead if anything fails."""
    os.environ["ROS_DOMAIN_ID"] = str(job.domain_id)
    rclpy.init(args=job.ros_args)
    nodes = []
    try:
        nodes = create_nodes(job.stages)
        _replay_ahead(job, dict(zip(job.stages, nodes, strict=True)), pipe)
        health = {}
        for node in reversed(nodes):
            node.shutdown_cleanly()
            health[node.get_name()] = node.health.snapshot()
        pipe.send(("done", health))
    except Exception as err:  # noqa: BLE001 - everything goes back to the parent
        pipe.send(("error", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"))
    finally:
        for node in nodes:
            node.destroy_node()
        rclpy.try_shutdown()
        pipe.close()


def _replay_ahead(job: AheadJob, nodes: dict, pipe) -> None:
    player = rclpy.create_node("hri_emo_replay_ahead")
    executor = SingleThreadedExecutor()
    for node in (*nodes.values(), player):
        executor.add_node(node)
    bag = open_bag(job.bag_path)
    qos = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
    names = {STAGES[stage].node_name for stage in job.stages}
    types = {route.graph_topic: bag.topics[route.bag_topic].msgtype for route in job.routes}
    publishers = {route.graph_topic: player.create_publisher(
        message_class(types[route.graph_topic]), route.graph_topic, qos,
        event_callbacks=NO_DEFAULT_PUBLISHER_EVENTS)
        for route in job.routes if route.input.node in names}
    passed = {topic: msgtype for topic, msgtype in types.items() if topic not in publishers}
    outputs: list[tuple[str, bytes]] = []
    received = [0.0]
    topics = output_topics(nodes)
    record_qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    for topic, cls in topics.items():
        player.create_subscription(cls, topic, _collector(topic, outputs, received),
                                   record_qos, raw=True,
                                   event_callbacks=NO_DEFAULT_SUBSCRIPTION_EVENTS)
    wait_for_subscribers(executor, publishers)
    pipe.send(("ready", {topic: ros_type_name(cls) for topic, cls in topics.items()},
               passed))
    for step in bag_steps(bag, job.routes, job.stop_ns):
        [(topic, data)] = step.messages
        if topic not in publishers:
            pipe.send(("step", step))
            continue
        outputs.clear()
        published = time.perf_counter()
        publishers[topic].publish(data)
        drain(executor, job.settle_s)
        processed = (received[0] if outputs else time.perf_counter()) - published
        pipe.send(("step", ReplayStep(step.stamp_ns, step.role, list(outputs),
                                      processed_s=processed)))
    executor.remove_node(player)
    player.destroy_node()


def _collector(topic: str, outputs: list, received: list):
    def collect(data: bytes) -> None:
        received[0] = time.perf_counter()
        outputs.append((topic, data))

    return collect


class AheadProcess:
    """Parent side: starts the child and turns what it sends into replay steps."""

    def __init__(self, job: AheadJob) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=run_ahead, args=(job, sender), daemon=True,
                                        name="hri_emo_replay_ahead")
        self._process.start()
        sender.close()
        self.health: dict[str, dict[str, str]] = {}
        self.outputs: dict[str, str] = {}
        self.passed: dict[str, str] = {}

    def _receive(self, expected: str) -> tuple:
        try:
            message = self._pipe.recv()
        except EOFError:
            self._process.join(timeout=5)
            raise RuntimeError("the replay's second process ended unexpectedly "
                               f"(exit code {self._process.exitcode})") from None
        if message[0] == "error":
            raise RuntimeError(f"the replay's second process failed: {message[1]}")
        if message[0] not in expected.split("|"):
            raise RuntimeError(f"the replay's second process sent {message[0]!r}, "
                               f"expected {expected!r}")
        return message

    def wait_ready(self) -> None:
        """Block until the child's nodes are up; then `outputs` holds their output topics
        and `passed` the input topics passed through, with their types."""
        _, self.outputs, self.passed = self._receive("ready")

    def steps(self) -> Iterator[ReplayStep]:
        while True:
            message = self._receive("step|done")
            if message[0] == "done":
                self.health = message[1]
                return
            yield message[1]

    def close(self) -> None:
        self._pipe.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
