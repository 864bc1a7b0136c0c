# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The shipped fusion checkpoint, fed by the real face pipeline, reads a real smile as one.

The checkpoint is trained on simulated face features; this guards the simulation against
drifting away from what the face pipeline measures on real faces.
"""

from __future__ import annotations

import numpy as np
import pytest

skimage_data = pytest.importorskip("skimage.data")

from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps  # noqa: E402
from hri_emo_ros.fusion.runtime import FusionRuntime  # noqa: E402
from hri_emo_ros.perception.face_pipeline import FacePipeline  # noqa: E402


def test_real_smiling_face_reads_as_positive():
    face = FacePipeline()
    rgb = skimage_data.astronaut()
    features, times, quality = [], [], []
    for i in range(10):
        (obs,) = face.process(rgb, 10.0 + i / 10)
        features.append(obs.features)
        times.append(10.0 + i / 10)
        quality.append(obs.quality)
    face.close()
    steps = ModalitySteps("video", np.stack(features), np.array(times),
                          np.array(quality, np.float32), [], obs.face_id)
    runtime = FusionRuntime.from_checkpoint(None, device="cpu")
    (result,) = runtime.process([FusionWindow(obs.face_id, times[-1], {"video": steps})])
    emotion = result.emotion
    assert emotion.dominant == "happy", dict(zip(emotion.labels, emotion.scores))
    assert emotion.valence > 0.2
