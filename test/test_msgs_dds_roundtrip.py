# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Every hri_emo message and service crosses a process boundary over real DDS intact."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

rclpy = pytest.importorskip("rclpy")
from message_samples import TEXT, differences, fill, message_class  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402

HERE = Path(__file__).resolve().parent
MSG_DIR = HERE.parent / "hri_emo_msgs" / "msg"
MESSAGE_TYPES = sorted(f"hri_emo_msgs/{p.stem}" for p in MSG_DIR.glob("*.msg"))


@pytest.fixture
def echo_process(ros_domain):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), *sys.path]))
    proc = subprocess.Popen([sys.executable, str(HERE / "echo_node.py"), *MESSAGE_TYPES],
                            stdout=subprocess.PIPE, env=env)
    assert proc.stdout.readline().strip() == b"ready"
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a rare hang in Fast DDS's teardown; not under test
        proc.kill()
        proc.wait(timeout=10)


def test_every_message_file_is_covered():
    assert len(MESSAGE_TYPES) >= 11
    for type_name in MESSAGE_TYPES:
        message_class(type_name)  # generated and importable


def test_messages_round_trip_between_processes(rclpy_context, echo_process):
    from rclpy.qos import QoSProfile, ReliabilityPolicy
    qos = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)
    node = rclpy.create_node("roundtrip_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    received: dict[str, object] = {}
    publishers, subscriptions, sent = [], [], {}
    rng = random.Random(7)
    for index, type_name in enumerate(MESSAGE_TYPES):
        cls = message_class(type_name)
        name = type_name.split("/")[1]
        publishers.append(node.create_publisher(cls, f"/echo_in/{name}", qos))
        subscriptions.append(node.create_subscription(
            cls, f"/echo_out/{name}", lambda msg, n=name: received.setdefault(n, msg), qos))
        sent[name] = fill(cls(), rng, index)
    wait_for_match(executor, publishers, subscriptions)
    for publisher, msg in zip(publishers, sent.values()):
        publisher.publish(msg)
    assert spin_until(executor, lambda: len(received) == len(sent), timeout=30), (
        f"missing echoes: {sorted(set(sent) - set(received))}")
    for name, msg in sent.items():
        assert differences(msg, received[name]) == [], name
    # The samples really exercise large arrays and non-ASCII text.
    audio = received["AudioFrame"]
    assert len(audio.data) == 100_000
    assert TEXT in received["Transcript"].text
    assert len(received["ModalityFeatures"].features) == 100_000
    node.destroy_node()


def test_services_answer_across_processes(rclpy_context, echo_process):
    from hri_emo_msgs import srv
    node = rclpy.create_node("service_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    cases = [(srv.ResetPerson, "person_id", "message"),
             (srv.GetPersonState, "person_id", "state_json"),
             (srv.SetRepertoire, "yaml", "message")]
    for cls, request_field, response_field in cases:
        client = node.create_client(cls, f"/echo_srv/{cls.__name__}")
        assert spin_until(executor, client.service_is_ready, timeout=20)
        request = cls.Request()
        setattr(request, request_field, TEXT)
        future = client.call_async(request)
        assert spin_until(executor, future.done, timeout=20)
        assert getattr(future.result(), response_field) == TEXT
    node.destroy_node()


def test_comparison_detects_a_changed_field():
    cls = message_class("hri_emo_msgs/FusedSequence")
    a, b = fill(cls(), random.Random(1)), fill(cls(), random.Random(1))
    assert differences(a, b) == []
    b.alignments[1].col_labels[0] = "other"
    b.fused[99_999] += 1.0
    found = differences(a, b)
    assert any("alignments[1].col_labels[0]" in d for d in found)
    assert any("fused[99999]" in d for d in found)
