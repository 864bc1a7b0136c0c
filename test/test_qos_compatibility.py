# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Nodes wait on no per-endpoint QoS event handlers, and still report incompatible QoS."""

from __future__ import annotations

import pytest

rclpy = pytest.importorskip("rclpy")
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy  # noqa: E402
from ros_tools import spin_until  # noqa: E402

from hri_emo_msgs.msg import AudioFrame, ModalityFeatures  # noqa: E402
from hri_emo_ros.nodes import qos_compatibility  # noqa: E402
from hri_emo_ros.nodes.qos_compatibility import QosWatch, incompatible_endpoints  # noqa: E402
from hri_emo_ros.nodes.voice_node import VoiceNode  # noqa: E402

BEST_EFFORT = QoSProfile(depth=5, reliability=ReliabilityPolicy.BEST_EFFORT)
LATCHED = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                     durability=DurabilityPolicy.TRANSIENT_LOCAL)


@pytest.fixture
def voice(rclpy_context):
    node = VoiceNode(context=rclpy_context, parameter_overrides=[
        Parameter("diagnostics_period", value=0.2)])
    node.start()
    peer = rclpy.create_node("qos_peer", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    executor.add_node(peer)
    yield node, peer, executor
    executor.shutdown()
    node.shutdown_cleanly()
    node.destroy_node()
    peer.destroy_node()


def test_active_node_has_no_qos_event_waitables(voice):
    node, _, _ = voice
    assert node._state_machine.current_state[1] == "active"
    assert node.publishers and node.subscriptions
    assert list(node.waitables) == []


def test_incompatible_peers_are_named_in_both_directions(voice):
    node, peer, executor = voice
    assert incompatible_endpoints(node) == []
    peer.create_publisher(AudioFrame, "/audio/audio", BEST_EFFORT)       # node wants reliable
    peer.create_subscription(ModalityFeatures, "/hri_emo/features/audio",  # node is volatile
                             lambda msg: None, LATCHED)
    assert spin_until(executor, lambda: len(incompatible_endpoints(node)) == 2, timeout=10.0)
    incoming, outgoing = incompatible_endpoints(node)
    assert incoming.startswith("/audio/audio: this node cannot receive from the publisher "
                               "of /qos_peer")
    assert incoming.endswith(": best effort publisher and reliable subscription")
    assert outgoing.startswith("/hri_emo/features/audio: the subscription of /qos_peer "
                               "cannot receive from this node")
    assert "transient local subscription" in outgoing


def test_qos_watch_reads_peers_again_only_when_endpoints_come_or_go(voice, rclpy_context,
                                                                   monkeypatch):
    _, peer, executor = voice
    target = rclpy.create_node("qos_target", context=rclpy_context)
    target.create_subscription(AudioFrame, "/audio/audio", lambda msg: None, 10)
    reads = []

    def counted(node):
        if node is target:
            reads.append(node)
        return incompatible_endpoints(node)

    monkeypatch.setattr(qos_compatibility, "incompatible_endpoints", counted)
    watch = QosWatch(target, full_check_every=5)
    assert watch.problems() == [] and len(reads) == 1
    for _ in range(3):
        assert watch.problems() == []
    assert len(reads) == 1
    peer.create_publisher(AudioFrame, "/audio/audio", BEST_EFFORT)  # target wants reliable
    assert spin_until(executor, lambda: len(watch.problems()) == 1, timeout=10.0)
    assert len(reads) == 2
    for _ in range(5):  # the periodic full check comes round
        watch.problems()
    assert len(reads) == 3
    target.destroy_node()


def test_diagnostics_warn_about_incompatible_qos(voice):
    node, peer, executor = voice
    statuses: list[DiagnosticStatus] = []
    peer.create_subscription(
        DiagnosticArray, "/diagnostics",
        lambda msg: statuses.extend(s for s in msg.status if "hri_emo_voice" in s.name), 50)
    assert spin_until(executor, lambda: len(statuses) >= 2, timeout=10.0)
    assert statuses[-1].level == DiagnosticStatus.OK
    peer.create_publisher(AudioFrame, "/audio/audio", BEST_EFFORT)
    assert spin_until(executor, lambda: statuses[-1].level == DiagnosticStatus.WARN,
                      timeout=10.0)
    values = {kv.key: kv.value for kv in statuses[-1].values}
    assert "incompatible QoS" in statuses[-1].message
    assert values["qos.incompatible"].startswith("/audio/audio: this node cannot receive")
