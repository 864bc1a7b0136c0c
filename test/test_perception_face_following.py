# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The face mesh follows a real face between detector runs (skimage's astronaut)."""

from __future__ import annotations

import threading

import cv2
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
        self.threads: list[str] = []

    def detect(self, rgb):
        self.calls += 1
        self.threads.append(threading.current_thread().name)
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
        # The periodic run looks at a followed frame on the worker thread.
        assert counter.threads[0] == threading.current_thread().name
        assert counter.threads[1].startswith("face_redetect")
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
    assert not follower.redetect_due(0.5) and follower.redetect_due(1.0)
    assert follower.followable(0.0) is None            # time did not move forward
    assert follower.followable(1.0) is None            # a gap of a whole period


def test_redetection_re_measures_the_same_faces_and_stops_following_for_new_ones():
    follower = FaceFollower(0.5)
    points = np.array([[10.0, 10.0, 0.0], [50.0, 60.0, 0.0]], np.float32)
    follower.detected(0.0, [(FaceDetection((12.0, 12.0, 36.0, 46.0), 0.9), points)])
    (box,) = follower.followed(0.6, [points + [4.0, 0.0, 0.0]], 640, 480)
    assert box.box == pytest.approx((16.0, 12.0, 36.0, 46.0))
    assert not follower.redetected(0.5, [])             # not the last followed frame
    # The detector puts the same face 2 px wider: that becomes the face's box convention.
    assert follower.redetected(0.6, [FaceDetection((15.0, 12.0, 38.0, 46.0), 0.8)])
    assert follower.followable(0.7) == [FaceDetection((15.0, 12.0, 38.0, 46.0), 0.8)]
    (box,) = follower.followed(0.7, [points + [8.0, 0.0, 0.0]], 640, 480)
    assert box.box == pytest.approx((19.0, 12.0, 38.0, 46.0))
    # A second face came into view: following stops, so the next frame is detected.
    assert not follower.redetected(0.7, [FaceDetection((19.0, 12.0, 38.0, 46.0), 0.8),
                                         FaceDetection((300.0, 40.0, 40.0, 40.0), 0.9)])
    assert follower.followable(0.8) is None


def two_faces(dx: int) -> np.ndarray:
    """Two half-size astronauts; the second one `dx` px right of the first."""
    small = cv2.resize(skimage_data.astronaut(), (256, 256), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((480, 640, 3), dtype=np.uint8)
    canvas[100:356, 20:276] = small
    canvas[100:356, 20 + dx:276 + dx] = small
    return canvas


def test_a_face_entering_while_followed_is_found_on_the_frame_after_the_redetection():
    pipe, counter = counting_pipeline(0.5)
    try:
        one = two_faces(0)
        assert len(pipe.process(one, 0.0)) == 1 and counter.calls == 1
        assert len(pipe.process(one, 0.1)) == 1 and counter.calls == 1
        both = two_faces(340)
        # Periodic redetection on this frame (in the background): it sees two faces,
        assert len(pipe.process(both, 0.5)) == 1
        # which do not pair up with the one followed face, so this frame is detected.
        assert len(pipe.process(both, 0.6)) == 2 and counter.calls == 3
        assert len(pipe.process(both, 0.7)) == 2 and counter.calls == 3
        assert len(set(pipe.tracked_ids())) == 2
    finally:
        pipe.close()
