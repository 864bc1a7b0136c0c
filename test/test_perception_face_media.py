# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Analysing image and video files for the CLI."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from hri_emo_ros.perception.face_media import UnreadableMedia, analyse_media, read_frames
from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig

skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (test dependency)")
pytest.importorskip("mediapipe", reason="mediapipe is not installed")

FPS = 10.0


@pytest.fixture(scope="module")
def pipeline():
    pipe = FacePipeline(FacePipelineConfig(detector="mediapipe", tracker_seed=0, torch_threads=0))
    yield pipe
    pipe.close()


def write_video(path, frames: list[np.ndarray]) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (width, height))
    assert writer.isOpened()
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()


def test_image_file_gives_one_json_record(tmp_path, pipeline):
    path = tmp_path / "astronaut.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR))
    (record,) = list(analyse_media(path, pipeline=pipeline))
    json.dumps(record)  # serialisable as it is
    assert record["expression"] == "happy" and record["time"] == 0.0 and record["frame"] == 0
    assert {"face_id", "box", "scores", "quality", "features"} <= set(record)


def test_video_file_gives_times_and_a_stable_id(tmp_path, pipeline):
    image = skimage_data.astronaut()
    frames = []
    for step in range(6):
        canvas = np.zeros((560, 640, 3), dtype=np.uint8)
        canvas[20:532, 10 + 10 * step:522 + 10 * step] = image
        frames.append(canvas)
    frames.append(np.zeros((560, 640, 3), dtype=np.uint8))  # nobody in the last frame
    path = tmp_path / "clip.avi"
    write_video(path, frames)
    pipeline.tracker.reset()
    records = list(analyse_media(path, pipeline=pipeline))
    assert [r["frame"] for r in records] == list(range(6))
    np.testing.assert_allclose([r["time"] for r in records], np.arange(6) / FPS, atol=1e-6)
    assert len({r["face_id"] for r in records}) == 1
    assert all(r["expression"] == "happy" for r in records)
    every_other = [index for index, _, _ in read_frames(path, every_n=2)]
    assert every_other == [0, 2, 4, 6]


def test_missing_and_unreadable_files_are_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(read_frames(tmp_path / "absent.mp4"))
    with pytest.raises(UnreadableMedia) as caught:
        list(read_frames(tmp_path))
    assert caught.value.reason == "not_a_file"
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableMedia) as caught:
        list(read_frames(empty))
    assert caught.value.reason == "empty_file"
    text = tmp_path / "notes.txt"
    text.write_text("this is not a picture\n" * 50)
    with pytest.raises(UnreadableMedia) as caught:
        list(read_frames(text))
    assert caught.value.reason in ("unknown_format", "no_frames")
    broken = tmp_path / "broken.png"
    ok, png = cv2.imencode(".png", np.zeros((20, 20, 3), np.uint8))
    broken.write_bytes(png.tobytes()[:40])
    with pytest.raises(UnreadableMedia) as caught:
        list(read_frames(broken))
    assert caught.value.reason in ("corrupt_image", "unknown_format", "no_frames")
