# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Face-mesh geometry on hand-built landmark arrays whose answers are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hri_emo_ros.perception import face_geometry as fg

EYE_HALF_HEIGHT = 0.6  # eye aspect ratio = EYE_HALF_HEIGHT / 2 for these eyes


def face_points(mouth_gap: float = 0.0, corner_lift: float = 0.0, brow_lift: float = 1.5,
                inner_brow_gap: float = 3.0) -> np.ndarray:
    """A frontal face in a face frame (x to the person's left = image right, y up,
    z toward the camera); face height 20, outer-eye-corner distance 10."""
    p = np.zeros((fg.MESH_POINTS, 3))
    a = EYE_HALF_HEIGHT
    p[fg.FOREHEAD], p[fg.CHIN] = (0, 10, 0), (0, -10, 0)
    for sign, contour, lid in ((-1, fg.EYE_RIGHT, fg.UPPER_LID_RIGHT),
                               (1, fg.EYE_LEFT, fg.UPPER_LID_LEFT)):
        # p1..p6 along the contour, x from the outer or inner corner.
        xs = (5, 4, 2, 1, 2, 4) if sign < 0 else (1, 2, 4, 5, 4, 2)
        ys = (0, a, a, 0, -a, -a)
        for index, x, y in zip(contour, xs, ys, strict=True):
            p[index] = (sign * x, 3 + y, 0)
        p[lid] = (sign * 3, 3 + a, 0)
    for brow, sign in ((fg.BROW_RIGHT, -1), (fg.BROW_LEFT, 1)):
        for index, x in zip(brow, (4.5, 3.75, 3.0, 2.25, 1.5), strict=True):
            p[index] = (sign * x, 3 + a + brow_lift, 0)
    p[fg.INNER_BROW_RIGHT] = (-inner_brow_gap / 2, 3 + a + brow_lift, 0)
    p[fg.INNER_BROW_LEFT] = (inner_brow_gap / 2, 3 + a + brow_lift, 0)
    p[fg.INNER_LIP_TOP] = (0, -5 + mouth_gap / 2, 0)
    p[fg.INNER_LIP_BOTTOM] = (0, -5 - mouth_gap / 2, 0)
    p[fg.LIP_CORNER_RIGHT] = (-3, -5 + corner_lift, 0)
    p[fg.LIP_CORNER_LEFT] = (3, -5 + corner_lift, 0)
    return p


def to_image(points: np.ndarray, rotation: np.ndarray | None = None, scale: float = 7.0,
             offset=(320.0, 240.0, 0.0)) -> np.ndarray:
    """Rotate in the face frame, then map to image pixels (y down, z away)."""
    if rotation is not None:
        points = points @ rotation.T
    return points * np.array([1.0, -1.0, -1.0]) * scale + np.array(offset)


def yaw_matrix(angle):  # forward (0, 0, 1) turns toward +x, the image's right
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def pitch_matrix(angle):  # forward turns up
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1, 0, 0], [0, c, s], [0, -s, c]])


def roll_matrix(angle):  # the eye line turns clockwise in the image
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]])


def features(points: np.ndarray) -> dict[str, float]:
    return dict(zip(
        fg.GEOMETRY_FEATURES, fg.geometry_features(points).astype(float), strict=True
    ))


def test_known_values_of_the_frontal_face():
    f = features(to_image(face_points(mouth_gap=1.0, corner_lift=0.4)))
    assert f["mouth_open"] == pytest.approx(1.0 / 20, abs=1e-6)
    assert f["mouth_width"] == pytest.approx(6.0 / 10, abs=1e-6)
    assert f["lip_corner_pull"] == pytest.approx(0.4 / 20, abs=1e-6)
    assert f["brow_raise"] == pytest.approx(1.5 / 20, abs=1e-6)
    assert f["brow_furrow"] == pytest.approx(1 - 3.0 / 10, abs=1e-6)
    assert f["eye_open_left"] == pytest.approx(EYE_HALF_HEIGHT / 2, abs=1e-6)
    assert f["eye_open_right"] == pytest.approx(EYE_HALF_HEIGHT / 2, abs=1e-6)
    for angle in ("head_yaw", "head_pitch", "head_roll"):
        assert f[angle] == pytest.approx(0.0, abs=1e-6)


def test_expression_measures_move_the_right_way():
    base = features(to_image(face_points()))
    assert features(to_image(face_points(mouth_gap=2.0)))["mouth_open"] > base["mouth_open"]
    assert features(to_image(face_points(corner_lift=0.5)))["lip_corner_pull"] > 0
    assert features(to_image(face_points(corner_lift=-0.5)))["lip_corner_pull"] < 0
    assert features(to_image(face_points(brow_lift=2.5)))["brow_raise"] > base["brow_raise"]
    frown = features(to_image(face_points(inner_brow_gap=2.0)))
    assert frown["brow_furrow"] > base["brow_furrow"]


def test_one_closed_eye_changes_only_that_side():
    points = face_points()
    for index in (385, 387, 373, 380):  # the person's left eye lids meet
        points[index, 1] = 3.0
    f = features(to_image(points))
    assert f["eye_open_left"] == pytest.approx(0.0, abs=1e-6)
    assert f["eye_open_right"] == pytest.approx(EYE_HALF_HEIGHT / 2, abs=1e-6)


@pytest.mark.parametrize("angle", [-0.6, -0.2, 0.3, 0.7])
def test_head_angles_are_recovered(angle):
    points = face_points(mouth_gap=1.0)
    frontal = features(to_image(points))
    for name, matrix in (("head_yaw", yaw_matrix), ("head_pitch", pitch_matrix),
                         ("head_roll", roll_matrix)):
        f = features(to_image(points, matrix(angle)))
        assert f[name] == pytest.approx(angle, abs=1e-5), name
        others = {"head_yaw", "head_pitch", "head_roll"} - {name}
        for other in others:
            assert f[other] == pytest.approx(0.0, abs=1e-5), (name, other)
        # Distances are measured in 3-D, so a turned head keeps its expression measures.
        for key in ("mouth_open", "mouth_width", "brow_raise", "eye_open_left"):
            assert f[key] == pytest.approx(frontal[key], abs=1e-5), (name, key)


def test_combined_pose_keeps_yaw_and_pitch():
    rotation = yaw_matrix(0.4) @ pitch_matrix(-0.25) @ roll_matrix(0.1)
    f = features(to_image(face_points(), rotation))
    assert f["head_yaw"] == pytest.approx(0.4, abs=1e-5)
    assert f["head_pitch"] == pytest.approx(-0.25, abs=1e-5)
    assert f["head_roll"] == pytest.approx(0.1, abs=1e-5)


def test_scale_and_position_do_not_matter():
    a = fg.geometry_features(to_image(face_points(1.0, 0.3), scale=3.0))
    b = fg.geometry_features(to_image(face_points(1.0, 0.3), scale=40.0, offset=(9, 5, 2)))
    np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        (np.zeros((100, 3)), "bad_shape"),
        (np.zeros((468, 2)), "bad_shape"),
        (np.full((468, 3), np.nan), "nan_values"),
        (np.zeros((468, 3)), "degenerate"),
    ],
)
def test_bad_landmarks_are_rejected(points, reason):
    with pytest.raises(fg.InvalidLandmarks) as caught:
        fg.geometry_features(points)
    assert caught.value.reason == reason


def test_neutral_geometry_is_in_feature_order():
    neutral = fg.neutral_geometry()
    assert neutral.dtype == np.float32 and neutral.shape == (len(fg.GEOMETRY_FEATURES),)
    assert neutral[fg.GEOMETRY_FEATURES.index("mouth_width")] == pytest.approx(0.55)
