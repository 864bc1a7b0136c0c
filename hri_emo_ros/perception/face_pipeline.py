# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""From an RGB frame to one `FaceObservation` per tracked face.

detect faces -> track ids -> expression scores (mini-Xception) -> face mesh on the face
crop -> geometry -> feature vector in `feature_spec.VIDEO_FEATURES` order.

While the mesh follows every face (`face_following`), the periodic redetection of a frame
runs on a worker thread (MediaPipe releases the GIL), so it adds nothing to that frame's
latency; its result is taken at the start of the next frame, waiting for it if need be,
so the output does not depend on the machine's speed.
"""

from __future__ import annotations

import logging
import math
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import torch

from hri_emo_ros.common.feature_spec import FER_CLASSES, VIDEO_FEATURES
from hri_emo_ros.perception.expression_classifier import ExpressionClassifier, scores_by_name
from hri_emo_ros.perception.face_detector import (
    DetectorUnavailable,
    FaceDetection,
    MediapipeFaceDetector,
    create_face_detector,
)
from hri_emo_ros.perception.face_following import FaceFollower
from hri_emo_ros.perception.face_geometry import (
    GEOMETRY_FEATURES,
    InvalidLandmarks,
    geometry_features,
    neutral_geometry,
)
from hri_emo_ros.perception.face_landmarks import FaceMeshLandmarker
from hri_emo_ros.perception.face_tracker import FaceTracker, InvalidTrackInput
from hri_emo_ros.perception.image_decode import check_rgb_image

LOG = logging.getLogger(__name__)
if VIDEO_FEATURES != tuple(f"expr_{n}" for n in FER_CLASSES) + GEOMETRY_FEATURES + (
    "detection_score",
):
    raise ImportError("face pipeline and feature_spec.VIDEO_FEATURES disagree")

EXTRACTOR_VERSION = 1
NO_MESH_QUALITY = 0.5  # quality factor when geometry is the neutral stand-in
SMALL_FACE_PX = 48.0   # faces narrower than this lose quality in proportion


@dataclass
class FacePipelineConfig:
    detector: str = "auto"            # "auto" | "mediapipe" | "haar" (Haar: no mesh either)
    detection_range: str = "full"     # MediaPipe model: "short" (~2 m) | "full" (~5 m)
    min_detection_score: float = 0.5
    max_faces: int = 4                # largest faces kept per frame
    use_mesh: bool = True
    mesh_tracking: bool = True        # reuse the mesh's face region between crops
    device: str = "auto"
    # torch.set_num_threads for the expression net: process-wide, so 0 leaves it alone
    # (for processes that also run bigger models); 1 suits a face-only process.
    torch_threads: int = 1
    track_max_age_s: float = 1.0
    tracker_seed: int | None = None
    # Seconds between detector runs while the mesh follows every face (0: every frame).
    redetect_period_s: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_detection_score <= 1.0:
            raise ValueError(f"min_detection_score {self.min_detection_score} not in [0, 1]")
        if self.max_faces < 1:
            raise ValueError(f"max_faces must be >= 1, got {self.max_faces}")
        if self.torch_threads < 0:
            raise ValueError(f"torch_threads must be >= 0, got {self.torch_threads}")
        if not self.track_max_age_s > 0.0:
            raise ValueError(f"track_max_age_s must be > 0, got {self.track_max_age_s}")
        if not 0.0 <= self.redetect_period_s < math.inf:
            raise ValueError(f"redetect_period_s must be >= 0, got {self.redetect_period_s}")


@dataclass
class FaceObservation:
    """What the face stage reports about one face in one frame."""

    face_id: str
    box: tuple[int, int, int, int]      # x, y, w, h [px]
    scores: dict[str, float]            # emotion name -> probability (FER_CLASSES, sum 1)
    expression: str                     # name with the highest score
    features: np.ndarray                # float32, len(VIDEO_FEATURES)
    quality: float                      # [0, 1]
    stamp: float                        # [s]
    detection_score: float
    has_mesh: bool
    landmarks: np.ndarray | None = field(default=None, repr=False)  # (468, 3) px

    def to_dict(self) -> dict:
        """JSON-serialisable summary."""
        return {
            "face_id": self.face_id,
            "box": list(self.box),
            "expression": self.expression,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "quality": round(self.quality, 4),
            "time": self.stamp,
            "detection_score": round(self.detection_score, 4),
            "has_mesh": self.has_mesh,
            "features": {
                n: round(float(v), 5)
                for n, v in zip(VIDEO_FEATURES, self.features, strict=True)
            },
        }


def observation_quality(detection: FaceDetection, has_mesh: bool) -> float:
    """Detector score, lowered for small faces and for faces without a mesh."""
    size_factor = min(1.0, min(detection.box[2], detection.box[3]) / SMALL_FACE_PX)
    quality = detection.score * size_factor * (1.0 if has_mesh else NO_MESH_QUALITY)
    return float(np.clip(quality, 0.0, 1.0))


class FacePipeline:
    """Stateful (tracking) face perception; call `process` on successive frames."""

    def __init__(self, config: FacePipelineConfig | None = None) -> None:
        self.config = config or FacePipelineConfig()
        if self.config.torch_threads > 0 and torch.get_num_threads() != self.config.torch_threads:
            torch.set_num_threads(self.config.torch_threads)
        self.detector = create_face_detector(
            self.config.detector, self.config.min_detection_score, self.config.detection_range
        )
        self.landmarker: FaceMeshLandmarker | None = None
        if self.config.use_mesh and isinstance(self.detector, MediapipeFaceDetector):
            try:
                self.landmarker = FaceMeshLandmarker(tracking=self.config.mesh_tracking)
            except DetectorUnavailable as error:
                LOG.warning("face mesh unavailable, geometry is neutral: %s", error)
        self.follower = (FaceFollower(self.config.redetect_period_s)
                         if self.landmarker is not None and self.config.redetect_period_s > 0
                         else None)
        self._redetector: ThreadPoolExecutor | None = None
        self._redetection: tuple[float, Future[list[FaceDetection]]] | None = None
        self.expressions = ExpressionClassifier(self.config.device)
        self.tracker = FaceTracker(
            max_age_s=self.config.track_max_age_s, seed=self.config.tracker_seed
        )
        mesh = "+mesh" if self.landmarker is not None else ""
        self.extractor = f"face/fer-mini-xception+{self.detector.name}{mesh}/{EXTRACTOR_VERSION}"

    def _mesh(
        self, rgb: np.ndarray, box: tuple[float, float, float, float]
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """The face's landmarks (None: no usable mesh) and the geometry features from them
        (the neutral stand-in without a mesh)."""
        if self.landmarker is None:
            return None, neutral_geometry()
        points = self.landmarker.landmarks(rgb, box)
        if points is None:
            return None, neutral_geometry()
        try:
            return points, geometry_features(points)
        except InvalidLandmarks as error:
            LOG.debug("mesh rejected: %s", error)
            return None, neutral_geometry()

    def _detect(self, rgb: np.ndarray) -> list[FaceDetection]:
        """The largest `max_faces` faces the detector finds, largest first."""
        detections = self.detector.detect(rgb)
        detections.sort(key=lambda d: d.box[2] * d.box[3], reverse=True)
        return detections[: self.config.max_faces]

    def _start_redetection(self, rgb: np.ndarray, stamp: float) -> None:
        if self._redetector is None:
            self._redetector = ThreadPoolExecutor(1, thread_name_prefix="face_redetect")
        self.follower.redetection_started(stamp)
        self._redetection = (stamp, self._redetector.submit(self._detect, rgb.copy()))

    def _finish_redetection(self) -> None:
        """Hand the last followed frame's redetection (if one runs) to the follower."""
        if self._redetection is None:
            return
        stamp, future = self._redetection
        self._redetection = None
        self.follower.redetected(stamp, future.result())

    def _locate(
        self, rgb: np.ndarray, stamp: float
    ) -> tuple[list[FaceDetection], list[tuple[np.ndarray | None, np.ndarray]]]:
        """The faces on the frame and their meshes: followed by the mesh from the last
        frame when that works, else detected afresh."""
        if self.follower is not None:
            self._finish_redetection()
            previous = self.follower.followable(stamp)
            if previous is not None:
                meshes = [self._mesh(rgb, detection.box) for detection in previous]
                followed = self.follower.followed(
                    stamp, [points for points, _ in meshes], rgb.shape[1], rgb.shape[0])
                if followed is not None:
                    if self.follower.redetect_due(stamp):
                        self._start_redetection(rgb, stamp)
                    return followed, meshes
        detections = self._detect(rgb)
        meshes = [self._mesh(rgb, detection.box) for detection in detections]
        if self.follower is not None:
            self.follower.detected(
                stamp, [(d, points) for d, (points, _) in zip(detections, meshes, strict=True)])
        return detections, meshes

    def process(self, rgb: np.ndarray, stamp: float) -> list[FaceObservation]:
        """Observations for the faces in `rgb` (H, W, 3 uint8 RGB) taken at `stamp` [s]."""
        rgb = check_rgb_image(rgb)
        if not math.isfinite(stamp):
            raise InvalidTrackInput("nan_values", f"stamp {stamp} is not finite")
        detections, meshes = self._locate(rgb, stamp)
        face_ids = self.tracker.update([d.box for d in detections], stamp)
        probabilities = self.expressions.scores(rgb, [d.box for d in detections])
        observations = []
        for detection, face_id, probs, (points, geometry) in zip(
            detections, face_ids, probabilities, meshes, strict=True
        ):
            features = np.concatenate(
                [probs, geometry, [detection.score]]
            ).astype(np.float32)
            scores = scores_by_name(probs)
            observations.append(FaceObservation(
                face_id=face_id,
                box=tuple(int(round(v)) for v in detection.box),
                scores=scores,
                expression=max(scores, key=scores.__getitem__),
                features=features,
                quality=observation_quality(detection, points is not None),
                stamp=float(stamp),
                detection_score=detection.score,
                has_mesh=points is not None,
                landmarks=points,
            ))
        return observations

    def tracked_ids(self) -> list[str]:
        return self.tracker.tracked_ids()

    def close(self) -> None:
        if self._redetector is not None:
            self._redetector.shutdown(wait=True)
        self.detector.close()
        if self.landmarker is not None:
            self.landmarker.close()
