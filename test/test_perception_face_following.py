# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The face mesh follows a real face between detector runs (skimage's astronaut)."""

from __future__ import annotations

import numpy as np
import pytest

from hri_emo_ros.perception.face_detector import FaceDetection
from hri_emo_ros.perception.face_following import BoxFromMesh, FaceFollower
from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig
from hri_emo_ros.perception.face_tracker import iou

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test dependency)")
pytest.importorskip("mediapipe", reason="mediapipe is not installed")


def frame(dx: int) -> np.ndarray:
    """The astronaut moved `dx` px to the right on a black 640x480 frame."""
    image = skimage_data.astronaut()[:480]
    canvas = np.zeros((480, 640, 3), dtype=np.uint8)
    canvas[:, 64 + dx:64 + dx + image.shape[1]] = image
    return canvas


class CountingDetector:
    """The pipeline's own detector, with a count of the frames it ran on."""

    def __init__(self, detector) -> None:
        self.detector, self.calls = detector, 0
        self.name = detector.name

    def detect(self, rgb):
        self.calls += 1
        return self.detector.detect(rgb)

    def close(self) -> None:
        self.detector.close()


def counting_pipeline(period: float) -> tuple[FacePipeline, CountingDetector]:
    pipe = FacePipeline(FacePipelineConfig(detector="mediapipe", tracker_seed=0,
                                           torch_threads=0, redetect_period_s=period))
    pipe.detector = CountingDetector(pipe.detector)
    return pipe, pipe.detector


def test_mesh_follows_a_moving_face_and_the_detector_runs_at_the_period():
    pipe, counter = counting_pipeline(0.5)
    reference = FacePipeline(FacePipelineConfig(detector="mediapipe", tracker_seed=0,
                                                torch_threads=0, redetect_period_s=0.0))
    try:
        shifts = [2 * i for i in range(30)]          # 1 s at 30 Hz, 60 px to the right
        for i, dx in enumerate(shifts):
            image = frame(dx)
            (followed,) = pipe.process(image, i / 30.0)
            (detected,) = reference.process(image, i / 30.0)
            assert followed.face_id == pipe.tracked_ids()[0]
            assert followed.has_mesh and followed.expression == "happy"
            # The followed box is where the detector would have put it on this frame.
            assert iou(followed.box, detected.box) > 0.85, (i, followed.box, detected.box)
            assert abs(followed.scores["happy"] - detected.scores["happy"]) < 0.05
        assert counter.calls == 2                     # at 0 s and at 0.5 s
        assert len(set(pipe.tracked_ids())) == 1
    finally:
        pipe.close()
        reference.close()


def test_detector_runs_again_when_the_face_is_lost_or_time_goes_back():
    pipe, counter = counting_pipeline(10.0)
    try:
        assert len(pipe.process(frame(0), 1.0)) == 1 and counter.calls == 1
        assert len(pipe.process(frame(2), 1.1)) == 1 and counter.calls == 1
        # The face is gone: the mesh finds nothing where it was, so the detector looks.
        assert pipe.process(np.zeros((480, 640, 3), np.uint8), 1.2) == []
        assert counter.calls == 2
        assert len(pipe.process(frame(4), 1.3)) == 1 and counter.calls == 3
        assert len(pipe.process(frame(6), 1.4)) == 1 and counter.calls == 3
        # A clock jump backwards starts afresh with the detector.
        assert len(pipe.process(frame(6), 0.5)) == 1 and counter.calls == 4
    finally:
        pipe.close()


def test_period_zero_detects_on_every_frame():
    pipe, counter = counting_pipeline(0.0)
    try:
        for i in range(4):
            pipe.process(frame(i), i / 30.0)
        assert counter.calls == 4
    finally:
        pipe.close()


def test_box_from_mesh_maps_extents_back_to_the_detector_convention():
    relation = BoxFromMesh.measure(box=(110.0, 90.0, 100.0, 120.0), extent=(100.0, 80.0, 120.0,
                                                                            150.0))
    assert relation.box((100.0, 80.0, 120.0, 150.0), 640, 480) == pytest.approx(
        (110.0, 90.0, 100.0, 120.0))
    moved = relation.box((200.0, 80.0, 60.0, 75.0), 640, 480)   # moved right, half the size
    assert moved == pytest.approx((205.0, 85.0, 50.0, 60.0))
    assert relation.box((700.0, 80.0, 60.0, 75.0), 640, 480) is None   # off the frame


def test_follower_refuses_a_bad_period_and_follows_only_when_every_face_has_a_mesh():
    with pytest.raises(ValueError):
        FaceFollower(-1.0)
    with pytest.raises(ValueError):
        FaceFollower(float("nan"))
    follower = FaceFollower(1.0)
    points = np.array([[10.0, 10.0, 0.0], [50.0, 60.0, 0.0]], np.float32)
    face = FaceDetection((12.0, 12.0, 36.0, 46.0), 0.9)
    follower.detected(0.0, [(face, points), (face, None)])
    assert follower.followable(0.1) is None
    follower.detected(0.0, [(face, points)])
    assert follower.followable(0.1) == [face]
    assert follower.followable(1.0) is None            # redetection due
