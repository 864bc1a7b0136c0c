# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Replay a recorded bag through the graph over real topics and record what comes out.

The graph's nodes, a player and a recorder share one executor. The player publishes /clock
(the graph runs on simulated time, `use_sim_time`) and each recorded message, as its
recorded bytes, on the graph's input topic; the recorder subscribes to every output topic
and writes what it receives to a new bag.

Fast mode (default) is lock-step: after each message the executor runs every callback that
the message set off, down the whole graph, before the next message goes out. Nothing is
dropped for being late and the outputs do not depend on the machine's speed. The face stage
runs ahead in a second process (`replay_ahead`) and the player publishes what it made of
each frame instead of the frame: the same messages at the same place in the sequence, so
the outputs are those of a one-process replay (`second_process=False`). `realtime`
publishes at the recorded pace instead, as `ros2 bag play` would, with the graph keeping
up or not, in one process.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rclpy
import yaml
from builtin_interfaces.msg import Time
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import QoSProfile, ReliabilityPolicy
from rclpy.serialization import deserialize_message
from rosgraph_msgs.msg import Clock

from hri_emo_ros.bags.reader import BagReader
from hri_emo_ros.bags.writer import BagWriter
from hri_emo_ros.evaluation.input_topics import ReplayRoute, input_parameters
from hri_emo_ros.evaluation.scoring import EmotionPoint
from hri_emo_ros.nodes.bag_bridge import message_class, ros_type_name
from hri_emo_ros.nodes.graph import STAGES
from hri_emo_ros.nodes.managed_node import ManagedNode
from hri_emo_ros.nodes.qos_compatibility import (
    NO_DEFAULT_PUBLISHER_EVENTS,
    NO_DEFAULT_SUBSCRIPTION_EVENTS,
)
from hri_emo_ros.nodes.replay_ahead import AHEAD_STAGES, AheadJob, AheadProcess, ahead_domain
from hri_emo_ros.nodes.replay_graph import (
    ReplayStep,
    bag_steps,
    create_nodes,
    drain,
    output_topics,
    wait_for_subscribers,
)

STATE_PARAMETERS = ("hierarchy", "behavior")
# Only these stages read the clock (timers, staleness); the others work on header stamps,
# and every /clock message costs each subscribed node a callback.
CLOCKED_STAGES = ("hierarchy", "behavior")
TAIL_S = 2.0            # simulated time run on after the last message (timers, last states)
TAIL_STEP_S = 0.1
CLOCK_STEP_NS = 25_000_000   # /clock at most every 25 ms of bag time (ros2 bag play: 40 Hz)


@dataclass
class ReplayOptions:
    bag: BagReader
    routes: Sequence[ReplayRoute]
    output_bag: Path
    config: Path
    stages: Sequence[str]
    state_directory: Path
    device: str | None = None
    realtime: bool = False
    settle_s: float = 0.0
    until_s: float | None = None      # replay only the first seconds of the bag
    progress: Callable[[int, float], None] | None = None   # (messages done, sim seconds)
    second_process: bool = True    # lock-step: the face stage runs ahead in a second process


@dataclass
class ReplayResult:
    emotions: list[EmotionPoint] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outputs: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    inputs: int = 0
    startup_s: float = 0.0
    replay_s: float = 0.0
    bag_duration_s: float = 0.0
    node_health: dict[str, dict[str, str]] = field(default_factory=dict)
    domain_id: int = 0
    processes: int = 1

    @property
    def speed(self) -> float:
        """Bag seconds replayed per wall second (model loading excluded)."""
        return self.bag_duration_s / self.replay_s if self.replay_s > 0 else float("inf")


def _stamp_ns(stamp: Time) -> int:
    return stamp.sec * 1_000_000_000 + stamp.nanosec


def _time_msg(ns: int) -> Time:
    return Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000)


def _parameter_overrides(options: ReplayOptions, directory: Path) -> Path:
    parameters: dict[str, dict] = defaultdict(dict)
    for node, values in input_parameters(list(options.routes)).items():
        parameters[node].update(values)
    for stage in STATE_PARAMETERS:
        node = STAGES[stage].node_name
        parameters[node]["state_directory"] = str(options.state_directory / stage)
    for stage in CLOCKED_STAGES:
        parameters[STAGES[stage].node_name]["use_sim_time"] = True
    parameters[STAGES["face"].node_name]["id_seed"] = 0
    # Lock-step replay publishes the next input once the graph is idle: text features and
    # explanations must be out by then, not still being computed on a worker thread.
    parameters[STAGES["text"].node_name]["encode_in_background"] = options.realtime
    parameters[STAGES["decoder"].node_name]["explain_in_background"] = options.realtime
    path = directory / "replay_parameters.yaml"
    path.write_text(yaml.safe_dump(
        {node: {"ros__parameters": values} for node, values in parameters.items()}))
    return path


class Recorder:
    """Subscribes to the graph's outputs; writes them to a bag and keeps what eval scores."""

    def __init__(self, node, topics: dict[str, type], writer: BagWriter, result: ReplayResult,
                 clock_ns: Callable[[], int], bag_start_ns: int, lock_step: bool) -> None:
        self.writer, self.result, self.clock_ns = writer, result, clock_ns
        self.bag_start_ns, self.lock_step = bag_start_ns, lock_step
        self.published_at: dict[int, tuple[str, float]] = {}
        self.trigger: tuple[str, float] | None = None
        qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
        for topic, cls in topics.items():
            node.create_subscription(cls, topic, self._callback(topic, cls), qos, raw=True,
                                     event_callbacks=NO_DEFAULT_SUBSCRIPTION_EVENTS)

    def _callback(self, topic: str, cls: type) -> Callable:
        """A callback taking the serialized message: it is written as it came, and only
        read where something in it is needed (stamps in real time, emotion states)."""
        msgtype = ros_type_name(cls)
        stamped = "header" in cls.get_fields_and_field_types()
        emotion = msgtype == "hri_emo_msgs/msg/EmotionState"

        def record(data: bytes) -> None:
            received = time.perf_counter()
            self.writer.write(topic, msgtype, self.clock_ns(), data)
            self.result.outputs[topic] += 1
            if not stamped:
                return
            msg = deserialize_message(data, cls) if emotion or not self.lock_step else None
            stamp_ns = 0 if msg is None else _stamp_ns(msg.header.stamp)
            source = self.trigger if self.lock_step else self.published_at.get(stamp_ns)
            if source is not None:
                role, published = source
                self.result.latencies[f"{role} -> {topic}"].append(received - published)
            if emotion:
                self.result.emotions.append(EmotionPoint(
                    (stamp_ns - self.bag_start_ns) * 1e-9, msg.person_id, tuple(msg.labels),
                    tuple(float(s) for s in msg.scores), msg.dominant, float(msg.valence),
                    float(msg.arousal), float(msg.confidence)))

        return record

    def published(self, role: str, header, processed_s: float = 0.0) -> None:
        """Note an input going out: lock-step attributes what follows to it; real time
        matches outputs to it by header stamp. `processed_s` is the time the input already
        took in another process, counted as if it had been published that much earlier."""
        now = time.perf_counter() - processed_s
        self.trigger = (role, now)
        if header is not None and not self.lock_step:
            self.published_at[_stamp_ns(header.stamp)] = (role, now)


def _ros_args(options: ReplayOptions, overrides: Path) -> list[str]:
    args = ["hri-emo", "--ros-args", "--params-file", str(options.config),
            "--params-file", str(overrides)]
    if options.device:
        args += ["-p", f"device:={options.device}"]
    return args


def _split(options: ReplayOptions) -> tuple[list[str], list[str]]:
    """(stages of the main process, stages run ahead in a second one; empty: none)."""
    ahead = [s for s in options.stages if s in AHEAD_STAGES]
    rest = [s for s in options.stages if s not in AHEAD_STAGES]
    if options.realtime or not options.second_process or not ahead or not rest:
        return list(options.stages), []
    return rest, ahead


def replay(options: ReplayOptions, domain_id: int) -> ReplayResult:
    """Run the graph over the bag; the output bag is written to `options.output_bag`."""
    result = ReplayResult(domain_id=domain_id)
    started = time.perf_counter()
    os.environ["ROS_DOMAIN_ID"] = str(domain_id)
    main_stages, ahead_stages = _split(options)
    with tempfile.TemporaryDirectory(prefix="hri_emo_replay_") as scratch:
        args = _ros_args(options, _parameter_overrides(options, Path(scratch)))
        ahead = None
        result.processes = 2 if ahead_stages else 1
        if ahead_stages:  # started first: it loads its models while this process does
            ahead = AheadProcess(AheadJob(
                str(options.bag.path), list(options.routes), ahead_stages, args,
                ahead_domain(domain_id), _stop_ns(options, options.bag.start_ns or 0),
                options.settle_s))
        rclpy.init(args=args)
        nodes: list[ManagedNode] = []
        try:
            nodes = create_nodes(main_stages)
            by_stage = dict(zip(main_stages, nodes, strict=True))
            source = _AheadSteps(ahead) if ahead else _BagSteps(options)
            _run(options, result, by_stage, started, source)
        finally:
            for node in reversed(nodes):
                node.shutdown_cleanly()
                result.node_health[node.get_name()] = node.health.snapshot()
                node.destroy_node()
            rclpy.try_shutdown()
            if ahead is not None:
                ahead.close()
                result.node_health = {**ahead.health, **result.node_health}
    return result


def _stop_ns(options: ReplayOptions, start_ns: int) -> int | None:
    return None if options.until_s is None else start_ns + int(options.until_s * 1e9)


class _BagSteps:
    """The bag's records themselves, on the graph's input topics."""

    def __init__(self, options: ReplayOptions) -> None:
        self.options = options

    def topics(self) -> dict[str, str]:
        return {route.graph_topic: self.options.bag.topics[route.bag_topic].msgtype
                for route in self.options.routes}

    def recorded(self, topics: dict[str, type]) -> dict[str, type]:
        return {}

    def steps(self) -> Iterator[ReplayStep]:
        bag = self.options.bag
        return bag_steps(bag, self.options.routes, _stop_ns(self.options, bag.start_ns or 0),
                         with_headers=self.options.realtime)


class _AheadSteps:
    """What the second process made of each record it runs (on its stages' output topics),
    and the other records as they are."""

    def __init__(self, ahead: AheadProcess) -> None:
        self.ahead = ahead

    def topics(self) -> dict[str, str]:
        self.ahead.wait_ready()
        return {**self.ahead.outputs, **self.ahead.passed}

    def recorded(self, topics: dict[str, type]) -> dict[str, type]:
        """The second process's outputs are recorded here, where they are republished."""
        return {topic: topics[topic] for topic in self.ahead.outputs}

    def steps(self) -> Iterator[ReplayStep]:
        return self.ahead.steps()


def _run(options: ReplayOptions, result: ReplayResult, nodes: dict[str, ManagedNode],
         started: float, source: _BagSteps | _AheadSteps) -> None:
    player = rclpy.create_node("hri_emo_replay")
    executor = SingleThreadedExecutor()
    for node in (*nodes.values(), player):
        executor.add_node(node)
    clock_pub = player.create_publisher(Clock, "/clock", 10,
                                       event_callbacks=NO_DEFAULT_PUBLISHER_EVENTS)
    qos = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
    start_ns = options.bag.start_ns or 0
    now_ns = [start_ns]
    clock_ns = [start_ns - CLOCK_STEP_NS]

    def set_clock(ns: int) -> None:
        now_ns[0] = max(now_ns[0], ns)
        if now_ns[0] - clock_ns[0] >= CLOCK_STEP_NS:
            clock_ns[0] = now_ns[0]
            clock_pub.publish(Clock(clock=_time_msg(now_ns[0])))

    with BagWriter(options.output_bag, check=False) as writer:
        inputs = {topic: message_class(msgtype) for topic, msgtype in source.topics().items()}
        recorded = {**output_topics(nodes), **source.recorded(inputs)}
        recorder = Recorder(player, recorded, writer, result,
                            lambda: now_ns[0], start_ns, not options.realtime)
        publishers = {topic: player.create_publisher(
                          cls, topic, qos, event_callbacks=NO_DEFAULT_PUBLISHER_EVENTS)
                      for topic, cls in inputs.items()}
        set_clock(start_ns)
        wait_for_subscribers(executor, publishers)
        result.startup_s = time.perf_counter() - started
        replay_started = time.perf_counter()
        last_ns = start_ns
        for step in source.steps():
            if options.realtime:
                due = replay_started + (step.stamp_ns - start_ns) * 1e-9
                while time.perf_counter() < due:
                    executor.spin_once(timeout_sec=min(0.005, due - time.perf_counter()))
            set_clock(step.stamp_ns)
            recorder.published(step.role, step.header, step.processed_s)
            for topic, data in step.messages:
                publishers[topic].publish(data)
            result.inputs += 1
            if not options.realtime:
                drain(executor, options.settle_s)
            last_ns = step.stamp_ns
            if options.progress:
                options.progress(result.inputs, (step.stamp_ns - start_ns) * 1e-9)
        tail_end = last_ns + int(TAIL_S * 1e9)
        while now_ns[0] < tail_end:
            step_end = time.perf_counter() + (TAIL_STEP_S if options.realtime else 0.0)
            recorder.trigger = None
            set_clock(now_ns[0] + int(TAIL_STEP_S * 1e9))
            drain(executor, options.settle_s)
            while time.perf_counter() < step_end:
                executor.spin_once(timeout_sec=0.005)
        result.replay_s = time.perf_counter() - replay_started
        result.bag_duration_s = (last_ns - start_ns) * 1e-9
    executor.remove_node(player)
    player.destroy_node()
