# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo analyze` fused output on real media cut from the sample session (bag 10-22 s:
the smiling face, lively speech and its transcript), as a user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_process import hri_emo, single_error_line
from sample_session_media import session_cues, write_srt, write_video, write_vtt, write_wav

from hri_emo_ros.common.feature_spec import EMOTIONS, MODALITIES

SPAN_S = (10.0, 22.0)       # happy face in view, three cheerful sentences
EVERY_N = 2                 # 5 of the camera's 10 frames per second keep the test short
WINDOW_S, RATE_HZ = 2.0, 2.0


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("fused")
    cues = session_cues(*SPAN_S)
    assert len(cues) == 3
    return {"video": write_video(directory / "happy.avi", *SPAN_S),
            "audio": write_wav(directory / "happy.wav", *SPAN_S),
            "srt": write_srt(directory / "happy.srt", cues),
            "vtt": write_vtt(directory / "happy.vtt", cues),
            "words": {w.lower() for _, _, text in cues for w in re.findall(r"[\w']+", text)}}


def _analyse(*args: object) -> list[dict]:
    result = hri_emo("analyze", *args, "--device", "cpu")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def fused(media) -> list[dict]:
    return _analyse("--video", media["video"], "--audio", media["audio"], "--transcript",
                    media["srt"], "--every-n", EVERY_N, "--window", WINDOW_S, "--rate", RATE_HZ)


@pytest.fixture(scope="module")
def without_words(media) -> list[dict]:
    return _analyse("--fuse", "--video", media["video"], "--audio", media["audio"],
                    "--every-n", EVERY_N)


def test_one_json_window_per_fusion_in_time_order(fused):
    assert len(fused) >= SPAN_S[1] - SPAN_S[0]     # at least one window a second
    ends = [r["end"] for r in fused]
    assert ends == sorted(ends) and ends[-1] <= SPAN_S[1] - SPAN_S[0] + 8.0
    assert all(e2 - e1 >= 1 / RATE_HZ - 1e-3 for e1, e2 in zip(ends, ends[1:]))
    for record in fused:
        assert record["source"] == "fusion"
        assert record["start"] == pytest.approx(max(0.0, record["end"] - WINDOW_S), abs=2e-3)
        assert list(record["scores"]) == list(EMOTIONS)
        assert record["dominant"] == max(record["scores"], key=record["scores"].get)
        assert -1 <= record["valence"] <= 1 and 0 <= record["confidence"] <= 1
        assert set(record["gate_weights"]) == set(record["modalities"]) == set(record["steps"])
        assert sum(record["gate_weights"].values()) == pytest.approx(1.0, abs=1e-3)
        explanation = record["explanation"]
        assert list(explanation["gate_mean"]) == list(MODALITIES)
        assert list(explanation["attribution"]) == list(EMOTIONS)
        assert explanation["attribution_method"] == "gradient_x_input"
        assert explanation["summary"].startswith(record["dominant"])


def test_the_happy_span_is_happy_positive_and_the_face_counts(fused):
    happy = [r for r in fused if r["dominant"] == "happy"]
    assert len(happy) >= 0.9 * len(fused)
    assert all(r["valence"] > 0.0 for r in fused)
    assert all(r["explanation"]["gate_mean"]["video"] > 0.0 for r in fused)
    # The voice and the words have no speaker id: they go to the one face in view.
    (person,) = {r["person_id"] for r in fused}
    assert person != "anonymous"
    assert any(set(r["modalities"]) == set(MODALITIES) for r in fused)


def test_the_top_words_come_from_the_transcript(fused, media):
    with_words = [r for r in fused if "text" in r["modalities"]]
    assert with_words and all(r["explanation"]["top_words"] for r in with_words)
    for record in with_words:
        assert {w.lower() for w in record["explanation"]["top_words"]} <= media["words"]
        assert record["gate_weights"]["text"] > 0.0
        shares = record["explanation"]["attribution"][record["dominant"]]["modalities"]
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert [r["explanation"]["top_words"] for r in fused if "text" not in r["modalities"]] \
        == [[]] * (len(fused) - len(with_words))


def test_without_the_transcript_the_words_weigh_exactly_nothing(without_words, fused):
    assert without_words
    assert all(r["explanation"]["gate_mean"]["text"] == 0.0 for r in without_words)
    assert all("text" not in r["modalities"] and r["explanation"]["top_words"] == []
               for r in without_words)
    assert any(r["explanation"]["gate_mean"]["text"] > 0.0 for r in fused)
    assert {r["dominant"] for r in without_words} == {"happy"}


def test_voice_and_webvtt_words_without_a_face_stay_anonymous(media):
    records = _analyse("--audio", media["audio"], "--transcript", media["vtt"])
    assert records and {r["person_id"] for r in records} == {"anonymous"}
    assert all(r["explanation"]["gate_mean"]["video"] == 0.0 for r in records)
    voice = [r for r in records if r["modalities"] == ["audio"]]
    words = [r for r in records if "text" in r["modalities"]]
    assert voice and words and len(voice) + len(words) == len(records)
    # The cheerful words turn the reading of the (synthesised, lively) voice positive.
    assert {r["dominant"] for r in words} == {"happy"}
    assert min(r["valence"] for r in words) > max(r["valence"] for r in voice)


def test_a_transcript_line_without_times_is_one_error_line(tmp_path, media):
    broken = tmp_path / "broken.txt"
    broken.write_text("0.8 3.1 Hi! It is so good to see you again!\nGuess what?\n",
                      encoding="utf-8")
    result = hri_emo("analyze", "--audio", media["audio"], "--transcript", broken)
    line = single_error_line(result, f"hri-emo analyze: {broken}: no_times: line 2: ")
    assert "'Guess what?'" in line and result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--window", "3"], "--window: only for fused output"),
    (["--fuse", "--image", "x.png"], "--image: not for fused output"),
    (["--fuse", "--audio", "a.wav", "--audio", "b.wav"], "--audio: give it once"),
    (["--fuse"], "nothing to fuse"),
])
def test_mode_mistakes_are_one_error_line(args, message):
    single_error_line(hri_emo("analyze", *args), f"hri-emo analyze: {message}")
