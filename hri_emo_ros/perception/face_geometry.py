# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Expression and head-pose measures from the 468-point MediaPipe face mesh.

Landmarks are an (N >= 468, 3) array in pixels: x right, y down (image axes) and z the
mesh depth scaled like x (smaller = nearer the camera). Distances are taken in 3-D so
that they change little when the head turns. The measures, in `GEOMETRY_FEATURES` order:

- mouth_open: inner-lip gap (13-14) / face height (forehead 10 - chin 152).
- mouth_width: lip-corner distance (61-291) / inter-ocular distance (outer eye
  corners 33-263).
- lip_corner_pull: height of the mean lip corner above (+) or below (-) the inner-lip
  centre along the face's up axis / face height.
- brow_raise: mean over both sides of the distance from the brow centre to the upper
  eyelid centre (159, 386) / face height.
- brow_furrow: 1 - inner-brow distance (107-336) / inter-ocular distance.
- eye_open_left/right: eye aspect ratio of the person's left / right eye (6 points each).
- head_yaw, head_pitch, head_roll [rad] of the face frame (eye line, chin->forehead):
  yaw > 0 when the face turns toward the image's right (the person's left), pitch > 0
  when it looks up, roll > 0 when the head tilts toward the person's left shoulder (the
  eye line turns clockwise in the image). The frame's up axis runs from chin to forehead,
  so a face looking straight at the camera reads a small non-zero pitch set by the
  forehead's slope in the mesh.
"""

from __future__ import annotations

import numpy as np

GEOMETRY_FEATURES: tuple[str, ...] = (
    "mouth_open", "mouth_width", "lip_corner_pull", "brow_raise", "brow_furrow",
    "eye_open_left", "eye_open_right", "head_yaw", "head_pitch", "head_roll",
)
MESH_POINTS = 468

FOREHEAD, CHIN = 10, 152
INNER_LIP_TOP, INNER_LIP_BOTTOM = 13, 14
LIP_CORNER_RIGHT, LIP_CORNER_LEFT = 61, 291  # the person's right corner is on image left
EYE_OUTER_RIGHT, EYE_OUTER_LEFT = 33, 263
# Eye contours p1..p6 for the aspect ratio (|p2-p6| + |p3-p5|) / (2 |p1-p4|).
EYE_RIGHT = (33, 160, 158, 133, 153, 144)
EYE_LEFT = (362, 385, 387, 263, 373, 380)
UPPER_LID_RIGHT, UPPER_LID_LEFT = 159, 386
BROW_RIGHT = (70, 63, 105, 66, 107)
BROW_LEFT = (300, 293, 334, 296, 336)
INNER_BROW_RIGHT, INNER_BROW_LEFT = 107, 336

# Used when no mesh is available (Haar fallback): a relaxed face looking at the camera,
# from adult anthropometric proportions (mouth ~0.55 of the outer-canthal width, inner
# brows ~0.35 of it, brow ~0.08 face heights above the lid, open-eye aspect ratio 0.28).
NEUTRAL_GEOMETRY: dict[str, float] = {
    "mouth_open": 0.0,
    "mouth_width": 0.55,
    "lip_corner_pull": 0.0,
    "brow_raise": 0.08,
    "brow_furrow": 0.65,
    "eye_open_left": 0.28,
    "eye_open_right": 0.28,
    "head_yaw": 0.0,
    "head_pitch": 0.0,
    "head_roll": 0.0,
}


class InvalidLandmarks(ValueError):
    """Landmarks that cannot be measured; `reason` is a short machine-readable kind."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def neutral_geometry() -> np.ndarray:
    return np.array([NEUTRAL_GEOMETRY[name] for name in GEOMETRY_FEATURES], dtype=np.float32)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def _eye_aspect_ratio(points: np.ndarray, contour: tuple[int, ...]) -> float:
    p1, p2, p3, p4, p5, p6 = (points[i] for i in contour)
    width = np.linalg.norm(p1 - p4)
    return float((np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5)) / (2.0 * width))


def head_pose(points: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in radians from the eye line and the chin->forehead axis."""
    right = _unit(points[EYE_OUTER_LEFT] - points[EYE_OUTER_RIGHT])
    up = points[FOREHEAD] - points[CHIN]
    up = _unit(up - np.dot(up, right) * right)
    forward = np.cross(right, up)  # points out of the face, toward the camera when frontal
    # Re-express in a camera frame with y up and z toward the camera.
    flip = np.array([1.0, -1.0, -1.0])
    right, up, forward = right * flip, up * flip, forward * flip
    yaw = np.arctan2(forward[0], forward[2])
    pitch = np.arcsin(np.clip(forward[1], -1.0, 1.0))
    level_up = _unit(np.array([0.0, 1.0, 0.0]) - forward[1] * forward)
    level_right = np.cross(level_up, forward)
    roll = np.arctan2(-np.dot(right, level_up), np.dot(right, level_right))
    return float(yaw), float(pitch), float(roll)


def geometry_features(landmarks: np.ndarray) -> np.ndarray:
    """The `GEOMETRY_FEATURES` of one face as float32, from (N >= 468, 3) pixel landmarks."""
    points = np.asarray(landmarks, dtype=np.float64)
    if points.ndim != 2 or points.shape[0] < MESH_POINTS or points.shape[1] != 3:
        raise InvalidLandmarks("bad_shape", f"expected ({MESH_POINTS}+, 3), got {points.shape}")
    if not np.all(np.isfinite(points)):
        raise InvalidLandmarks("nan_values", "landmarks hold NaN or Inf")
    face_height = np.linalg.norm(points[FOREHEAD] - points[CHIN])
    inter_ocular = np.linalg.norm(points[EYE_OUTER_LEFT] - points[EYE_OUTER_RIGHT])
    if face_height < 1e-6 or inter_ocular < 1e-6:
        raise InvalidLandmarks("degenerate", "face height or eye distance is zero")

    eye_line = _unit(points[EYE_OUTER_LEFT] - points[EYE_OUTER_RIGHT])
    up = points[FOREHEAD] - points[CHIN]
    up = _unit(up - np.dot(up, eye_line) * eye_line)

    lip_centre = (points[INNER_LIP_TOP] + points[INNER_LIP_BOTTOM]) / 2.0
    corners = (points[LIP_CORNER_RIGHT] + points[LIP_CORNER_LEFT]) / 2.0
    brow_to_lid = [
        np.linalg.norm(points[list(brow)].mean(axis=0) - points[lid])
        for brow, lid in ((BROW_RIGHT, UPPER_LID_RIGHT), (BROW_LEFT, UPPER_LID_LEFT))
    ]
    yaw, pitch, roll = head_pose(points)
    values = {
        "mouth_open": np.linalg.norm(points[INNER_LIP_TOP] - points[INNER_LIP_BOTTOM])
        / face_height,
        "mouth_width": np.linalg.norm(points[LIP_CORNER_RIGHT] - points[LIP_CORNER_LEFT])
        / inter_ocular,
        "lip_corner_pull": np.dot(corners - lip_centre, up) / face_height,
        "brow_raise": float(np.mean(brow_to_lid)) / face_height,
        "brow_furrow": 1.0
        - np.linalg.norm(points[INNER_BROW_RIGHT] - points[INNER_BROW_LEFT]) / inter_ocular,
        "eye_open_left": _eye_aspect_ratio(points, EYE_LEFT),
        "eye_open_right": _eye_aspect_ratio(points, EYE_RIGHT),
        "head_yaw": yaw,
        "head_pitch": pitch,
        "head_roll": roll,
    }
    return np.array([values[name] for name in GEOMETRY_FEATURES], dtype=np.float32)
