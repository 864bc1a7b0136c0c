# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The face pipeline on a real face (skimage's astronaut) and on blank frames."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import EMOTIONS, FER_CLASSES, VIDEO_FEATURES
from hri_emo_ros.perception.face_annotate import draw_face_annotations
from hri_emo_ros.perception.face_geometry import neutral_geometry
from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig
from hri_emo_ros.perception.image_decode import InvalidImage

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test dependency)")
pytest.importorskip("mediapipe", reason="mediapipe is not installed")


def astronaut() -> np.ndarray:
    return skimage_data.astronaut()


def shifted(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """The image moved by (dx, dy) on a black 640x640 canvas."""
    canvas = np.zeros((640, 640, 3), dtype=np.uint8)
    canvas[40 + dy:40 + dy + image.shape[0], 40 + dx:40 + dx + image.shape[1]] = image
    return canvas


@pytest.fixture(scope="module")
def pipeline():
    pipe = FacePipeline(FacePipelineConfig(detector="mediapipe", tracker_seed=0, torch_threads=0))
    yield pipe
    pipe.close()


@pytest.fixture(scope="module")
def haar_pipeline():
    pipe = FacePipeline(FacePipelineConfig(detector="haar", tracker_seed=0, torch_threads=0))
    yield pipe
    pipe.close()


def test_astronaut_is_found_smiling_with_a_mesh(pipeline):
    (face,) = pipeline.process(astronaut(), 0.0)
    assert face.expression == "happy"
    assert face.scores["happy"] > 0.9
    assert set(face.scores) == set(FER_CLASSES) <= set(EMOTIONS)
    assert sum(face.scores.values()) == pytest.approx(1.0, abs=1e-4)
    # The face is in the upper middle of the 512x512 picture.
    x, y, w, h = face.box
    assert 150 < x + w / 2 < 300 and 50 < y + h / 2 < 200 and 60 < w < 160
    assert face.has_mesh and face.landmarks.shape == (468, 3)
    assert face.features.dtype == np.float32 and face.features.shape == (len(VIDEO_FEATURES),)
    named = dict(zip(VIDEO_FEATURES, face.features, strict=True))
    assert named["expr_happy"] == pytest.approx(face.scores["happy"])
    assert named["detection_score"] == pytest.approx(face.detection_score)
    assert named["lip_corner_pull"] > 0  # a smile lifts the lip corners
    assert abs(named["head_yaw"]) < 0.3 and abs(named["head_roll"]) < 0.3
    assert 0.5 < face.quality <= 1.0
    record = face.to_dict()
    assert record["expression"] == "happy" and record["box"] == list(face.box)


def test_blank_and_noise_frames_have_no_face(pipeline, haar_pipeline):
    blank = np.zeros((480, 640, 3), dtype=np.uint8)
    noise = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    for pipe in (pipeline, haar_pipeline):
        assert pipe.process(blank, 100.0) == []
        assert pipe.process(np.full_like(blank, 255), 100.1) == []
        assert pipe.process(noise, 100.2) == []


def test_shifted_face_keeps_its_id(pipeline):
    pipeline.tracker.reset()
    ids = []
    for step in range(8):
        faces = pipeline.process(shifted(astronaut(), 6 * step, 3 * step), 200.0 + step / 30)
        assert len(faces) == 1
        ids.append(faces[0].face_id)
    assert len(set(ids)) == 1
    assert pipeline.tracked_ids() == ids[:1]


def test_haar_fallback_finds_the_face_with_neutral_geometry_and_lower_quality(
    pipeline, haar_pipeline
):
    (face,) = haar_pipeline.process(astronaut(), 0.0)
    assert haar_pipeline.extractor.startswith("face/fer-mini-xception+haar")
    assert face.expression == "happy" and not face.has_mesh and face.landmarks is None
    geometry = face.features[len(FER_CLASSES):-1]
    np.testing.assert_array_equal(geometry, neutral_geometry())
    pipeline.tracker.reset()
    (mesh_face,) = pipeline.process(astronaut(), 0.0)
    assert face.quality < mesh_face.quality


def test_bad_frames_are_rejected_clearly(pipeline):
    with pytest.raises(InvalidImage) as caught:
        pipeline.process(np.zeros((480, 640), dtype=np.uint8), 0.0)
    assert caught.value.reason == "bad_shape"
    with pytest.raises(ValueError, match="not finite"):
        pipeline.process(astronaut(), float("nan"))


def test_annotation_draws_box_and_label_without_touching_the_input(pipeline):
    image = astronaut()
    original = image.copy()
    faces = pipeline.process(image, 0.0)
    drawn = draw_face_annotations(image, faces, draw_landmarks=True)
    np.testing.assert_array_equal(image, original)
    x, y, w, h = faces[0].box
    changed = np.any(drawn != image, axis=2)
    assert changed[y:y + h, x].any() and changed[y:y + h, x + w].any()
    assert not changed[400:, 400:].any()  # far from the face nothing is drawn


def test_two_people_get_two_ids_and_each_their_own_mesh(pipeline):
    image = astronaut()
    pair = np.concatenate([image, image[:, ::-1]], axis=1)  # the second one mirrored
    pipeline.tracker.reset()
    faces = pipeline.process(pair, 300.0)
    assert len(faces) == 2 and faces[0].face_id != faces[1].face_id
    for face in faces:
        assert face.has_mesh and face.expression == "happy"
        x, y, w, h = face.box
        centre = face.landmarks[:, :2].mean(axis=0)
        assert x < centre[0] < x + w and y < centre[1] < y + h
    # Mirroring swaps the sign of yaw and roll.
    yaws = sorted(dict(zip(VIDEO_FEATURES, f.features, strict=True))["head_yaw"] for f in faces)
    assert yaws[0] == pytest.approx(-yaws[1], abs=0.05)


@pytest.mark.parametrize(
    "overrides",
    [{"min_detection_score": 1.5}, {"max_faces": 0}, {"torch_threads": -1},
     {"track_max_age_s": 0.0}, {"redetect_period_s": -0.1}],
)
def test_bad_configuration_is_rejected(overrides):
    with pytest.raises(ValueError):
        FacePipelineConfig(**overrides)


def test_unknown_detector_is_rejected():
    with pytest.raises(ValueError, match="not one of"):
        FacePipeline(FacePipelineConfig(detector="yolo", torch_threads=0))


def test_auto_falls_back_to_haar_when_mediapipe_cannot_be_imported():
    code = (
        "import sys\n"
        "sys.modules['mediapipe'] = None  # makes 'import mediapipe' raise ImportError\n"
        "from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig\n"
        "pipe = FacePipeline(FacePipelineConfig(torch_threads=0))\n"
        "print(pipe.extractor)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "face/fer-mini-xception+haar/1"
    assert "falls back to the Haar cascade" in result.stderr
