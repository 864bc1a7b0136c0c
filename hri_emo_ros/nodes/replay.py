# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Replay a recorded bag through the graph over real topics and record what comes out.

The graph's nodes, a player and a recorder share one process and one executor. The player
publishes /clock (the graph runs on simulated time, `use_sim_time`) and each recorded
message, as its recorded bytes, on the graph's input topic; the recorder subscribes to every
output topic and writes what it receives to a new bag.

Fast mode (default) is lock-step: after each message the executor runs every callback that
the message set off, down the whole graph, before the next message goes out. Nothing is
dropped for being late and the outputs do not depend on the machine's speed. `realtime`
publishes at the recorded pace instead, as `ros2 bag play` would, with the graph keeping
up or not.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import rclpy
import yaml
from builtin_interfaces.msg import Time
from rclpy.executors import SingleThreadedExecutor, TimeoutException
from rclpy.qos import QoSProfile, ReliabilityPolicy
from rclpy.serialization import serialize_message
from rosgraph_msgs.msg import Clock

from hri_emo_ros.bags.reader import BagReader
from hri_emo_ros.bags.writer import BagWriter
from hri_emo_ros.evaluation.input_topics import ReplayRoute, input_parameters
from hri_emo_ros.evaluation.scoring import EmotionPoint
from hri_emo_ros.nodes.bag_bridge import message_class, ros_type_name, to_rclpy
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
STATE_PARAMETERS = ("hierarchy", "behavior")
# Only these stages read the clock (timers, staleness); the others work on header stamps,
# and every /clock message costs each subscribed node a callback.
CLOCKED_STAGES = ("hierarchy", "behavior")
# A batch replay is not steered from outside: no parameter or lifecycle services, which
# keeps the executor's wait set small.
NODE_OPTIONS = {"start_parameter_services": False, "enable_communication_interface": False}
QOS_EVENT_HANDLERS = ("EventHandler", "QoSEventHandler")  # rclpy Jazzy+, Humble
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
    path = directory / "replay_parameters.yaml"
    path.write_text(yaml.safe_dump(
        {node: {"ros__parameters": values} for node, values in parameters.items()}))
    return path


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
            node.create_subscription(cls, topic, self._callback(topic, cls), qos)

    def _callback(self, topic: str, cls: type) -> Callable:
        msgtype = ros_type_name(cls)

        def record(msg) -> None:
            received = time.perf_counter()
            self.writer.write(topic, msgtype, self.clock_ns(), serialize_message(msg))
            self.result.outputs[topic] += 1
            header = getattr(msg, "header", None)
            if header is None:
                return
            stamp_ns = _stamp_ns(header.stamp)
            source = self.trigger if self.lock_step else self.published_at.get(stamp_ns)
            if source is not None:
                role, published = source
                self.result.latencies[f"{role} -> {topic}"].append(received - published)
            if msgtype == "hri_emo_msgs/msg/EmotionState":
                self.result.emotions.append(EmotionPoint(
                    (stamp_ns - self.bag_start_ns) * 1e-9, msg.person_id, tuple(msg.labels),
                    tuple(float(s) for s in msg.scores), msg.dominant, float(msg.valence),
                    float(msg.arousal), float(msg.confidence)))

        return record

    def published(self, role: str, header) -> None:
        """Note an input going out: lock-step attributes what follows to it; real time
        matches outputs to it by header stamp."""
        now = time.perf_counter()
        self.trigger = (role, now)
        if header is not None and not self.lock_step:
            self.published_at[_stamp_ns(header.stamp)] = (role, now)


def _create_nodes(stages: Sequence[str]) -> list[ManagedNode]:
    nodes = []
    for stage in stages:
        node = STAGES[stage].node_class()(**NODE_OPTIONS)
        nodes.append(node)
        node.start()
        if node._state_machine.current_state[1] != "active":
            raise RuntimeError(f"the {stage} node did not become active (see its log above)")
    return nodes


@contextmanager
def without_qos_event_handlers(nodes: Sequence[ManagedNode]) -> Iterator[None]:
    """Take the default incompatible-QoS event handlers of the nodes' publishers and
    subscriptions out of the executor's wait set while the replay runs: the player and the
    recorder are ours and match every QoS, and these waitables make up about two thirds of
    the cost of each wait. They are put back for the nodes' own clean-up."""
    removed = [(node, waitable) for node in nodes for waitable in list(node.waitables)
               if type(waitable).__name__ in QOS_EVENT_HANDLERS]
    for node, waitable in removed:
        node.remove_waitable(waitable)
    try:
        yield
    finally:
        for node, waitable in removed:
            node.add_waitable(waitable)


def _output_topics(nodes: dict[str, ManagedNode]) -> dict[str, type]:
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


def replay(options: ReplayOptions, domain_id: int) -> ReplayResult:
    """Run the graph over the bag; the output bag is written to `options.output_bag`."""
    result = ReplayResult(domain_id=domain_id)
    started = time.perf_counter()
    os.environ["ROS_DOMAIN_ID"] = str(domain_id)
    with tempfile.TemporaryDirectory(prefix="hri_emo_replay_") as scratch:
        overrides = _parameter_overrides(options, Path(scratch))
        args = ["hri-emo", "--ros-args", "--params-file", str(options.config),
                "--params-file", str(overrides)]
        if options.device:
            args += ["-p", f"device:={options.device}"]
        rclpy.init(args=args)
        nodes: list[ManagedNode] = []
        try:
            nodes = _create_nodes(options.stages)
            by_stage = dict(zip(options.stages, nodes, strict=True))
            with without_qos_event_handlers(nodes):
                _run(options, result, by_stage, started)
        finally:
            for node in reversed(nodes):
                node.shutdown_cleanly()
                result.node_health[node.get_name()] = node.health.snapshot()
                node.destroy_node()
            rclpy.try_shutdown()
    return result


def _run(options: ReplayOptions, result: ReplayResult, nodes: dict[str, ManagedNode],
         started: float) -> None:
    bag = options.bag
    player = rclpy.create_node("hri_emo_replay")
    executor = SingleThreadedExecutor()
    for node in (*nodes.values(), player):
        executor.add_node(node)
    clock_pub = player.create_publisher(Clock, "/clock", 10)
    qos = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
    routes = {route.bag_topic: route for route in options.routes}
    publishers = {topic: player.create_publisher(
        message_class(bag.topics[topic].msgtype), route.graph_topic, qos)
        for topic, route in routes.items()}
    start_ns = bag.start_ns or 0
    now_ns = [start_ns]
    clock_ns = [start_ns - CLOCK_STEP_NS]

    def set_clock(ns: int) -> None:
        now_ns[0] = max(now_ns[0], ns)
        if now_ns[0] - clock_ns[0] >= CLOCK_STEP_NS:
            clock_ns[0] = now_ns[0]
            clock_pub.publish(Clock(clock=_time_msg(now_ns[0])))

    with BagWriter(options.output_bag, check=False) as writer:
        recorder = Recorder(player, _output_topics(nodes), writer, result,
                            lambda: now_ns[0], start_ns, not options.realtime)
        set_clock(start_ns)
        _wait_for_graph(executor, publishers)
        result.startup_s = time.perf_counter() - started
        replay_started = time.perf_counter()
        last_ns = start_ns
        stop_ns = (None if options.until_s is None
                   else start_ns + int(options.until_s * 1e9))
        for record in bag.records(list(routes), stop_ns=stop_ns):
            if options.realtime:
                due = replay_started + (record.stamp_ns - start_ns) * 1e-9
                while time.perf_counter() < due:
                    executor.spin_once(timeout_sec=min(0.005, due - time.perf_counter()))
            set_clock(record.stamp_ns)
            header = (None if not options.realtime
                      else getattr(to_rclpy(record.data, record.msgtype), "header", None))
            recorder.published(routes[record.topic].input.role, header)
            publishers[record.topic].publish(record.data)
            result.inputs += 1
            if not options.realtime:
                drain(executor, options.settle_s)
            last_ns = record.stamp_ns
            if options.progress:
                options.progress(result.inputs, (record.stamp_ns - start_ns) * 1e-9)
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


def _wait_for_graph(executor: SingleThreadedExecutor, publishers: dict,
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
