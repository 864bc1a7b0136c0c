# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo analyze` as a user runs it: real models on a real face, real speech and text;
bad inputs give one line on stderr and exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from cli_process import hri_emo, single_error_line
from sample_speech import CMU_SENTENCE, pause_wav, utterance_span, utterance_wav
from skimage import data, io

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, EMOTIONS

PAD_S = 0.3
HAPPY = "I am so happy to see you again, this is wonderful!"
SAD = "Everything went wrong today and I feel terrible and alone."
VIDEO_FPS, VIDEO_FRAMES, EVERY_N = 10, 25, 10


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("analyze")
    image = directory / "astronaut.png"
    io.imsave(image, data.astronaut())
    text = directory / "lines.txt"
    text.write_text(f"{HAPPY}\n\n{SAD}\n", encoding="utf-8")
    video = directory / "panning.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), VIDEO_FPS, (512, 512))
    bgr = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    for shift in range(VIDEO_FRAMES):  # the camera pans 1 px per frame
        writer.write(np.roll(bgr, shift, axis=1))
    writer.release()
    return {"image": image, "text": text, "video": video,
            "speech": utterance_wav(directory / "speech.wav", CMU_SENTENCE, PAD_S),
            "pause": pause_wav(directory / "pause.wav")}


@pytest.fixture(scope="module")
def analysed(inputs) -> tuple[object, list[dict]]:
    result = hri_emo("analyze", "--text-file", inputs["text"], "--image", inputs["image"],
                     "--video", inputs["video"], "--every-n", EVERY_N,
                     "--audio", inputs["speech"], "--audio", inputs["pause"], "--device", "cpu")
    assert result.returncode == 0, result.stderr
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def _lines(records: list[dict], source: str, path: Path) -> list[dict]:
    return [r for r in records if r["source"] == source and r["file"] == str(path)]


def test_every_line_is_json_naming_its_source_and_stderr_stays_clean(analysed, inputs):
    result, records = analysed
    assert result.stderr == ""
    assert {r["source"] for r in records} == {"text", "image", "video", "audio"}
    assert len(records) == len(result.stdout.splitlines()) == 2 + 1 + 3 + 1


def test_text_lines_get_the_valence_of_what_they_say(analysed, inputs):
    _, records = analysed
    happy, sad = _lines(records, "text", inputs["text"])
    assert (happy["text"], happy["line"]) == (HAPPY, 1)
    assert (sad["text"], sad["line"]) == (SAD, 3)  # the blank line is skipped
    assert happy["valence"] > 0.3 and sad["valence"] < -0.3
    assert "happy" in happy["words"] and not happy["truncated"]


def test_the_astronaut_is_one_happy_face(analysed, inputs):
    _, records = analysed
    (face,) = _lines(records, "image", inputs["image"])
    assert face["expression"] == "happy" and face["scores"]["happy"] > 0.5
    assert set(face["scores"]) == set(EMOTIONS)
    x, y, w, h = face["box"]
    height, width = data.astronaut().shape[:2]
    assert 0 <= x < x + w <= width and 0 <= y < y + h <= height
    assert 150 < x + w / 2 < 300 and 50 < y + h / 2 < 220  # her face, not the flag or suit
    assert face["frame"] == 0 and face["has_mesh"]


def test_video_frames_are_analysed_every_n_and_the_face_is_tracked(analysed, inputs):
    _, records = analysed
    faces = _lines(records, "video", inputs["video"])
    assert [f["frame"] for f in faces] == list(range(0, VIDEO_FRAMES, EVERY_N))
    assert [f["time"] for f in faces] == pytest.approx([0.0, 1.0, 2.0])
    assert len({f["face_id"] for f in faces}) == 1
    assert all(f["expression"] == "happy" for f in faces)
    assert faces[-1]["box"][0] - faces[0]["box"][0] == pytest.approx(20, abs=4)  # the pan


def test_real_speech_is_one_speech_segment_and_room_noise_none(analysed, inputs):
    _, records = analysed
    (segment,) = _lines(records, "audio", inputs["speech"])
    start, end = utterance_span(CMU_SENTENCE)
    assert 0.0 <= segment["start"] < 2 * PAD_S
    assert abs(segment["end"] - (PAD_S + end - start)) < 0.4
    assert segment["speech_prob"] >= 0.5
    assert set(AUDIO_FEATURES) <= set(segment) and "steps" not in segment
    assert _lines(records, "audio", inputs["pause"]) == []


def test_a_missing_file_is_one_line_and_exit_code_1(tmp_path):
    missing = tmp_path / "nowhere.png"
    result = hri_emo("analyze", "--image", missing)
    line = single_error_line(result, f"hri-emo analyze: {missing}: ")
    assert "not_found" in line and result.stdout == ""


def test_a_text_file_passed_as_image_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("This is not a picture.\n" * 20, encoding="utf-8")
    result = hri_emo("analyze", "--image", notes)
    line = single_error_line(result, f"hri-emo analyze: {notes}: ")
    assert "unknown_format" in line and result.stdout == ""


def test_invalid_utf8_text_is_refused_before_any_output(tmp_path, inputs):
    broken = tmp_path / "latin1.txt"
    broken.write_bytes("Ça me rend très heureux\n".encode("latin-1"))
    result = hri_emo("analyze", "--text-file", inputs["text"], "--text-file", broken)
    line = single_error_line(result, f"hri-emo analyze: {broken}: ")
    assert "invalid_utf8" in line and result.stdout == ""


def test_no_input_is_an_error():
    single_error_line(hri_emo("analyze"), "hri-emo analyze: nothing to analyse")
