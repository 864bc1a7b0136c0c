# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The face node, in its own process, turns camera frames into per-face features over DDS."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
skimage_data = pytest.importorskip("skimage.data")
from diagnostic_msgs.msg import DiagnosticArray  # noqa: E402
from node_process import NodeProcess  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402
from sensor_msgs.msg import CompressedImage, Image  # noqa: E402

from hri_emo_msgs.msg import IdsList, ModalityFeatures  # noqa: E402
from hri_emo_ros.common.feature_spec import VIDEO_FEATURES  # noqa: E402
from hri_emo_ros.nodes.conversions import to_seconds, to_time  # noqa: E402


def astronaut_640x480() -> np.ndarray:
    face = skimage_data.astronaut()[:400, 60:460]  # the face and shoulders
    canvas = np.full((480, 640, 3), 90, np.uint8)
    canvas[40:440, 120:520] = face
    return canvas


def image_message(rgb: np.ndarray, stamp_s: float, encoding: str = "rgb8",
                  step_padding: int = 0) -> Image:
    height, width = rgb.shape[:2]
    pixels = rgb if encoding == "rgb8" else rgb[..., ::-1]
    rows = np.zeros((height, width * 3 + step_padding), np.uint8)
    rows[:, :width * 3] = pixels.reshape(height, -1)
    msg = Image(height=height, width=width, encoding=encoding, step=width * 3 + step_padding,
                data=rows.tobytes())
    msg.header.stamp = to_time(stamp_s)
    msg.header.frame_id = "camera"
    return msg


def test_face_node_over_dds(rclpy_context, tmp_path):
    node = rclpy.create_node("face_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    features, tracked, diagnostics = [], [], []
    node.create_subscription(ModalityFeatures, "/hri_emo/features/video", features.append, 50)
    node.create_subscription(IdsList, "/hri_emo/faces/tracked", tracked.append, 50)
    node.create_subscription(DiagnosticArray, "/diagnostics", diagnostics.append, 50)
    image_pub = node.create_publisher(Image, "/camera/image_raw", 10)
    compressed_pub = node.create_publisher(CompressedImage, "/camera/image_raw/compressed", 10)
    rgb = astronaut_640x480()
    with NodeProcess("face_node", {"diagnostics_period": 0.2},
                     tmp_path / "face_node.log") as face:
        wait_for_match(executor, [image_pub, compressed_pub], timeout=60)
        # Good raw frame (with row padding), then bad ones, then a good jpeg: nothing crashes.
        image_pub.publish(image_message(rgb, 1.0, "bgr8", step_padding=8))
        assert spin_until(executor, lambda: len(tracked) >= 1, timeout=60), face.log()
        bad = image_message(rgb, 1.1)
        bad.step = 10  # shorter than a row
        image_pub.publish(bad)
        image_pub.publish(image_message(rgb, 1.2, encoding="yuv422"))
        compressed_pub.publish(CompressedImage(format="jpeg", data=b"\xff\xd8 not a jpeg"))
        ok, jpeg = cv2.imencode(".jpg", rgb[..., ::-1])
        good = CompressedImage(format="jpeg", data=jpeg.tobytes())
        good.header.stamp = to_time(1.3)
        compressed_pub.publish(good)
        assert spin_until(executor, lambda: len(tracked) >= 2, timeout=30), face.log()
        # The raw copy of the frame just analysed (a camera publishing both) is refused.
        image_pub.publish(image_message(rgb, 1.3))
        image_pub.publish(image_message(rgb, 1.4))
        assert spin_until(executor, lambda: len(tracked) >= 3, timeout=30), face.log()
        assert spin_until(executor, lambda: any(
            kv.key == "image.dropped.duplicate_frame"
            for d in diagnostics for s in d.status for kv in s.values), timeout=10)
        assert spin_until(executor, lambda: any(
            kv.key.endswith(".dropped.bad_step") or "dropped" in kv.key
            for d in diagnostics for s in d.status for kv in s.values), timeout=10)
        assert face.process.poll() is None, "face node died"

    assert [to_seconds(m.header.stamp) for m in tracked] == pytest.approx([1.0, 1.3, 1.4])
    assert len(tracked[0].ids) == 1 and tracked[0].ids == tracked[1].ids  # a stable id
    first = features[0]
    assert first.person_id == tracked[0].ids[0]
    assert first.modality == "video" and first.steps == 1 and first.dim == len(VIDEO_FEATURES)
    scores = dict(zip(VIDEO_FEATURES, first.features))
    top = max((n for n in VIDEO_FEATURES if n.startswith("expr_")), key=scores.get)
    assert top == "expr_happy"
    drops = {kv.key: int(kv.value) for d in diagnostics for s in d.status for kv in s.values
             if ".dropped." in kv.key}
    assert sum(v for k, v in drops.items() if k.startswith("image.")) >= 2
    assert sum(v for k, v in drops.items() if k.startswith("compressed_image.")) >= 1
