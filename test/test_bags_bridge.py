# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Recorded CDR bytes replay over real DDS with rclpy and come back as the same bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
if not hasattr(pytest.importorskip("hri_emo_msgs.msg"), "AudioFrame"):
    pytest.skip("hri_emo_msgs is not built (make setup; source scripts/env.sh)",
                allow_module_level=True)
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.qos import QoSProfile, ReliabilityPolicy  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402

from hri_emo_ros.bags.errors import BagError  # noqa: E402
from hri_emo_ros.bags.reader import open_bag  # noqa: E402
from hri_emo_ros.bags.typestore import hri_typestore  # noqa: E402
from hri_emo_ros.nodes.bag_bridge import (  # noqa: E402
    from_rclpy,
    message_class,
    ros_type_name,
    to_rclpy,
)

BAG = Path(__file__).resolve().parents[1] / "data" / "sample_session" / "bag"
TOPICS = ("/camera/image_raw/compressed", "/audio/audio", "/speech/transcript")
STORE = hri_typestore()


def canonical(raw: bytes, msgtype: str) -> bytes:
    """CDR with zeroed alignment padding (Fast CDR leaves padding bytes uninitialised)."""
    return bytes(STORE.serialize_cdr(STORE.deserialize_cdr(raw, msgtype), msgtype))


def _recorded():
    """A few records of each topic of the sample session, with rosbags' objects."""
    picked = {topic: [] for topic in TOPICS}
    with open_bag(BAG) as bag:
        for record, obj in bag.messages(TOPICS, stop_ns=bag.start_ns + 15 * 10**9):
            if len(picked[record.topic]) < 3:
                picked[record.topic].append((record, obj))
    return picked


def test_to_rclpy_matches_the_bag_object_and_serializes_back():
    for records in _recorded().values():
        for record, obj in records:
            msg = to_rclpy(record.data, record.msgtype)
            assert ros_type_name(msg) == record.msgtype
            assert canonical(from_rclpy(msg), record.msgtype) == record.data
            assert msg.header.stamp.sec == obj.header.stamp.sec
            assert msg.header.stamp.nanosec == obj.header.stamp.nanosec
            if hasattr(obj, "data"):
                assert bytes(msg.data) == bytes(obj.data)
            if hasattr(obj, "text"):
                assert msg.text == obj.text and msg.utterance_end.sec == obj.utterance_end.sec


def test_bridge_errors_are_specific():
    for name, reason in [("no_such_pkg/msg/X", "unknown_type"),
                         ("std_msgs/msg/NoSuchMessage", "unknown_type"),
                         ("Image", "unknown_type")]:
        with pytest.raises(BagError) as err:
            message_class(name)
        assert err.value.reason == reason
    with pytest.raises(BagError) as err:
        to_rclpy(b"\x00\x01\x00\x00\x05", "hri_emo_msgs/msg/Transcript")
    assert err.value.reason == "bad_record"


def test_raw_bytes_replay_over_dds(rclpy_context):
    recorded = _recorded()
    qos = QoSProfile(depth=20, reliability=ReliabilityPolicy.RELIABLE)
    node = rclpy.create_node("bag_bridge_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    typed: dict[str, list] = {t: [] for t in TOPICS}
    raw: dict[str, list] = {t: [] for t in TOPICS}
    publishers, subscriptions = [], []
    for topic in TOPICS:
        cls = message_class(recorded[topic][0][0].msgtype)
        publishers.append(node.create_publisher(cls, topic, qos))
        subscriptions.append(node.create_subscription(
            cls, topic, lambda m, t=topic: typed[t].append(m), qos))
        subscriptions.append(node.create_subscription(
            cls, topic, lambda m, t=topic: raw[t].append(m), qos, raw=True))
    wait_for_match(executor, publishers, subscriptions)
    for publisher, topic in zip(publishers, TOPICS):
        for record, _ in recorded[topic]:
            publisher.publish(record.data)  # the recorded bytes, unconverted
    expected = sum(len(v) for v in recorded.values())
    assert spin_until(executor, lambda: sum(map(len, typed.values())) == expected
                      and sum(map(len, raw.values())) == expected, timeout=30)
    for topic in TOPICS:
        records = [record for record, _ in recorded[topic]]
        assert [bytes(b) for b in raw[topic]] == [r.data for r in records]
        assert [canonical(from_rclpy(m), r.msgtype) for m, r in zip(typed[topic], records)] \
            == [r.data for r in records]
    image = typed["/camera/image_raw/compressed"][0]
    import cv2
    assert cv2.imdecode(np.asarray(image.data, np.uint8), cv2.IMREAD_COLOR).shape == (480, 640, 3)
    node.destroy_node()
