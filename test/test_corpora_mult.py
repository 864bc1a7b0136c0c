# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""MulT pickles (mosei_senti_data*.pkl, iemocap_data*.pkl): exact samples and labels,
sentiment-only training with the emotion labels masked, IEMOCAP through the public command,
and pickles that would run code are refused."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from mosei_test_data import write_mult_pickle

from hri_emo_ros import cli
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.mosei import PROTOCOL
from hri_emo_ros.corpora.mult_pickle import load_mult_splits
from hri_emo_ros.corpora.sequence_arrays import WORD_S
from hri_emo_ros.fusion.checkpoint import load_checkpoint

FAST = ["device=cpu", "model.width=16", "model.heads=2", "train.epochs=6",
        "train.batch_size=8", "train.warmup_steps=4", "train.statistics_samples=64",
        "train.threads=1", "train.modality_dropout=0.0"]


def explicit_split(count: int, labels: np.ndarray) -> dict:
    """Left-padded arrays (T = 6): sample i has i + 1 real text rows and 2 real audio rows,
    and no vision at all."""
    text = np.zeros((count, 6, 300), np.float32)
    audio = np.zeros((count, 6, 74), np.float32)
    for i in range(count):
        text[i, 6 - (i + 1):, 0] = np.arange(1, i + 2)
        audio[i, 4:, 0] = 1.0
        audio[i, 4:, 1] = [5.0, -np.inf]
    return {"vision": np.zeros((count, 6, 35)), "text": text, "audio": audio,
            "labels": labels, "id": np.array([[f"v{i}".encode(), b"1.5", b"4.0"]
                                              for i in range(count)])}


def test_mosei_senti_samples_are_exact(tmp_path):
    path = tmp_path / "mosei_senti_data.pkl"
    data = {split: explicit_split(3, np.array([1.5, -3.0, 0.0]).reshape(3, 1, 1))
            for split in ("train", "valid", "test")}
    path.write_bytes(pickle.dumps(data, protocol=2))
    splits = load_mult_splits(path, "mosei", PROTOCOL.emotions)
    assert set(splits) == {"train", "calibration", "test"}
    train = splits["train"]
    assert len(train) == 3 and train.feature_dims == {"audio": 74, "text": 300, "video": 35}
    assert train.description()["nonfinite_values_zeroed"] == 3  # one -inf per sample
    sample = train.sample(1)
    assert sample.valence == -1.0 and np.isnan(sample.arousal)
    assert np.isnan(sample.labels).all() and sample.labels.shape == (6,)  # masked, not 0
    assert sample.info == {"id": "v1_1.5_4.0", "video_id": "v1", "index": 1,
                           "sentiment": -3.0}
    assert set(sample.modalities) == {"text", "audio"}  # all-zero vision is absent
    text, audio = sample.modalities["text"], sample.modalities["audio"]
    assert text.features[:, 0].tolist() == [1.0, 2.0]  # padding rows dropped
    assert text.step_times.tolist() == pytest.approx([-WORD_S, 0.0])
    assert audio.features[:, 1].tolist() == [5.0, 0.0]  # -inf -> 0, as MulT's loader does
    assert train.sample(0).valence == 0.5


def test_iemocap_one_hots_become_labels_in_any_order(tmp_path):
    data = write_mult_pickle(tmp_path / "iemocap_data.pkl", "iemocap", counts=(12, 4, 4))
    splits = load_mult_splits(tmp_path, "iemocap", ("angry", "neutral", "happy", "sad"))
    raw = data["valid"]["labels"]  # (N, 4, 2) in the order neutral, happy, sad, angry
    present = np.argmax(raw, axis=-1) == 1
    for i in range(4):
        sample = splits["calibration"].sample(i)
        expected = present[i][[3, 0, 1, 2]].astype(np.float32)
        assert sample.labels.tolist() == expected.tolist() and sample.labels.sum() == 1.0
        assert np.isnan(sample.valence)
    with pytest.raises(CorpusError, match="labels only neutral, happy, sad, angry, not fearful"):
        load_mult_splits(tmp_path, "iemocap", ("neutral", "fearful"))
    with pytest.raises(CorpusError, match="holds no MulT pickle; expected "
                       "iemocap_data_noalign.pkl"):
        load_mult_splits(tmp_path, "iemocap", ("neutral", "happy"), aligned=False)


def _train(capsys, data_dir: Path, run: Path, *args: str) -> list[dict]:
    code = cli.main(["train", "fusion", "--data-dir", str(data_dir), *args,
                     *[a for s in FAST + [f"run_dir={run}"] for a in ("--set", s)]])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def test_sentiment_only_training_masks_the_emotion_labels(tmp_path, capsys):
    write_mult_pickle(tmp_path / "mosei_senti_data.pkl", "mosei")
    history = _train(capsys, tmp_path, tmp_path / "run", "--dataset", "mosei",
                     "--source", "mult")
    assert history[-1]["train_total"] < 0.8 * history[0]["train_total"]
    assert history[-1]["val_ccc_valence"] > 0.5
    assert history[-1]["train_bce"] == 0.0 and np.isnan(history[-1]["val_macro_f1"])
    models = load_checkpoint(tmp_path / "run" / "model.pt")
    decoder = models.decoders["emotion"]
    # Treated as 0, the labels would have pushed every score bias down; masked, no gradient
    # ever reached it, so it is still exactly its initial 0.
    assert float(decoder.score_bias.detach().abs().max()) == 0.0
    assert models.feature_spec["name"] == "CMU-MOSEI MulT COVAREP/FACET/GloVe"
    assert models.metadata["test_report"]["calibration"] is None  # nothing to calibrate on


def test_iemocap_mult_pickle_trains_through_the_command(tmp_path, capsys):
    write_mult_pickle(tmp_path / "iemocap_data.pkl", "iemocap", counts=(48, 16, 16))
    history = _train(capsys, tmp_path, tmp_path / "run", "--dataset", "iemocap",
                     "--source", "mult")
    assert history[-1]["train_bce"] < 0.8 * history[0]["train_bce"]
    models = load_checkpoint(tmp_path / "run" / "model.pt")
    assert models.feature_spec["name"] == "IEMOCAP MulT COVAREP/FACET/GloVe"


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    class Payload:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "ran",))

    path = tmp_path / "mosei_senti_data.pkl"
    path.write_bytes(pickle.dumps({"train": {"labels": Payload()}}))
    with pytest.raises(CorpusError, match="asks to build pathlib"):
        load_mult_splits(path, "mosei", PROTOCOL.emotions)
    assert not (tmp_path / "ran").exists()
    (tmp_path / "broken.pkl").write_bytes(b"not a pickle")
    with pytest.raises(CorpusError, match="broken.pkl is not a readable pickle"):
        load_mult_splits(tmp_path / "broken.pkl", "mosei", PROTOCOL.emotions)
