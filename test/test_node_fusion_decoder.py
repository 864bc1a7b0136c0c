# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Fusion and decoder nodes over DDS, fed with features from the real perception cores."""

from __future__ import annotations

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
skimage_data = pytest.importorskip("skimage.data")
from node_process import NodeProcess  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402

from hri_emo_msgs.msg import (  # noqa: E402
    EmotionState,
    Explanation,
    FusedSequence,
    ModalityFeatures,  # noqa: E402
)
from hri_emo_ros.common.feature_spec import TEXT_FEATURES, VIDEO_FEATURES  # noqa: E402
from hri_emo_ros.fusion.records import ModalitySteps  # noqa: E402
from hri_emo_ros.nodes.conversions import features_message  # noqa: E402
from hri_emo_ros.perception.face_pipeline import FacePipeline  # noqa: E402
from hri_emo_ros.perception.text_pipeline import TextPipeline  # noqa: E402


@pytest.fixture(scope="module")
def perception_features():
    face = FacePipeline()
    rgb = skimage_data.astronaut()
    frames = []
    for i in range(12):
        stamp = 100.0 + i / 10
        (obs,) = face.process(rgb, stamp)
        frames.append(ModalitySteps("video", obs.features[None, :], np.array([stamp]),
                                    np.array([obs.quality], np.float32),
                                    [f"{obs.expression}@{stamp:.2f}"], obs.face_id,
                                    face.extractor))
    face.close()
    words = TextPipeline(device="cpu").process("Thank you so much, this is wonderful!",
                                               "anonymous", 100.5)
    text = ModalitySteps("text", words.features, np.linspace(100.2, 100.5, len(words.words)),
                         words.quality, list(words.words), "anonymous", words.extractor)
    return frames, text


def test_fusion_and_decoder_nodes(rclpy_context, tmp_path, perception_features):
    frames, text = perception_features
    node = rclpy.create_node("fusion_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    fused, emotions, explanations = [], [], []
    node.create_subscription(FusedSequence, "/hri_emo/fused", fused.append, 50)
    node.create_subscription(EmotionState, "/hri_emo/emotion", emotions.append, 50)
    node.create_subscription(Explanation, "/hri_emo/explanation", explanations.append, 50)
    video_pub = node.create_publisher(ModalityFeatures, "/hri_emo/features/video", 50)
    text_pub = node.create_publisher(ModalityFeatures, "/hri_emo/features/text", 50)
    params = {"device": "cpu", "diagnostics_period": 0.5}
    with NodeProcess("fusion_node", params, tmp_path / "fusion.log") as fusion, \
            NodeProcess("decoder_node", params, tmp_path / "decoder.log") as decoder:
        wait_for_match(executor, [video_pub, text_pub], timeout=60)
        assert spin_until(executor, lambda: node.count_subscribers("/hri_emo/fused") >= 2,
                          timeout=60)
        # Malformed features: wrong dimension, NaN, unknown modality -> dropped, no output.
        wrong = features_message(frames[0], feature_names=VIDEO_FEATURES)
        wrong.dim, wrong.features = 5, [0.0] * 5
        nan = features_message(frames[0])
        nan.features = [float("nan")] * len(VIDEO_FEATURES)
        unknown = features_message(frames[0])
        unknown.modality = "smell"
        for bad in (wrong, nan, unknown):
            video_pub.publish(bad)
        spin_until(executor, lambda: False, timeout=1.0)
        assert fused == []
        for i, steps in enumerate(frames):
            video_pub.publish(features_message(steps, feature_names=VIDEO_FEATURES))
            if i == 4:
                text_pub.publish(features_message(text, feature_names=TEXT_FEATURES))
            spin_until(executor, lambda: False, timeout=0.05)
        assert spin_until(executor, lambda: len(explanations) >= 3, timeout=60), (
            fusion.log() + decoder.log())
        assert fusion.process.poll() is None and decoder.process.poll() is None
        log = fusion.log()
    for reason in ("wrong_dimension", "nan_values", "unknown_modality"):
        assert reason in log
    face_id = frames[0].person_id
    assert {m.person_id for m in emotions} == {face_id}  # anonymous words went to the face
    last = emotions[-1]
    assert last.dominant in last.labels and len(last.scores) == len(last.labels)
    assert -1.0 <= last.valence <= 1.0 and 0.0 <= last.confidence <= 1.0
    assert last.valence > 0.0  # a smiling face saying thank you
    with_text = [f for f in fused if f.present[list(f.modalities).index("text")]]
    assert with_text, "text never reached the fused sequence"
    weights = dict(zip(with_text[-1].modalities, with_text[-1].gate_mean))
    assert weights["audio"] == 0.0 and weights["text"] > 0.0 and weights["video"] > 0.0
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-4)
    # explain_period 0.5 s: of states 0.1 s apart over 1.1 s, those at 0, 0.5 and 1.0 s
    # are explained, and any whose dominant emotion changed.
    def stamp(msg) -> tuple[int, int]:
        return msg.header.stamp.sec, msg.header.stamp.nanosec

    assert {stamp(e) for e in explanations} <= {stamp(m) for m in emotions}
    changes = sum(a.dominant != b.dominant for a, b in zip(emotions, emotions[1:]))
    assert len(explanations) <= 3 + changes < len(emotions), (len(emotions), changes)
    explanation = explanations[-1]
    assert explanation.summary.startswith(last.dominant) or explanation.summary
    assert explanation.attribution.rows == len(last.labels)
    assert explanation.attribution_method
