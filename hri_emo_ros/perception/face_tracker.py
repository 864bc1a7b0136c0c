# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Give each face a stable ROS4HRI-style id (5 lowercase characters) across frames.

Boxes of a new frame are matched to live tracks greedily, best overlap first (IoU), then
by centre distance relative to the face size for faces that moved too fast to overlap.
A track unseen for longer than `max_age_s` is dropped and its id is never reused.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]
ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 5


class InvalidTrackInput(ValueError):
    """Bad input to the tracker; `reason` is a short machine-readable kind."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass
class Track:
    face_id: str
    box: Box
    last_seen: float
    first_seen: float
    hits: int = 1


def iou(a: Box, b: Box) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (aw * ah + bw * bh - inter)


def centre_distance(a: Box, b: Box) -> float:
    """Distance between box centres in units of the larger box side."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    d = math.hypot(ax + aw / 2 - bx - bw / 2, ay + ah / 2 - by - bh / 2)
    return d / max(aw, ah, bw, bh)


class FaceTracker:
    """Associates face boxes with persistent ids; call `update` once per frame."""

    def __init__(
        self,
        max_age_s: float = 1.0,
        min_iou: float = 0.2,
        max_centre_distance: float = 0.75,
        seed: int | None = None,
    ) -> None:
        self.max_age_s = max_age_s
        self.min_iou = min_iou
        self.max_centre_distance = max_centre_distance
        self._random = random.Random(seed)
        self._tracks: list[Track] = []
        self._issued: set[str] = set()
        self._last_stamp: float | None = None

    @property
    def tracks(self) -> list[Track]:
        return list(self._tracks)

    def tracked_ids(self) -> list[str]:
        return [track.face_id for track in self._tracks]

    def reset(self) -> None:
        """Forget all tracks (ids already issued stay retired)."""
        self._tracks = []
        self._last_stamp = None

    def _new_id(self) -> str:
        while True:
            face_id = "".join(self._random.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
            if face_id not in self._issued:
                self._issued.add(face_id)
                return face_id

    def _check(self, boxes: Sequence[Box], stamp: float) -> None:
        if not math.isfinite(stamp):
            raise InvalidTrackInput("nan_values", f"stamp {stamp} is not finite")
        for box in boxes:
            if len(box) != 4 or not all(math.isfinite(v) for v in box):
                raise InvalidTrackInput("bad_box", f"box {box} is not 4 finite numbers")
            if box[2] <= 0 or box[3] <= 0:
                raise InvalidTrackInput("bad_box", f"box {box} has no area")

    def update(self, boxes: Sequence[Box], stamp: float) -> list[str]:
        """Ids for `boxes` (same order) seen at time `stamp` [s].

        A stamp earlier than the previous one (a replayed bag looping) starts afresh.
        """
        self._check(boxes, stamp)
        if self._last_stamp is not None and stamp < self._last_stamp:
            self.reset()
        self._last_stamp = stamp
        self._tracks = [t for t in self._tracks if stamp - t.last_seen <= self.max_age_s]

        pairs = []
        for b, box in enumerate(boxes):
            for t, track in enumerate(self._tracks):
                overlap = iou(box, track.box)
                distance = centre_distance(box, track.box)
                if overlap >= self.min_iou or distance <= self.max_centre_distance:
                    pairs.append((-overlap, distance, b, t))
        pairs.sort()
        ids: list[str | None] = [None] * len(boxes)
        used_tracks: set[int] = set()
        for _, _, b, t in pairs:
            if ids[b] is None and t not in used_tracks:
                used_tracks.add(t)
                track = self._tracks[t]
                track.box, track.last_seen, track.hits = tuple(boxes[b]), stamp, track.hits + 1
                ids[b] = track.face_id
        for b, box in enumerate(boxes):
            if ids[b] is None:
                track = Track(self._new_id(), tuple(box), stamp, stamp)
                self._tracks.append(track)
                ids[b] = track.face_id
        return [face_id for face_id in ids if face_id is not None]
