# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Run the face pipeline over an image or a video file (any format OpenCV reads).

`analyse_media(path)` yields one JSON-serialisable dict per face and frame, for a CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig

# FFmpeg renders any text file as a "video" of characters through these codecs.
TEXT_CODECS = {"ansi", "bint", "xbin", "idf"}


class UnreadableMedia(ValueError):
    """A file that OpenCV cannot read as an image or a video; `reason` says why."""

    def __init__(self, reason: str, path: Path, detail: str) -> None:
        super().__init__(f"{reason}: {path}: {detail}")
        self.reason = reason
        self.path = path


def _check_path(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if not path.is_file():
        raise UnreadableMedia("not_a_file", path, "is not a regular file")
    if path.stat().st_size == 0:
        raise UnreadableMedia("empty_file", path, "holds no bytes")
    return path


def read_frames(
    path: str | Path, every_n: int = 1, max_frames: int | None = None
) -> Iterator[tuple[int, float, np.ndarray]]:
    """(frame index, time [s], RGB frame) of an image (one frame at 0 s) or a video."""
    if every_n < 1:
        raise ValueError(f"every_n must be >= 1, got {every_n}")
    path = _check_path(path)
    if cv2.haveImageReader(str(path)):
        bgr = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise UnreadableMedia("corrupt_image", path, "the image data cannot be decoded")
        yield 0, 0.0, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        return
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise UnreadableMedia("unknown_format", path, "OpenCV reads it neither as an "
                                  "image nor as a video")
        fourcc = (int(capture.get(cv2.CAP_PROP_FOURCC)) & 0xFFFFFFFF).to_bytes(4, "little")
        if fourcc.decode("latin-1").strip("\x00 ").lower() in TEXT_CODECS:
            raise UnreadableMedia("unknown_format", path, "is text, not an image or a video")
        fps = capture.get(cv2.CAP_PROP_FPS)
        index = yielded = 0
        while max_frames is None or yielded < max_frames:
            ok, bgr = capture.read()
            if not ok or bgr is None:
                break
            if index % every_n == 0:
                msec = capture.get(cv2.CAP_PROP_POS_MSEC)
                time = index / fps if fps and fps > 0 else msec / 1000.0
                yield index, float(time), cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                yielded += 1
            index += 1
        if index == 0:
            raise UnreadableMedia("no_frames", path, "the video holds no readable frame")
    finally:
        capture.release()


def analyse_media(
    path: str | Path,
    pipeline: FacePipeline | None = None,
    config: FacePipelineConfig | None = None,
    every_n: int = 1,
    max_frames: int | None = None,
) -> Iterator[dict]:
    """One dict per face per analysed frame: face_id, box, expression, scores, quality,
    time, frame, detection_score, has_mesh, features (by name)."""
    owned = pipeline is None
    pipeline = pipeline or FacePipeline(config)
    try:
        for index, time, rgb in read_frames(path, every_n, max_frames):
            for face in pipeline.process(rgb, time):
                record = face.to_dict()
                record["frame"] = index
                yield record
    finally:
        if owned:
            pipeline.close()
