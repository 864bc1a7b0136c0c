# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The text node encodes on a worker thread and publishes what it encoded inline, in order."""

from __future__ import annotations

import threading

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402

from hri_emo_msgs.msg import ModalityFeatures, Transcript  # noqa: E402
from hri_emo_ros.nodes.conversions import to_time  # noqa: E402
from hri_emo_ros.nodes.text_node import TextNode  # noqa: E402

SENTENCES = ("Thank you, this is wonderful!", "I am so sad and tired.",
             "Why did you break it again?")


def _encode_all(context, background: bool) -> tuple[list[ModalityFeatures], set[str]]:
    """The features of SENTENCES from a text node, and the threads its model ran on."""
    node = TextNode(context=context, parameter_overrides=[
        Parameter("encode_in_background", value=background)])
    node.start()
    threads: set[str] = set()
    process = node.pipeline.process

    def observed_process(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return process(*args, **kwargs)

    node.pipeline.process = observed_process
    peer = rclpy.create_node("text_peer", context=context)
    features: list[ModalityFeatures] = []
    subscription = peer.create_subscription(ModalityFeatures, "/hri_emo/features/text",
                                            features.append, 50)
    publisher = peer.create_publisher(Transcript, "/speech/transcript", 10)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    executor.add_node(peer)
    try:
        wait_for_match(executor, [publisher], [subscription])
        for index, sentence in enumerate(SENTENCES):
            msg = Transcript(person_id="spk1", text=sentence, is_final=True, confidence=0.9,
                             utterance_start=to_time(10.0 * index),
                             utterance_end=to_time(10.0 * index + 2.0))
            msg.header.stamp = to_time(10.0 * index + 2.1)
            publisher.publish(msg)
        assert spin_until(executor, lambda: len(features) == len(SENTENCES), timeout=60)
        return features, threads
    finally:
        executor.shutdown()
        node.shutdown_cleanly()
        node.destroy_node()
        peer.destroy_node()


def test_background_encoding_publishes_the_inline_features_in_order(rclpy_context):
    inline, inline_threads = _encode_all(rclpy_context, background=False)
    background, background_threads = _encode_all(rclpy_context, background=True)
    assert inline_threads == {threading.main_thread().name}
    assert len(background_threads) == 1
    assert threading.main_thread().name not in background_threads
    stamps = [m.header.stamp.sec for m in background]
    assert stamps == sorted(stamps) and stamps[0] < 10 < stamps[1] < 20 < stamps[2]
    for a, b in zip(inline, background, strict=True):
        assert a.header.stamp == b.header.stamp
        assert list(a.step_labels) == list(b.step_labels)
        np.testing.assert_array_equal(np.asarray(a.features), np.asarray(b.features))
        assert list(a.step_times) == list(b.step_times)
