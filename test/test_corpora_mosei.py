# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""CMU-MOSEI from CMU-MultimodalSDK computational sequences: exact samples, labels and
folds on a tiny release in the real .csd format, training through `hri-emo train fusion`,
and one-sentence errors for broken releases."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mosei_test_data import EMOTIONS, FILES, fold_ids, write_fold_file, write_sdk_release

from hri_emo_ros import cli
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.mosei import PROTOCOL, read_folds
from hri_emo_ros.fusion.checkpoint import load_checkpoint
from hri_emo_ros.fusion.dataset import build_datasets
from hri_emo_ros.fusion.decoder_runtime import DecoderRuntime
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.evaluate import EncoderDecoder, predict
from hri_emo_ros.fusion.runtime import FusionRuntime

FAST = ["device=cpu", "model.width=16", "model.heads=2", "train.epochs=8",
        "train.batch_size=8", "train.warmup_steps=4", "train.statistics_samples=64",
        "train.threads=1", "train.modality_dropout=0.0"]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mosei")
    write_sdk_release(root)
    return root


def splits(data_dir: Path, **data) -> dict:
    return build_datasets({"adapter": "mosei", "data_dir": str(data_dir), **data},
                          PROTOCOL.emotions)


def hand_sample(split, segment: int = 0):
    (index,) = [i for i, s in enumerate(split.segments)
                if (s.video, s.index) == ("hand01", segment)]
    return split.sample(index)


def test_segments_labels_folds_and_word_alignment_are_exact(release):
    data = splits(release, align="words", max_steps={"audio": 50, "text": 50, "video": 50})
    folds = fold_ids()
    for ours, theirs in (("train", "train"), ("calibration", "valid"), ("test", "test")):
        videos = {data[ours].sample(i).info["video_id"] for i in range(len(data[ours]))}
        assert videos == set(folds[theirs])
    assert (len(data["train"]), len(data["calibration"]), len(data["test"])) == (32, 12, 10)
    assert data["test"].description()["segments_without_frames"] == 1  # hand01's [50, 52]
    assert data["train"].feature_dims == {"audio": 74, "text": 300, "video": 35}

    sample = hand_sample(data["test"])
    assert sample.info["id"] == "hand01[0]" and sample.info["sentiment"] == 2.0
    assert dict(zip(EMOTIONS, sample.labels.tolist())) == {
        "happy": 1.0, "sad": 0.0, "angry": 0.0, "surprised": 1.0, "disgusted": 0.0,
        "fearful": 0.0}
    assert sample.valence == pytest.approx(2 / 3) and np.isnan(sample.arousal)
    text = sample.modalities["text"]
    assert text.step_labels == ["hello", "good", "day"]  # pauses ('sp') dropped
    assert text.features[:, 0].tolist() == [1.0, 3.0, 4.0]
    assert text.step_times == pytest.approx([-1.9, -1.295, -0.6975])  # clipped midpoints
    audio, video = sample.modalities["audio"], sample.modalities["video"]
    assert audio.steps == 3 and np.allclose(audio.step_times, text.step_times)
    # COVAREP column 0 is the frame's start: 'good' [1.405, 2.005] averages frames 1.40-2.00
    assert audio.features[1:, 0] == pytest.approx([1.70, 2.295], abs=1e-5)
    assert np.isfinite(audio.features).all() and audio.features[:, 1].max() == 0.0  # -inf
    assert video.steps == 3 and np.all(video.features[:, 0] == 7.0)
    silent = hand_sample(data["test"], 2)  # [3.6, 3.9] s: only a pause, so frames are kept
    assert set(silent.modalities) == {"audio", "video"}
    assert 30 <= silent.modalities["audio"].steps <= 31 and silent.labels[1] == 1.0  # sad


def test_unaligned_frames_are_cut_to_the_segment_and_pooled(release):
    data = splits(release, align="none", max_steps={"audio": 50, "text": 50, "video": 80})
    sample = hand_sample(data["test"])
    audio, video = sample.modalities["audio"], sample.modalities["video"]
    assert audio.steps == 50  # ~200 COVAREP frames in [1, 3] s pooled into 50 chunks
    assert audio.step_times[-1] == pytest.approx(-0.005)  # frame [2.99, 3.0]
    assert audio.features[-1, 0] == pytest.approx(2.975, abs=1e-5)  # frames 2.96..2.99
    assert np.all(np.diff(audio.step_times) > 0) and audio.step_times[0] > -2.0
    assert 60 <= video.steps <= 61  # 30 Hz frames in [1, 3] s, under the cap: kept
    assert sample.modalities["text"].steps == 3


def test_training_through_the_command_learns_and_the_live_graph_refuses_it(
        release, tmp_path, capsys):
    run = tmp_path / "run"
    code = cli.main(["train", "fusion", "--dataset", "mosei", "--data-dir", str(release),
                     *[a for s in FAST + [f"run_dir={run}"] for a in ("--set", s)]])
    assert code == 0, capsys.readouterr().err
    summary = json.loads(capsys.readouterr().out)
    history = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert len(history) == 8
    assert history[-1]["train_total"] < 0.8 * history[0]["train_total"]
    last = history[-1]
    assert last["val_ccc_valence"] > 0.7 and last["val_dominant_accuracy"] > 0.5  # chance 1/6
    assert np.isnan(last["val_ccc_arousal"])  # MOSEI has no arousal label: masked
    assert summary["model"] == str(run / "model.pt") and summary["test"]["ccc_arousal"] is None

    models = load_checkpoint(run / "model.pt")
    assert models.feature_spec["name"] == "CMU-MOSEI COVAREP/FACET 4.2/GloVe"
    assert models.encoder.config.feature_dims == {"audio": 74, "text": 300, "video": 35}
    assert models.decoders["emotion"].config.emotions == PROTOCOL.emotions
    assert models.metadata["config"]["ship_to"] is None
    with pytest.raises(InvalidInput, match="trained on CMU-MOSEI COVAREP/FACET 4.2/GloVe "
                       "features; the live graph produces hri_emo perception") as error:
        FusionRuntime.from_checkpoint(run / "model.pt", "cpu")
    assert error.value.reason == "feature_space" and str(run / "model.pt") in str(error.value)
    with pytest.raises(InvalidInput, match="retrain with a raw-corpus adapter"):
        DecoderRuntime(models.decoders["emotion"], "d", models.encoder_id,
                       torch.device("cpu"))

    test = splits(release)["test"]  # offline evaluation reads the corpus's own features
    pred = predict(EncoderDecoder(models.encoder, models.decoders["emotion"]), test,
                   torch.device("cpu"))
    assert pred.scores.shape == (10, 6) and np.isfinite(pred.valence_arousal[:, 0]).all()


def _error(capsys, *args) -> str:
    assert cli.main(["train", "fusion", *map(str, args)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("hri-emo train fusion: ")
    return lines[0]


def test_broken_releases_are_one_sentence_errors(release, tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert f"{missing}: no such directory; expected the mosei download" in _error(
        capsys, "--dataset", "mosei", "--data-dir", missing)
    assert "unknown fold 'session1' of mosei; choose one of standard" in _error(
        capsys, "--dataset", "mosei", "--data-dir", release, "--fold", "session1")
    assert "--fold all is for `hri-emo evaluate`" in _error(
        capsys, "--dataset", "mosei", "--data-dir", release, "--fold", "all")
    assert "needs --data-dir" in _error(capsys, "--dataset", "mosei")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert f"{empty} holds no CMU-MOSEI data" in _error(capsys, "--dataset", "mosei",
                                                        "--data-dir", empty)

    partial = tmp_path / "partial"
    write_sdk_release(partial, skip={"All Labels": ["tr03"], "FACET 4.2": ["va01"]})
    line = _error(capsys, "--dataset", "mosei", "--data-dir", partial)
    assert "1 of the 8 train-fold videos (e.g. 'tr03') are missing from" in line
    assert str(partial / FILES["All Labels"]) in line and "--allow-partial" in line
    data = splits(partial, allow_partial=True)
    assert len(data["train"]) == 28  # tr03's four segments are gone
    assert data["calibration"].description()["videos_missing_a_modality"] == {"FACET 4.2": 1}

    (partial / FILES["FACET 4.2"]).unlink()
    assert "lacks the FACET 4.2 sequence(s)" in _error(capsys, "--dataset", "mosei",
                                                       "--data-dir", partial)
    (partial / "cmu_mosei_std_folds.py").unlink()
    with pytest.raises(CorpusError, match="has no standard folds: expected "
                       "cmu_mosei_std_folds.py"):
        splits(partial, allow_partial=True)


def test_fold_files_in_the_sdk_layout_and_as_json_agree(tmp_path):
    folds = fold_ids()
    sdk = write_fold_file(tmp_path / "cmu_mosei_std_folds.py", folds)
    sdk.write_text("import os\nos.system('false')\n" + sdk.read_text())  # parsed, never run
    as_json = tmp_path / "mosei_folds.json"
    as_json.write_text(json.dumps(folds))
    assert read_folds(sdk) == read_folds(as_json) == folds
    broken = tmp_path / "broken.py"
    broken.write_text("standard_train_fold=['a']\nstandard_valid_fold=['b']\n")
    with pytest.raises(CorpusError, match="no list of video ids for the test fold"):
        read_folds(broken)
