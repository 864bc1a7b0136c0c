# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The decoder node explains on a worker thread and publishes what it explains inline, in
order, after the EmotionState it explains."""

from __future__ import annotations

import threading

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402

from hri_emo_msgs.msg import EmotionState, Explanation, FusedSequence  # noqa: E402
from hri_emo_ros.common.feature_spec import FEATURE_DIMS  # noqa: E402
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps  # noqa: E402
from hri_emo_ros.fusion.runtime import FusionRuntime  # noqa: E402
from hri_emo_ros.nodes.decoder_node import DecoderNode  # noqa: E402
from hri_emo_ros.nodes.fusion_node import fused_message  # noqa: E402

STATES = 4


@pytest.fixture(scope="module")
def fused_messages() -> list[FusedSequence]:
    """Fused sequences of one person from the shipped encoder, 1 s apart."""
    rng = np.random.default_rng(3)
    runtime = FusionRuntime.from_checkpoint(None, "cpu")
    messages = []
    for index in range(STATES):
        stamp = 50.0 + index
        modalities = {
            name: ModalitySteps(name, rng.normal(size=(n, FEATURE_DIMS[name])).astype(np.float32),
                                stamp - 0.1 * np.arange(n)[::-1],
                                np.full(n, 0.9, np.float32))
            for name, n in (("audio", 6), ("video", 12))}
        (record,) = runtime.fuse([FusionWindow("p1", stamp, modalities)])
        messages.append(fused_message(record))
    return messages


def _decode_all(context, messages, background: bool):
    """EmotionStates and Explanations of `messages`, and the threads the attribution ran on."""
    node = DecoderNode(context=context, parameter_overrides=[
        Parameter("device", value="cpu"), Parameter("explain_period", value=0.0),
        Parameter("explain_in_background", value=background)])
    node.start()
    threads: set[str] = set()
    attribute = node.runtime.attribute

    def observed_attribute(*args):
        threads.add(threading.current_thread().name)
        return attribute(*args)

    node.runtime.attribute = observed_attribute
    peer = rclpy.create_node("decoder_peer", context=context)
    received: list[tuple[str, object]] = []
    subscriptions = [
        peer.create_subscription(EmotionState, "/hri_emo/emotion",
                                 lambda m: received.append(("emotion", m)), 50),
        peer.create_subscription(Explanation, "/hri_emo/explanation",
                                 lambda m: received.append(("explanation", m)), 50)]
    publisher = peer.create_publisher(FusedSequence, "/hri_emo/fused", 50)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    executor.add_node(peer)
    try:
        wait_for_match(executor, [publisher], subscriptions)
        for msg in messages:
            publisher.publish(msg)
        assert spin_until(executor, lambda: len(received) == 2 * len(messages), timeout=60)
        return received, threads
    finally:
        executor.shutdown()
        node.shutdown_cleanly()
        node.destroy_node()
        peer.destroy_node()


def test_background_explanations_equal_inline_ones_in_order(rclpy_context, fused_messages):
    inline, inline_threads = _decode_all(rclpy_context, fused_messages, background=False)
    background, background_threads = _decode_all(rclpy_context, fused_messages, background=True)
    assert inline_threads == {threading.main_thread().name}
    assert len(background_threads) == 1
    assert threading.main_thread().name not in background_threads
    for received in (inline, background):
        explanations = [m for kind, m in received if kind == "explanation"]
        assert [m.header.stamp.sec for m in explanations] == [50, 51, 52, 53]
        for kind, msg in received:  # each explanation after the state it explains
            if kind == "explanation":
                emitted = [m.header.stamp for k, m in received[:received.index((kind, msg))]
                           if k == "emotion"]
                assert msg.header.stamp in emitted
    inline_explanations = [m for kind, m in inline if kind == "explanation"]
    background_explanations = [m for kind, m in background if kind == "explanation"]
    for a, b in zip(inline_explanations, background_explanations, strict=True):
        assert a.header.stamp == b.header.stamp
        assert list(a.top_words) == list(b.top_words) and a.summary == b.summary
        assert list(a.attribution.col_labels) == list(b.attribution.col_labels)
        np.testing.assert_allclose(np.asarray(a.attribution.data),
                                   np.asarray(b.attribution.data), rtol=1e-5, atol=1e-6)
