# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Draw face observations (box, id, top expression) onto a copy of an RGB frame."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from hri_emo_ros.perception.face_pipeline import FaceObservation

# RGB colours per top expression, so a glance at the debug image shows the label.
EXPRESSION_COLOURS: dict[str, tuple[int, int, int]] = {
    "neutral": (200, 200, 200),
    "happy": (60, 200, 60),
    "sad": (70, 110, 230),
    "angry": (230, 50, 50),
    "fearful": (170, 80, 220),
    "disgusted": (150, 150, 40),
    "surprised": (250, 170, 30),
}


def draw_face_annotations(
    rgb: np.ndarray, observations: Sequence[FaceObservation], draw_landmarks: bool = False
) -> np.ndarray:
    """A new RGB image with each face's box, id, top expression and its score."""
    canvas = np.ascontiguousarray(rgb).copy()
    thickness = max(1, round(min(canvas.shape[:2]) / 240))
    for face in observations:
        x, y, w, h = face.box
        colour = EXPRESSION_COLOURS.get(face.expression, (255, 255, 255))
        cv2.rectangle(canvas, (x, y), (x + w, y + h), colour, thickness)
        label = f"{face.face_id} {face.expression} {face.scores[face.expression]:.2f}"
        scale = 0.4 * thickness + 0.1
        (text_w, text_h), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        top = max(0, y - text_h - base - 2)
        cv2.rectangle(canvas, (x, top), (x + text_w + 2, top + text_h + base + 2), colour, -1)
        cv2.putText(canvas, label, (x + 1, top + text_h + 1), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, (0, 0, 0), 1, cv2.LINE_AA)
        if draw_landmarks and face.landmarks is not None:
            for px, py in face.landmarks[:, :2].astype(int):
                cv2.circle(canvas, (int(px), int(py)), 1, colour, -1)
    return canvas
