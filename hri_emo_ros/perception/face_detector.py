# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Find faces in an RGB frame: MediaPipe face detection, or OpenCV's Haar cascade.

Both back-ends sit behind `FaceDetector.detect(rgb) -> list[FaceDetection]`.
`create_face_detector("auto")` takes MediaPipe when it imports and falls back to Haar.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

LOG = logging.getLogger(__name__)
DETECTOR_BACKENDS = ("auto", "mediapipe", "haar")
DETECTION_RANGES = {"short": 0, "full": 1}  # MediaPipe model_selection: ~2 m and ~5 m
HAAR_MAX_WIDTH = 320


@dataclass(frozen=True)
class FaceDetection:
    """One face: box (x, y, w, h) in pixels, clipped to the image; score in [0, 1]."""

    box: tuple[float, float, float, float]
    score: float


class FaceDetector(Protocol):
    name: str

    def detect(self, rgb: np.ndarray) -> list[FaceDetection]: ...

    def close(self) -> None: ...


class DetectorUnavailable(RuntimeError):
    """The requested detector back-end cannot run here."""


def clip_box(
    x: float, y: float, w: float, h: float, width: int, height: int
) -> tuple[float, float, float, float] | None:
    x0, y0 = max(x, 0.0), max(y, 0.0)
    x1, y1 = min(x + w, float(width)), min(y + h, float(height))
    if x1 - x0 < 2.0 or y1 - y0 < 2.0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


def import_mediapipe_solutions():
    """The legacy `mediapipe.solutions` module, or DetectorUnavailable saying why not."""
    try:
        import mediapipe as mp

        return mp.solutions
    except (ImportError, OSError, AttributeError) as error:
        raise DetectorUnavailable(
            f"mediapipe (0.10.21 with mp.solutions) is not usable: {error}"
        ) from error


class MediapipeFaceDetector:
    """BlazeFace via `mp.solutions.face_detection` (short- or full-range model)."""

    def __init__(self, min_score: float = 0.5, detection_range: str = "full") -> None:
        if detection_range not in DETECTION_RANGES:
            raise ValueError(
                f"detection_range '{detection_range}' is not one of {', '.join(DETECTION_RANGES)}"
            )
        solutions = import_mediapipe_solutions()
        self.name = f"mediapipe-{detection_range}"
        self._detector = solutions.face_detection.FaceDetection(
            model_selection=DETECTION_RANGES[detection_range],
            min_detection_confidence=min_score,
        )

    def detect(self, rgb: np.ndarray) -> list[FaceDetection]:
        height, width = rgb.shape[:2]
        result = self._detector.process(rgb)
        faces: list[FaceDetection] = []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            clipped = clip_box(
                box.xmin * width, box.ymin * height, box.width * width, box.height * height,
                width, height,
            )
            if clipped is not None:
                score = float(np.clip(detection.score[0], 0.0, 1.0))
                faces.append(FaceDetection(clipped, score))
        return faces

    def close(self) -> None:
        self._detector.close()


class HaarFaceDetector:
    """OpenCV's frontal-face Haar cascade on a frame scaled to at most 320 px wide.

    A cascade has no calibrated confidence; the score is n / (n + min_neighbors) for n
    merged neighbour detections, so a face at the acceptance threshold scores 0.5.
    """

    def __init__(self, min_neighbors: int = 5, min_face_px: int = 24) -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise DetectorUnavailable(f"cannot load the Haar cascade from {path}")
        self.name = "haar"
        self._min_neighbors = min_neighbors
        self._min_face_px = min_face_px

    def detect(self, rgb: np.ndarray) -> list[FaceDetection]:
        height, width = rgb.shape[:2]
        scale = min(1.0, HAAR_MAX_WIDTH / width)
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        if scale < 1.0:
            grey = cv2.resize(grey, (round(width * scale), round(height * scale)),
                              interpolation=cv2.INTER_AREA)
        min_side = max(12, round(self._min_face_px * scale))
        boxes, neighbours = self._cascade.detectMultiScale2(
            grey, scaleFactor=1.1, minNeighbors=self._min_neighbors,
            minSize=(min_side, min_side),
        )
        faces: list[FaceDetection] = []
        for (x, y, w, h), count in zip(
            np.reshape(boxes, (-1, 4)), np.ravel(neighbours), strict=True
        ):
            clipped = clip_box(x / scale, y / scale, w / scale, h / scale, width, height)
            if clipped is not None:
                faces.append(FaceDetection(clipped, float(count / (count + self._min_neighbors))))
        return faces

    def close(self) -> None:
        pass


def create_face_detector(
    backend: str = "auto", min_score: float = 0.5, detection_range: str = "full"
) -> FaceDetector:
    """The detector for `backend` ("auto" | "mediapipe" | "haar")."""
    if backend not in DETECTOR_BACKENDS:
        raise ValueError(f"detector '{backend}' is not one of {', '.join(DETECTOR_BACKENDS)}")
    if backend == "haar":
        return HaarFaceDetector()
    try:
        return MediapipeFaceDetector(min_score, detection_range)
    except DetectorUnavailable as error:
        if backend == "mediapipe":
            raise
        LOG.warning("face detection falls back to the Haar cascade: %s", error)
        return HaarFaceDetector()
