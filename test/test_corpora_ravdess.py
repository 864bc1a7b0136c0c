# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""RAVDESS adapter on a tiny release in the real layout: 48 kHz real speech, mp4 video."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from corpus_media import (
    check_sample_spaces,
    evaluate_checked,
    face_video,
    speech_wav,
    train_briefly,
)
from scipy.io import wavfile

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.corpora import ravdess
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.label_maps import circumplex
from hri_emo_ros.fusion.dataset import build_datasets

ACTORS = ("01", "05", "06", "07", "08")  # fold1: test 01, calibration 05 and 06
# (emotion, intensity, statement, repetition) -> which real speech
CLIPS = {("01", "01", "01", "01"): "neutral", ("02", "01", "02", "01"): "neutral",
         ("03", "02", "01", "01"): "happy", ("03", "01", "02", "02"): "happy",
         ("04", "01", "01", "01"): "sad", ("04", "02", "02", "02"): "sad"}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("RAVDESS")
    for number, actor in enumerate(ACTORS):
        folder = root / f"Actor_{actor}"
        for index, ((emotion, intensity, statement, repetition), group) in enumerate(
                CLIPS.items()):
            name = f"01-{emotion}-{intensity}-{statement}-{repetition}-{actor}"
            speech_wav(folder / f"03-{name}.wav", group, number + index, rate=48000)
    # audio-visual and video-only files (from the Video_Speech zips), a song, and a video
    # without its audio file
    seconds = 2.0
    face_video(root / "Actor_07" / "01-01-03-02-01-01-07.mp4", seconds, 30, "mp4v")
    face_video(root / "Actor_05" / "02-01-01-01-01-01-05.mp4", seconds, 30, "mp4v")
    face_video(root / "Actor_08" / "02-01-06-02-01-02-08.mp4", seconds, 30, "mp4v")
    speech_wav(root / "Actor_07" / "03-02-03-01-01-01-07.wav", "happy", rate=48000)
    return root


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def config(release: Path, cache_dir: Path, **extra) -> dict:
    return {"adapter": "ravdess", "data_dir": str(release), "cache_dir": str(cache_dir),
            "allow_partial": True, "progress": False, "perception": {"video_hz": 5.0}, **extra}


@pytest.fixture(scope="module")
def splits(release, cache_dir):
    return build_datasets(config(release, cache_dir), EMOTIONS)


def test_file_names_are_read_exactly(release):
    rate, _ = wavfile.read(release / "Actor_01" / "03-01-01-01-01-01-01.wav")
    assert rate == 48000
    utterances, notes = ravdess.read_release(release, allow_partial=True)
    by_id = {u.media.utterance_id: u for u in utterances}
    assert len(by_id) == len(ACTORS) * len(CLIPS) + 1  # + the fearful video without audio
    assert notes == {"calm": "neutral", "ignored_files": 1, "missing_actors": 19}
    happy = by_id["01-03-02-01-01-07"]
    assert happy.media.wav_path == release / "Actor_07" / "03-01-03-02-01-01-07.wav"
    assert happy.media.video_path == release / "Actor_07" / "01-01-03-02-01-01-07.mp4"
    assert happy.media.transcript == "Kids are talking by the door."
    assert happy.emotions == ("happy",) and happy.speaker == "07"
    assert (happy.valence, happy.arousal) == circumplex("happy", 1.0)
    calm = by_id["01-02-01-02-01-05"]
    assert calm.emotions == ("neutral",) and calm.info["ravdess_emotion"] == "calm"
    assert (calm.valence, calm.arousal) == pytest.approx(circumplex("calm", 0.75))
    assert calm.media.transcript == "Dogs are sitting by the door."
    video_only = by_id["01-06-02-01-02-08"]
    assert video_only.media.wav_path is None and video_only.emotions == ("fearful",)
    assert by_id["01-01-01-01-01-05"].media.video_path.name == "02-01-01-01-01-01-05.mp4"
    dropped, _ = ravdess.read_release(release, calm="drop", allow_partial=True)
    assert len(dropped) == len(utterances) - len(ACTORS)
    assert [ravdess.fold_split(a, "fold1") for a in (1, 4, 5, 6, 7, 24)] == [
        "test", "test", "calibration", "calibration", "train", "train"]
    assert [ravdess.fold_split(a, "fold6") for a in (21, 24, 1, 2, 3)] == [
        "test", "test", "calibration", "calibration", "train"]


def test_actor_splits_and_samples(splits):
    speakers = {name: split.description()["speakers"] for name, split in splits.items()}
    assert speakers == {"train": ["07", "08"], "calibration": ["05", "06"], "test": ["01"]}
    train_ids = [u.media.utterance_id for u in splits["train"].utterances]
    assert len(train_ids) == 2 * len(CLIPS) + 1
    assert splits["train"].description()["features"] == {
        "computed": len(ACTORS) * len(CLIPS) + 1, "reused": 0, "modality_errors": {}}
    fearful = splits["train"].sample(train_ids.index("01-06-02-01-02-08"))
    check_sample_spaces(fearful)
    assert sorted(fearful.modalities) == ["text", "video"]  # no audio file
    assert fearful.labels.tolist() == [0, 0, 0, 0, 1, 0, 0]
    happy = splits["train"].sample(train_ids.index("01-03-02-01-01-07"))
    assert sorted(happy.modalities) == ["audio", "text", "video"]
    assert happy.modalities["audio"].steps >= 4  # 48 kHz speech, resampled and analysed


def test_errors_name_the_path_and_what_was_expected(release, tmp_path):
    with pytest.raises(CorpusError, match="no speech file of actors 02, 03, 04, 09"):
        ravdess.read_release(release)
    with pytest.raises(CorpusError, match="no RAVDESS speech file"):
        ravdess.read_release(tmp_path)
    with pytest.raises(CorpusError, match="'sleepy' is not 'neutral' or 'drop'"):
        ravdess.read_release(release, calm="sleepy")
    moved = tmp_path / "moved"
    shutil.copytree(release / "Actor_05", moved / "Actor_06")
    with pytest.raises(CorpusError, match="actor 05 in the name but in folder Actor_06"):
        ravdess.read_release(moved, allow_partial=True)


def test_cache_is_reused_and_the_command_trains(splits, release, cache_dir, tmp_path):
    again = build_datasets(config(release, cache_dir), EMOTIONS)
    assert again["train"].description()["features"]["computed"] == 0  # no perception call
    history = train_briefly("ravdess", release, cache_dir, tmp_path / "run", "--allow-partial",
                            "--set", "data.perception.video_hz=5.0")
    losses = [epoch["train_total"] for epoch in history]
    assert np.mean(losses[-3:]) < 0.8 * losses[0], losses
    metrics = evaluate_checked("ravdess", release, tmp_path / "run", tmp_path / "eval")
    classification = metrics["classification"]
    assert classification["samples"] > 0 and 0.0 <= classification["wa"] <= 1.0
