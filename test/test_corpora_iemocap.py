# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""IEMOCAP adapter on a tiny release written in the real layout with real speech and video."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from corpus_media import (
    check_sample_spaces,
    evaluate_checked,
    face_video,
    speech_sentence,
    speech_wav,
    train_briefly,
)
from scipy.io import wavfile

from hri_emo_ros.corpora import iemocap
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.label_maps import rating_to_unit
from hri_emo_ros.corpora.registry import protocol
from hri_emo_ros.fusion.dataset import build_datasets

EMOTIONS = ("neutral", "happy", "sad", "angry")
# per session: (speaker token, code, [V, A, D], speech group, transcript suffix)
ROWS = [("F000", "neu", (2.5, 2.5, 2.5), "neutral", " [LAUGHTER]"),
        ("M000", "hap", (4.0, 3.5, 3.0), "happy", ""),
        ("F001", "sad", (1.5, 2.0, 2.0), "sad", ""),
        ("M001", "exc", (4.5, 4.0, 3.5), "happy", "")]
EXTRA = {1: [("M002", "ang", (1.5, 4.5, 4.0), "happy", ""),
             ("F002", "fru", (2.0, 3.5, 3.0), "sad", ""),
             ("M003", "xxx", (2.5, 3.0, 3.0), "neutral", "")],
         # the trainer fits its temperature on >= 10 calibration utterances (Session4-F)
         4: [(f"F{n:03d}", code, vad, group, "") for n, (code, vad, group) in enumerate(
             [("neu", (3.0, 2.0, 2.5), "neutral"), ("hap", (4.0, 4.0, 3.0), "happy"),
              ("sad", (2.0, 1.5, 2.0), "sad")] * 3, start=2)]}
PERCEPTION = {"video_hz": 5.0}


def write_session(root: Path, session: int, with_video: bool) -> None:
    dialog = f"Ses0{session}F_impro01"
    base = root / f"Session{session}"
    rows = ROWS + EXTRA.get(session, [])
    evaluation = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
    transcripts, clock = [], 0.5
    for number, (token, code, vad, group, suffix) in enumerate(rows):
        utterance = f"{dialog}_{token}"
        wav = speech_wav(base / "sentences" / "wav" / dialog / f"{utterance}.wav", group,
                         session + number)
        rate, samples = wavfile.read(wav)
        seconds = samples.shape[0] / rate
        start, end = clock, clock + seconds
        clock = end + 0.4
        evaluation += [f"[{start:.4f} - {end:.4f}]\t{utterance}\t{code}\t"
                       f"[{vad[0]:.4f}, {vad[1]:.4f}, {vad[2]:.4f}]",
                       "C-E2:\tNeutral;\t()", "A-E3:\tval 3; act 2; dom  2;\t()", ""]
        text = speech_sentence(group, session + number)
        transcripts.append(f"{utterance} [{start:08.4f}-{end:08.4f}]: {text}{suffix}")
    (base / "dialog" / "EmoEvaluation").mkdir(parents=True)
    (base / "dialog" / "EmoEvaluation" / f"{dialog}.txt").write_text("\n".join(evaluation))
    (base / "dialog" / "transcriptions").mkdir(parents=True)
    (base / "dialog" / "transcriptions" / f"{dialog}.txt").write_text("\n".join(transcripts))
    if with_video:
        face_video(base / "dialog" / "avi" / "DivX" / f"{dialog}.avi", clock, fps=10,
                   fourcc="DIVX")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("IEMOCAP_full_release")
    for session in range(1, 6):
        write_session(root, session, with_video=session == 1)
    return root


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def config(release: Path, cache_dir: Path, **extra) -> dict:
    return {"adapter": "iemocap", "data_dir": str(release), "cache_dir": str(cache_dir),
            "progress": False, "perception": PERCEPTION, **extra}


@pytest.fixture(scope="module")
def splits(release, cache_dir):
    return build_datasets(config(release, cache_dir), EMOTIONS)


def test_release_is_parsed_exactly(release):
    utterances = {u.utterance_id: u for u in iemocap.read_release(release)}
    assert len(utterances) == 5 * 4 + 3 + 9
    first = utterances["Ses01F_impro01_F000"]
    assert (first.code, first.speaker, first.session, first.dialog) == (
        "neu", "Session1-F", 1, "Ses01F_impro01")
    assert first.transcript == "seven of clubs"  # [LAUGHTER] dropped
    assert first.video == release / "Session1/dialog/avi/DivX/Ses01F_impro01.avi"
    assert first.start == pytest.approx(0.5)
    excited = iemocap.labelled(utterances["Ses03F_impro01_M001"])
    assert excited.emotions == ("happy",) and excited.media.video_path is None
    assert (excited.valence, excited.arousal) == (0.75, 0.5)
    assert excited.speaker == "Session3-M"
    angry = iemocap.labelled(utterances["Ses01F_impro01_M002"])
    assert angry.emotions == ("angry",) and (angry.valence, angry.arousal) == (-0.75, 0.75)
    assert angry.media.video_span == (utterances["Ses01F_impro01_M002"].start,
                                      utterances["Ses01F_impro01_M002"].end)
    assert iemocap.labelled(utterances["Ses01F_impro01_F002"]).emotions == ()  # fru
    assert iemocap.labelled(utterances["Ses01F_impro01_M003"]).emotions == ()  # xxx


def test_leave_one_session_out_splits_and_samples(splits):
    ids = {name: sorted(u.media.utterance_id for u in split.utterances)
           for name, split in splits.items()}
    assert ids["test"] == sorted(f"Ses05F_impro01_{t}" for t in ("F000", "M000", "F001", "M001"))
    assert ids["calibration"] == [f"Ses04F_impro01_F{n:03d}" for n in range(11)]
    assert len(ids["train"]) == 3 * 4 + 1 + 2  # sessions 1-3, Session1's anger, Session4-M
    assert "Ses01F_impro01_F002" not in ids["train"]  # frustration is not in the protocol
    assert splits["test"].description()["calibration_speaker"] == "Session4-F"
    assert splits["test"].description()["features"] == {
        "computed": 5 * 4 + 1 + 9, "reused": 0, "modality_errors": {}}
    sample = splits["test"].sample(ids["test"].index("Ses05F_impro01_M001"))
    check_sample_spaces(sample)
    assert sample.labels.tolist() == [0, 1, 0, 0] and sample.info["view"] == "end"
    assert sorted(sample.modalities) == ["audio", "text"]
    assert sample.modalities["text"].step_labels[-1] == "ever"
    assert sample.valence == 0.75
    with_video = [splits["train"].sample(i) for i in range(len(splits["train"]))
                  if splits["train"].utterances[i].info["session"] == 1]
    assert all("video" in s.modalities for s in with_video)
    video_times = with_video[0].modalities["video"].step_times
    assert video_times[0] >= -2.0 and np.all(np.diff(video_times) > 0.15)  # 5 Hz, 2 s window


def test_folds_partial_releases_and_errors(release, cache_dir, tmp_path):
    with pytest.raises(CorpusError, match="no fold 'Session9'"):
        build_datasets(config(release, cache_dir, fold="Session9"), EMOTIONS)
    with pytest.raises(CorpusError, match="cannot label"):
        build_datasets(config(release, cache_dir), EMOTIONS + ("calm",))
    partial = tmp_path / "partial"
    shutil.copytree(release, partial, ignore=shutil.ignore_patterns("*.avi"))
    shutil.rmtree(partial / "Session3")
    with pytest.raises(CorpusError) as error:
        build_datasets(config(partial, cache_dir), EMOTIONS)
    assert error.value.reason == "missing_data" and "Session3 not found" in str(error.value)
    assert str(partial) in str(error.value)
    assert iemocap.calibration_speaker(4, {1, 2, 4, 5}) == "Session2-F"
    shutil.rmtree(partial / "Session4")
    with pytest.raises(CorpusError, match="test session of fold Session4 is missing"):
        build_datasets(config(partial, cache_dir, fold="Session4", allow_partial=True),
                       EMOTIONS)
    broken = partial / "Session1/dialog/EmoEvaluation/Ses01F_impro01.txt"
    broken.write_text(broken.read_text().replace("\tneu\t", "\tneutral\t"))
    with pytest.raises(CorpusError, match=r"Ses01F_impro01.txt:3: expected"):
        iemocap.read_release(partial, allow_partial=True)
    broken.write_text(broken.read_text().replace("\tneutral\t[2.5000", "\tneu\t[7.5000"))
    with pytest.raises(CorpusError, match=r"Ses01F_impro01.txt:3: .* ratings in 1-5"):
        iemocap.read_release(partial, allow_partial=True)
    with pytest.raises(ValueError, match="outside IEMOCAP's 1-5 scale"):
        rating_to_unit(0.0)
    (tmp_path / "mult").mkdir()
    (tmp_path / "mult" / "iemocap_data.pkl").write_bytes(b"")
    assert iemocap._source(tmp_path / "mult", "auto") == "mult"
    assert iemocap._source(release, "auto") == "raw"
    with pytest.raises(CorpusError, match="no MulT pickle"):  # dispatched to mult_pickle
        build_datasets(config(release, cache_dir, source="mult"), EMOTIONS)
    with pytest.raises(CorpusError, match="neither the raw IEMOCAP release"):
        iemocap._source(tmp_path, "auto")


def test_second_build_reuses_the_cache_and_training_learns(splits, release, cache_dir, tmp_path):
    again = build_datasets(config(release, cache_dir), EMOTIONS)
    assert again["train"].description()["features"]["computed"] == 0  # no perception call
    assert len(again["train"].cache.entries()) == 5 * 4 + 1 + 9  # not fru, xxx
    assert protocol("iemocap").metrics == "iemocap"
    history = train_briefly("iemocap", release, cache_dir, tmp_path / "run",
                            "--fold", "Session5", "--set", "data.perception.video_hz=5.0")
    losses = [epoch["train_total"] for epoch in history]
    assert np.mean(losses[-3:]) < 0.8 * losses[0], losses
    metrics = evaluate_checked("iemocap", release, tmp_path / "run", tmp_path / "eval",
                               "--fold", "Session5")
    classification = metrics["classification"]
    assert classification["samples"] > 0 and 0.0 <= classification["wa"] <= 1.0
