# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""MMSA pickles of CMU-MOSEI (aligned_50.pkl / unaligned_50.pkl): lengths from the arrays,
exact samples, and sentiment training through `hri-emo train fusion --dataset mosei`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from mosei_test_data import write_mmsa_pickle

from hri_emo_ros import cli
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.mosei import PROTOCOL
from hri_emo_ros.fusion.checkpoint import load_checkpoint
from hri_emo_ros.fusion.dataset import build_datasets


def mosei(data_dir, **data) -> dict:
    return build_datasets({"adapter": "mosei", "data_dir": str(data_dir), **data},
                          PROTOCOL.emotions)


def test_aligned_and_unaligned_samples_take_their_lengths_from_the_arrays(tmp_path):
    processed = tmp_path / "Processed"  # MMSA's own layout: MOSEI/Processed/*.pkl
    processed.mkdir()
    aligned = write_mmsa_pickle(processed / "aligned_50.pkl", aligned=True, counts=(6, 3, 3))
    unaligned = write_mmsa_pickle(processed / "unaligned_50.pkl", aligned=False,
                                  counts=(6, 3, 3))
    words = mosei(tmp_path, max_steps={"audio": 50, "text": 50, "video": 50})
    assert words["train"].feature_dims == {"audio": 74, "text": 768, "video": 35}
    assert words["train"].description()["file"] == str(processed / "aligned_50.pkl")
    part = aligned["train"]
    for i in range(6):
        sample = words["train"].sample(i)
        tokens = int(part["text_bert"][i, 1].sum())  # the attention mask
        assert {m: s.steps for m, s in sample.modalities.items()} == {
            "text": tokens, "audio": tokens, "video": tokens}
        assert np.array_equal(sample.modalities["text"].features, part["text"][i, :tokens])
        assert sample.valence == pytest.approx(part["regression_labels"][i] / 3)
        assert np.isnan(sample.labels).all()
        assert sample.info["video_id"] == f"trainvid{i}" and sample.info["text"] == (
            f"sentence {i}")
    assert np.isfinite(words["train"].sample(0).modalities["audio"].features).all()  # -inf

    frames = mosei(tmp_path, align="none", max_steps={"audio": 8, "text": 50, "video": 50})
    part = unaligned["valid"]
    for i in range(3):
        sample = frames["calibration"].sample(i)
        assert sample.modalities["video"].steps == part["vision_lengths"][i]
        assert sample.modalities["audio"].steps == min(8, part["audio_lengths"][i])  # pooled
        assert sample.modalities["audio"].step_times[-1] == 0.0


def test_sentiment_training_through_the_command(tmp_path, capsys):
    write_mmsa_pickle(tmp_path / "aligned_50.pkl", aligned=True)
    run = tmp_path / "run"
    overrides = ["device=cpu", "model.width=16", "model.heads=2", "train.epochs=6",
                 "train.batch_size=8", "train.warmup_steps=4", "train.statistics_samples=64",
                 "train.threads=1", f"run_dir={run}"]
    code = cli.main(["train", "fusion", "--dataset", "mosei", "--data-dir", str(tmp_path),
                     "--source", "mmsa", *[a for s in overrides for a in ("--set", s)]])
    assert code == 0, capsys.readouterr().err
    summary = json.loads(capsys.readouterr().out)
    history = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert history[-1]["train_total"] < 0.8 * history[0]["train_total"]
    assert history[-1]["val_ccc_valence"] > 0.5 and summary["test"]["macro_f1"] is None
    models = load_checkpoint(run / "model.pt")
    assert models.feature_spec["name"] == "CMU-MOSEI MMSA BERT/COVAREP/FACET"
    assert models.encoder.config.feature_dims["text"] == 768


def test_missing_pickles_are_named(tmp_path, capsys):
    write_mmsa_pickle(tmp_path / "aligned_50.pkl", aligned=True, counts=(2, 2, 2))
    with pytest.raises(CorpusError, match="has no unaligned_50.pkl; expected the MMSA pickle "
                       "for data.align=none"):
        mosei(tmp_path, align="none")
    with pytest.raises(CorpusError, match="holds no MulT pickle; expected "
                       "mosei_senti_data.pkl"):
        mosei(tmp_path, source="mult")
    with pytest.raises(CorpusError, match="data.source 'raw' is not one of auto, csd, mmsa"):
        mosei(tmp_path, source="raw")
