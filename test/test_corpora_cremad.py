# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""CREMA-D adapter on a tiny release in the real layout: real speech, real face video."""

from __future__ import annotations

import wave
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

from hri_emo_ros.cli import main
from hri_emo_ros.corpora import cremad
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.label_maps import circumplex
from hri_emo_ros.fusion.dataset import build_datasets

EMOTIONS = ("angry", "disgusted", "fearful", "happy", "neutral", "sad")
ACTORS = (1001, 1003, 1013, 1004, 1005)  # fold1: test 1001, calibration 1003 and 1013
CLIPS = (("IEO", "NEU", "XX"), ("TIE", "HAP", "HI"), ("DFA", "SAD", "LO"),
         ("IWW", "NEU", "XX"), ("MTI", "HAP", "MD"), ("TSI", "SAD", "MD"))
GROUP = {"NEU": "neutral", "HAP": "happy", "SAD": "sad"}
LETTER = {"NEU": "N", "HAP": "H", "SAD": "S"}
PERCEIVED = {"1004_DFA_SAD_LO": "N:S", "1005_IEO_NEU_XX": "H", "1005_TIE_HAP_HI": "Q"}
VIDEOS = ("1004_IEO_NEU_XX", "1001_TIE_HAP_HI")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("CREMA-D")
    rows = [",FileName,VoiceVote,VoiceLevel,FaceVote,FaceLevel,MultiModalVote,MultiModalLevel"]
    for number, actor in enumerate(ACTORS):
        for index, (sentence, code, level) in enumerate(CLIPS):
            stem = f"{actor}_{sentence}_{code}_{level}"
            wav = speech_wav(root / "AudioWAV" / f"{stem}.wav", GROUP[code], number + index)
            if stem in VIDEOS:
                seconds = (wav.stat().st_size - 44) / 32000
                face_video(root / "VideoFlash" / f"{stem}.flv", seconds, fps=25,
                           fourcc="FLV1")
            vote = PERCEIVED.get(stem, LETTER[code])
            voice = "A" if stem == "1005_IEO_NEU_XX" else vote
            rows.append(f"{len(rows)},{stem},{voice},60,{vote},70,{vote},80")
    # the real release has one clip without audio (1076_MTI_SAD_XX), and stray files
    with wave.open(str(root / "AudioWAV" / "1005_ITS_SAD_XX.wav"), "wb") as empty:
        empty.setnchannels(1)
        empty.setsampwidth(2)
        empty.setframerate(16000)
    rows.append(f"{len(rows)},1005_ITS_SAD_XX,S,50,S,60,S,70")
    (root / "AudioWAV" / "1001_XYZ_ANG_XX.wav").write_bytes(b"not a clip of the corpus")
    (root / "processedResults").mkdir()
    (root / "processedResults" / "summaryTable.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def config(release: Path, cache_dir: Path, **extra) -> dict:
    return {"adapter": "cremad", "data_dir": str(release), "cache_dir": str(cache_dir),
            "allow_partial": True, "progress": False, "perception": {"video_hz": 5.0}, **extra}


@pytest.fixture(scope="module")
def splits(release, cache_dir):
    return build_datasets(config(release, cache_dir), EMOTIONS)


def test_clips_and_perceived_labels_are_read_exactly(release):
    utterances, notes = cremad.read_release(release, allow_partial=True)
    by_id = {u.media.utterance_id: u for u in utterances}
    assert len(by_id) == len(ACTORS) * len(CLIPS) + 1
    assert notes == {"labels": "MultiModalVote", "label_fallbacks": 1, "ignored_files": 1,
                     "missing_actors": 91 - len(ACTORS)}
    tie = by_id["1004_DFA_SAD_LO"]
    assert tie.emotions == ("neutral", "sad") and tie.speaker == "1004"
    assert tie.media.transcript == "Don't forget a jacket."
    assert tie.valence == pytest.approx((0.0 + circumplex("sad", 0.5)[0]) / 2)
    assert tie.arousal == pytest.approx(circumplex("sad", 0.5)[1] / 2)
    assert by_id["1005_IEO_NEU_XX"].emotions == ("happy",)  # perceived, not intended
    assert by_id["1005_IEO_NEU_XX"].valence == pytest.approx(circumplex("happy", 0.75)[0])
    assert by_id["1005_TIE_HAP_HI"].emotions == ("happy",)  # unreadable vote "Q" -> intended
    assert by_id["1004_IEO_NEU_XX"].media.video_path == release / "VideoFlash/1004_IEO_NEU_XX.flv"
    assert by_id["1005_IEO_NEU_XX"].media.video_path is None
    intended = {u.media.utterance_id: u for u in cremad.read_release(
        release, "intended", allow_partial=True)[0]}
    assert intended["1005_IEO_NEU_XX"].emotions == ("neutral",)
    voice = {u.media.utterance_id: u for u in cremad.read_release(
        release, "VoiceVote", allow_partial=True)[0]}
    assert voice["1005_IEO_NEU_XX"].emotions == ("angry",)
    assert [cremad.fold_split(a, "fold1") for a in (1001, 1012, 1003, 1013, 1004, 1089)] == [
        "test", "test", "calibration", "calibration", "train", "train"]  # 1089: g 8
    assert [cremad.fold_split(a, "fold5") for a in (1009, 1010, 1001, 1002)] == [
        "test", "test", "calibration", "train"]


def test_speaker_independent_splits_and_samples(splits):
    speakers = {name: split.description()["speakers"] for name, split in splits.items()}
    assert speakers == {"train": ["1004", "1005"], "calibration": ["1003", "1013"],
                        "test": ["1001"]}
    assert splits["train"].description()["without_signal"] == 1  # the empty clip
    assert splits["train"].description()["features"] == {
        "computed": len(ACTORS) * len(CLIPS) + 1, "reused": 0, "modality_errors": {"audio": 1}}
    assert len(splits["train"]) == 2 * len(CLIPS)
    ids = [u.media.utterance_id for u in splits["train"].utterances]
    sample = splits["train"].sample(ids.index("1004_IEO_NEU_XX"))
    check_sample_spaces(sample)
    assert "video" in sample.modalities
    assert sample.labels.tolist() == [0, 0, 0, 0, 1, 0]
    tie = splits["train"].sample(ids.index("1004_DFA_SAD_LO"))
    assert tie.labels.tolist() == [0, 0, 0, 0, 1, 1]
    test_ids = [u.media.utterance_id for u in splits["test"].utterances]
    happy = splits["test"].sample(test_ids.index("1001_TIE_HAP_HI"))
    assert happy.info["view"] == "end" and sorted(happy.modalities) == ["audio", "text", "video"]
    assert happy.modalities["text"].step_labels == ["That", "is", "exactly", "what", "happened"]


def test_errors_name_the_path_and_what_was_expected(release, cache_dir, tmp_path, capsys):
    with pytest.raises(CorpusError, match="no clip of 86 of the 91 CREMA-D actors"):
        cremad.read_release(release)
    with pytest.raises(CorpusError, match="AudioWAV not found"):
        cremad.read_release(tmp_path)
    (tmp_path / "AudioWAV").mkdir()
    speech_wav(tmp_path / "AudioWAV" / "1001_IEO_NEU_XX.wav", "neutral")
    with pytest.raises(CorpusError, match="summaryTable.csv not found"):
        cremad.read_release(tmp_path, "FaceVote", allow_partial=True)
    with pytest.raises(CorpusError, match="no fold 'fold9'"):
        build_datasets(config(release, cache_dir, fold="fold9"), EMOTIONS)
    with pytest.raises(CorpusError, match="raw release only"):
        build_datasets(config(release, cache_dir, source="mult"), EMOTIONS)
    capsys.readouterr()
    assert main(["train", "fusion", "--dataset", "cremad", "--data-dir", str(tmp_path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hri-emo train fusion: "), lines
    assert "no clip of 90 of the 91 CREMA-D actors" in lines[0] and str(tmp_path) in lines[0]


def test_cache_is_reused_and_the_command_trains(splits, release, cache_dir, tmp_path):
    again = build_datasets(config(release, cache_dir), EMOTIONS)
    assert again["train"].description()["features"]["computed"] == 0  # no perception call
    history = train_briefly("cremad", release, cache_dir, tmp_path / "run", "--allow-partial",
                            "--set", "data.perception.video_hz=5.0")
    losses = [epoch["train_total"] for epoch in history]
    assert np.mean(losses[-3:]) < 0.8 * losses[0], losses
    metrics = evaluate_checked("cremad", release, tmp_path / "run", tmp_path / "eval")
    classification = metrics["classification"]
    assert classification["samples"] > 0 and 0.0 <= classification["wa"] <= 1.0
