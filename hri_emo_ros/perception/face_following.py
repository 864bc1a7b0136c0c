# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Follow detected faces with the face mesh between detector runs.

The detector is the most expensive stage of a frame (BlazeFace full range: about 8 ms of
15 on a 2-core CPU), and the mesh already locates each face precisely. So while every
face of the last frame is found again by the mesh, a face's box for the next frame is
derived from its mesh: the mesh's extent mapped back to the detector's box convention
with the offsets and scales measured on the last frame the detector ran. The detector runs
before the mesh as soon as the mesh loses a face, whenever time does not move forward and
after a gap of a redetection period between frames.
Every `redetect_period` seconds it also runs on a followed frame, after the mesh (the
face pipeline does that in the background): when its faces pair up one to one with the
followed ones, their boxes are re-measured; otherwise (a face entered or left the view)
following stops and the next frame is detected afresh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.perception.face_detector import FaceDetection, clip_box
from hri_emo_ros.perception.face_landmarks import mesh_extent
from hri_emo_ros.perception.face_tracker import Box, iou

MATCH_IOU = 0.3  # a redetected face and a followed one overlapping less are different faces


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
    extent: Box                  # the mesh's extent on the newest frame


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
        detector first (nothing followed, time did not move forward, or the last frame is
        a redetection period old or more)."""
        if (not self.faces or stamp <= self.last_stamp
                or stamp - self.last_stamp >= self.redetect_period_s):
            return None
        return [face.detection for face in self.faces]

    def redetect_due(self, stamp: float) -> bool:
        """Whether the detector should look again at the followed frame at `stamp`."""
        return stamp - self.detected_at >= self.redetect_period_s

    def redetection_started(self, stamp: float) -> None:
        self.detected_at = stamp

    def redetected(self, stamp: float, detections: list[FaceDetection]) -> bool:
        """The detector's faces on the followed frame at `stamp` (the last one). True when
        they pair up one to one with the followed faces, whose boxes and scores then come
        from the detector; else following stops, so the next frame is detected afresh."""
        if stamp != self.last_stamp or not self.faces:
            return False
        pairs = _pair_by_overlap([face.detection.box for face in self.faces],
                                 [detection.box for detection in detections])
        if pairs is None:
            self.faces = []
            return False
        for face, index in zip(self.faces, pairs, strict=True):
            face.detection = detections[index]
            face.relation = BoxFromMesh.measure(face.detection.box, face.extent)
        return True

    def detected(self, stamp: float, faces: list[tuple[FaceDetection, np.ndarray | None]]
                 ) -> None:
        """The detector ran at `stamp`; follow its faces if the mesh found every one."""
        self.detected_at = self.last_stamp = stamp
        extents = [None if points is None else mesh_extent(points) for _, points in faces]
        if any(e is None or e[2] <= 0 or e[3] <= 0 for e in extents):
            self.faces = []
            return
        self.faces = [FollowedFace(detection, BoxFromMesh.measure(detection.box, extent), extent)
                      for (detection, _), extent in zip(faces, extents, strict=True)]

    def followed(self, stamp: float, meshes: list[np.ndarray | None], width: int,
                 height: int) -> list[FaceDetection] | None:
        """The faces on the frame at `stamp` from their meshes (in `followable`'s order), or
        None when the mesh lost one of them (the caller then runs the detector)."""
        boxes, extents = [], []
        for face, points in zip(self.faces, meshes, strict=True):
            extent = None if points is None else mesh_extent(points)
            box = (None if extent is None or extent[2] <= 0 or extent[3] <= 0
                   else face.relation.box(extent, width, height))
            if box is None:
                return None
            boxes.append(box)
            extents.append(extent)
        self.last_stamp = stamp
        for face, box, extent in zip(self.faces, boxes, extents, strict=True):
            face.detection = FaceDetection(box, face.detection.score)
            face.extent = extent
        return [face.detection for face in self.faces]


def _pair_by_overlap(followed: list[Box], detected: list[Box]) -> list[int] | None:
    """For each followed box, the index of the detected box it is (greedy by overlap), or
    None when the two lists are not the same faces."""
    if len(followed) != len(detected):
        return None
    candidates = sorted(((iou(a, b), i, j) for i, a in enumerate(followed)
                         for j, b in enumerate(detected)), reverse=True)
    pairs: dict[int, int] = {}
    for overlap, i, j in candidates:
        if overlap >= MATCH_IOU and i not in pairs and j not in pairs.values():
            pairs[i] = j
    if len(pairs) != len(followed):
        return None
    return [pairs[i] for i in range(len(followed))]
