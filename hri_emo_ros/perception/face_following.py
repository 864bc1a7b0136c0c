# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Follow detected faces with the face mesh between detector runs.

The detector is the most expensive stage of a frame (BlazeFace full range: about 8 ms of
15 on a 2-core CPU), and the mesh already locates each face precisely. So while every
face of the last frame is found again by the mesh, a face's box for the next frame is
derived from its mesh: the mesh's extent mapped back to the detector's box convention
with the offsets and scales measured on the last frame the detector ran. The detector runs
again after `redetect_period` seconds (to find faces that entered the view), as soon as
the mesh loses a face, and whenever time does not move forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.perception.face_detector import FaceDetection, clip_box
from hri_emo_ros.perception.face_landmarks import mesh_extent

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class BoxFromMesh:
    """A detector box relative to the mesh extent of the same face on the same frame."""

    dx: float   # (box x - extent x) / extent width
    dy: float
    sw: float   # box width / extent width
    sh: float

    @classmethod
    def measure(cls, box: Box, extent: Box) -> BoxFromMesh:
        ex, ey, ew, eh = extent
        return cls((box[0] - ex) / ew, (box[1] - ey) / eh, box[2] / ew, box[3] / eh)

    def box(self, extent: Box, width: int, height: int) -> Box | None:
        """The detector-style box for `extent`, clipped to the frame (None: off frame)."""
        ex, ey, ew, eh = extent
        return clip_box(ex + self.dx * ew, ey + self.dy * eh, self.sw * ew, self.sh * eh,
                        width, height)


@dataclass
class FollowedFace:
    detection: FaceDetection     # box on the newest frame; score from the last detector run
    relation: BoxFromMesh


class FaceFollower:
    """Which faces the mesh followed on the last frame, and when the detector last ran."""

    def __init__(self, redetect_period_s: float) -> None:
        if not (redetect_period_s >= 0.0 and math.isfinite(redetect_period_s)):
            raise ValueError(f"redetect_period must be >= 0 s, got {redetect_period_s}")
        self.redetect_period_s = redetect_period_s
        self.faces: list[FollowedFace] = []
        self.detected_at = -math.inf
        self.last_stamp = -math.inf

    def followable(self, stamp: float) -> list[FaceDetection] | None:
        """Boxes to look for the faces in on the frame at `stamp`, or None: run the
        detector (nothing followed, redetection due, or time went backwards)."""
        if (not self.faces or stamp <= self.last_stamp
                or stamp - self.detected_at >= self.redetect_period_s):
            return None
        return [face.detection for face in self.faces]

    def detected(self, stamp: float, faces: list[tuple[FaceDetection, np.ndarray | None]]
                 ) -> None:
        """The detector ran at `stamp`; follow its faces if the mesh found every one."""
        self.detected_at = self.last_stamp = stamp
        extents = [None if points is None else mesh_extent(points) for _, points in faces]
        if any(e is None or e[2] <= 0 or e[3] <= 0 for e in extents):
            self.faces = []
            return
        self.faces = [FollowedFace(detection, BoxFromMesh.measure(detection.box, extent))
                      for (detection, _), extent in zip(faces, extents, strict=True)]

    def followed(self, stamp: float, meshes: list[np.ndarray | None], width: int,
                 height: int) -> list[FaceDetection] | None:
        """The faces on the frame at `stamp` from their meshes (in `followable`'s order), or
        None when the mesh lost one of them (the caller then runs the detector)."""
        boxes = []
        for face, points in zip(self.faces, meshes, strict=True):
            extent = None if points is None else mesh_extent(points)
            box = (None if extent is None or extent[2] <= 0 or extent[3] <= 0
                   else face.relation.box(extent, width, height))
            if box is None:
                return None
            boxes.append(box)
        self.last_stamp = stamp
        for face, box in zip(self.faces, boxes, strict=True):
            face.detection = FaceDetection(box, face.detection.score)
        return [face.detection for face in self.faces]
