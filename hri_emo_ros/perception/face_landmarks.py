# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The 468-point MediaPipe face mesh of one detected face, run on a crop around it.

Running the mesh on a fixed-size crop keeps its cost independent of the frame size and
lets it see small, distant faces at a usable scale. Landmarks come back in the frame's
pixel coordinates (x, y, z), z scaled like x, as `face_geometry` expects.
"""

from __future__ import annotations

import cv2
import numpy as np

from hri_emo_ros.perception.face_detector import import_mediapipe_solutions
from hri_emo_ros.perception.face_tracker import iou

CROP_SIZE = 256
CROP_SCALE = 1.6  # crop side / longer side of the detected box
MIN_MESH_OVERLAP = 0.3  # IoU of mesh extent and detected box; below: a neighbour's face


def square_crop_box(
    box: tuple[float, float, float, float], scale: float
) -> tuple[int, int, int]:
    """(x0, y0, side) of a square of `scale` x the box's longer side, centred on the box."""
    x, y, w, h = box
    side = max(2, int(round(max(w, h) * scale)))
    x0 = int(round(x + w / 2.0 - side / 2.0))
    y0 = int(round(y + h / 2.0 - side / 2.0))
    return x0, y0, side


def crop_with_fill(image: np.ndarray, x0: int, y0: int, side: int, fill: float) -> np.ndarray:
    """The square image[y0:y0+side, x0:x0+side], filled with `fill` where it leaves the image."""
    height, width = image.shape[:2]
    top, left = max(0, -y0), max(0, -x0)
    bottom, right = max(0, y0 + side - height), max(0, x0 + side - width)
    inside = image[max(0, y0):min(height, y0 + side), max(0, x0):min(width, x0 + side)]
    if top or left or bottom or right:
        value = (fill,) * (image.shape[2] if image.ndim == 3 else 1)
        inside = cv2.copyMakeBorder(inside, top, bottom, left, right, cv2.BORDER_CONSTANT,
                                    value=value)
    return inside


def mesh_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """(x, y, w, h) of the landmarks' bounding box in pixels."""
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    return float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1])


class FaceMeshLandmarker:
    """`mp.solutions.face_mesh` on one face crop at a time.

    With `tracking` the mesh starts from the face region it found in the previous crop
    instead of running its own detector again (about 2 ms less per face). Every crop is
    centred on a detected face at the same relative scale, so that region fits whichever
    face comes next; when it does not, the mesh reports no face for that crop and
    detects afresh on the next one.
    """

    def __init__(
        self, crop_size: int = CROP_SIZE, crop_scale: float = CROP_SCALE, tracking: bool = True
    ) -> None:
        solutions = import_mediapipe_solutions()
        self._mesh = solutions.face_mesh.FaceMesh(
            static_image_mode=not tracking, max_num_faces=1, refine_landmarks=False,
            min_detection_confidence=0.5, min_tracking_confidence=0.5,
        )
        self._crop_size = crop_size
        self._crop_scale = crop_scale

    def landmarks(
        self, rgb: np.ndarray, box: tuple[float, float, float, float]
    ) -> np.ndarray | None:
        """(468, 3) float32 pixel landmarks of the face in `box`, or None when the mesh
        finds no face there (or only a neighbouring one)."""
        x0, y0, side = square_crop_box(box, self._crop_scale)
        crop = crop_with_fill(rgb, x0, y0, side, 0.0)
        crop = cv2.resize(crop, (self._crop_size, self._crop_size),
                          interpolation=cv2.INTER_AREA if side > self._crop_size
                          else cv2.INTER_LINEAR)
        result = self._mesh.process(crop)
        if not result.multi_face_landmarks:
            return None
        mesh = result.multi_face_landmarks[0].landmark
        points = np.array([(p.x, p.y, p.z) for p in mesh], dtype=np.float32)
        points *= side
        points[:, 0] += x0
        points[:, 1] += y0
        extent = mesh_extent(points)
        if extent[2] <= 0 or extent[3] <= 0 or iou(extent, box) < MIN_MESH_OVERLAP:
            return None
        return points

    def close(self) -> None:
        self._mesh.close()
