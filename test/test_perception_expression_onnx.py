# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The shipped ONNX export of the expression network computes what the torch network does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from hri_emo_ros.common.model_files import SOURCE_MODELS
from hri_emo_ros.perception.expression_classifier import ExpressionClassifier, fer_input
from hri_emo_ros.perception.expression_net import (
    ExpressionModelMissing,
    fuse_for_inference,
    load_mini_xception,
)
from hri_emo_ros.perception.expression_onnx import ONNX_FILE, SIDECAR_FILE, OnnxExpressionNet

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-5


def faces() -> np.ndarray:
    """(N, 1, 64, 64): the astronaut's face, mirrored, and noise."""
    grey = cv2.cvtColor(pytest.importorskip("skimage.data").astronaut(), cv2.COLOR_RGB2GRAY)
    face = fer_input(grey, (174.0, 68.0, 104.0, 104.0))
    noise = np.random.default_rng(5).uniform(-1, 1, (64, 64)).astype(np.float32)
    return np.stack([face, face[:, ::-1], noise])[:, None]


def torch_scores(batch: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return fuse_for_inference(load_mini_xception())(torch.from_numpy(batch)).numpy()


def test_onnx_export_matches_the_torch_network_on_real_faces():
    batch = faces()
    onnx_scores = OnnxExpressionNet()(batch)
    np.testing.assert_allclose(onnx_scores, torch_scores(batch), atol=TOLERANCE, rtol=0)
    assert onnx_scores[0].argmax() == 3   # happy
    single = OnnxExpressionNet()(batch[:1])   # batch size is dynamic
    np.testing.assert_allclose(single, onnx_scores[:1], atol=1e-6, rtol=0)


def test_cpu_classifier_uses_onnxruntime_and_agrees_with_torch():
    rgb = np.random.default_rng(2).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    boxes = [(30.0, 20.0, 70.0, 70.0), (-10.0, 50.0, 60.0, 60.0)]
    fast = ExpressionClassifier(device="cpu")
    reference = ExpressionClassifier(device="cpu", backend="torch")
    assert fast.backend == "onnxruntime" and reference.backend == "torch"
    np.testing.assert_allclose(fast.scores(rgb, boxes), reference.scores(rgb, boxes),
                               atol=TOLERANCE, rtol=0)


def test_onnx_file_for_other_weights_or_altered_is_refused(tmp_path, caplog):
    for name in (ONNX_FILE, SIDECAR_FILE):
        shutil.copy(SOURCE_MODELS / name, tmp_path / name)
    sidecar = json.loads((tmp_path / SIDECAR_FILE).read_text())
    OnnxExpressionNet(tmp_path)                      # the copy is fine
    (tmp_path / SIDECAR_FILE).write_text(json.dumps({**sidecar, "source_sha256": "0" * 64}))
    with pytest.raises(ExpressionModelMissing, match="other weights"):
        OnnxExpressionNet(tmp_path)
    (tmp_path / SIDECAR_FILE).write_text(json.dumps(sidecar))
    with (tmp_path / ONNX_FILE).open("ab") as model:
        model.write(b"\0")
    with pytest.raises(ExpressionModelMissing, match="SHA-256"):
        OnnxExpressionNet(tmp_path)
    (tmp_path / SIDECAR_FILE).unlink()
    with pytest.raises(ExpressionModelMissing, match="not in"):
        OnnxExpressionNet(tmp_path)


def test_backend_choices_are_checked():
    with pytest.raises(ValueError, match="not one of"):
        ExpressionClassifier(device="cpu", backend="tensorrt")
    with pytest.raises(ValueError, match="other weights"):
        ExpressionClassifier(device="cpu", backend="onnxruntime", weights="elsewhere.hdf5")


def test_export_script_reproduces_the_shipped_network(tmp_path):
    pytest.importorskip("onnx", reason="onnx (requirements/base.txt) exports the network")
    result = subprocess.run([sys.executable, str(ROOT / "scripts/export_expression_onnx.py"),
                             "--out-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    shipped = json.loads((SOURCE_MODELS / SIDECAR_FILE).read_text())
    fresh = json.loads((tmp_path / SIDECAR_FILE).read_text())
    assert fresh["source_sha256"] == shipped["source_sha256"]
    assert fresh["check"]["max_abs_difference_to_torch"] < TOLERANCE
    batch = faces()
    np.testing.assert_allclose(OnnxExpressionNet(tmp_path)(batch), OnnxExpressionNet()(batch),
                               atol=1e-6, rtol=0)
