# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The trainer on a tiny model: metrics per epoch, resume, checkpoint, calibration, DDP."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp
from fusion_test_data import face_steps, voice_steps, window  # registers "test_face_voice"

from hri_emo_ros.common.feature_spec import EMOTIONS, FEATURE_DIMS
from hri_emo_ros.fusion.bootstrap_corpus import check_domains
from hri_emo_ros.fusion.checkpoint import load_checkpoint
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.train_config import apply_overrides, load_config
from hri_emo_ros.fusion.trainer import train

CONFIG = Path(__file__).resolve().parents[1] / "config" / "train_fusion.yaml"


def tiny_config(run_dir: Path, epochs: int) -> dict:
    return {
        "seed": 7, "device": "cpu", "run_dir": str(run_dir), "ship_to": None,
        "data": {"adapter": "test_face_voice", "size": 32},
        "model": {"width": 16, "heads": 2, "recursion_steps": 2},
        "train": {"epochs": epochs, "batch_size": 8, "statistics_samples": 16,
                  "warmup_steps": 2, "num_workers": 0, "threads": 1},
    }


def test_tiny_run_writes_metrics_resumes_and_gives_a_usable_checkpoint(tmp_path):
    first = train(tiny_config(tmp_path / "run", 1))
    assert [r["epoch"] for r in first.history] == [1]
    assert {"train_total", "train_bce", "val_macro_f1", "val_ccc_valence"} <= set(
        first.history[0])
    resumed = train(tiny_config(tmp_path / "run", 2), {"resume": True,
                                                       "ship_to": str(tmp_path / "ship.pt")})
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2]  # epoch 1 not redone
    assert resumed.shipped_to is not None and resumed.shipped_to.is_file()
    calibration = resumed.report["calibration"]
    assert calibration["temperature"] > 0 and 0 <= calibration["ece_after"] <= 1
    models = load_checkpoint(resumed.shipped_to)
    assert models.decoders["emotion"].config.recursion_steps == 2
    assert float(models.decoders["emotion"].temperature) == pytest.approx(
        calibration["temperature"])
    runtime = FusionRuntime(models, "cpu")
    rng = np.random.default_rng(0)
    result = runtime.process([window("p", 0.0, video=face_steps({"happy": 0.9}, rng),
                                     audio=voice_steps({"happy": 0.9}, rng))])[0]
    assert result.emotion.labels == list(EMOTIONS)
    assert result.fused.width == 16


def test_config_file_and_overrides():
    config = load_config(CONFIG)
    assert config["model"]["emotions"] == list(EMOTIONS)
    assert set(config["data"]["domains"]) == {"tweets", "movieReviewSnippets"}
    before = config["train"]["epochs"]
    changed = apply_overrides(config, ["train.epochs=99", "model.recursion_steps=4"])
    assert changed["train"]["epochs"] == 99 and changed["model"]["recursion_steps"] == 4
    assert config["train"]["epochs"] == before  # overrides never mutate their input
    with pytest.raises(ValueError):
        apply_overrides(config, ["train.epochs"])


def test_reserved_domains_can_never_be_trained_on():
    for reserved in ("nytEditorialSnippets", "amazonReviewSnippets"):
        with pytest.raises(ValueError, match="reserved"):
            check_domains(["tweets", reserved])
    assert check_domains(["tweets"]) == ("tweets",)


def test_bootstrap_corpus_samples_are_in_the_feature_spaces(tmp_path):
    sdist = Path.home() / ".cache" / "hri_emo" / "vaderSentiment-3.3.2.tar.gz"
    if not sdist.is_file():
        pytest.skip("vaderSentiment sdist not cached (pip download --no-binary :all: "
                    "--no-deps vaderSentiment==3.3.2 -d ~/.cache/hri_emo)")
    shutil.copy(sdist, tmp_path / sdist.name)
    from hri_emo_ros.fusion.dataset import build_datasets
    from hri_emo_ros.perception.text_valence_data import load_rated_sentences, split_sentences

    splits = build_datasets({"adapter": "bootstrap", "cache_dir": str(tmp_path),
                             "max_sentences": 60, "seed": 3, "text_source": "minilm+vader"},
                            EMOTIONS)
    heldout = split_sentences(load_rated_sentences(sdist, ("tweets", "movieReviewSnippets")))
    heldout_ids = {f"{s.domain}/{s.sentence_id}" for s in heldout["heldout"]}
    test = splits["test"]
    conflicts = 0
    for index in range(len(test)):
        sample = test.sample(index)
        assert sample.info["sentence_id"] in heldout_ids
        assert sample.labels[EMOTIONS.index(sample.info["emotion"])] == 1.0
        assert -1 <= sample.valence <= 1 and -1 <= sample.arousal <= 1
        conflicts += sample.info["conflict"]
        for name, steps in sample.modalities.items():
            assert steps.features.shape[1] == FEATURE_DIMS[name]
            assert np.isfinite(steps.features).all() and (steps.step_times <= 1e-9).all()
            assert ((steps.quality >= 0) & (steps.quality <= 1)).all()
        if "text" in sample.modalities:
            assert len(sample.modalities["text"].step_labels) == sample.modalities["text"].steps
    again = test.sample(0)
    assert again.info == test.sample(0).info  # evaluation samples are fixed
    train_split = splits["train"]
    train_split.set_epoch(0)
    first = train_split.sample(0).info
    train_split.set_epoch(1)
    assert len(train_split) > len(test) and isinstance(first["conflict"], bool)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ddp_worker(rank: int, port: int, run_dir: str) -> None:
    os.environ.update({"WORLD_SIZE": "2", "RANK": str(rank), "LOCAL_RANK": str(rank),
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    train(tiny_config(Path(run_dir), 1), {"train.max_steps_per_epoch": 2})


@pytest.mark.timeout(120)
def test_two_process_ddp_on_cpu_with_gloo(tmp_path):
    mp.spawn(_ddp_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    record = json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[0])
    assert record["epoch"] == 1 and np.isfinite(record["train_total"])
    assert (tmp_path / "model.pt").is_file()
    assert torch.load(tmp_path / "model.pt", weights_only=True)["format"] == "hri_emo.fusion/1"


def test_modality_dropout_keeps_a_proper_non_empty_subset():
    from fusion_test_data import FaceVoiceCorpus

    from hri_emo_ros.fusion.dataset import TorchView

    corpus = FaceVoiceCorpus(40, 5)
    view = TorchView(corpus, modality_dropout=1.0, seed=1)
    dropped = 0
    for index in range(len(corpus)):
        full, kept = set(corpus.sample(index).modalities), set(view[index].modalities)
        assert kept and kept <= full
        if len(full) > 1:
            assert kept != full
            dropped += 1
    assert dropped > 10
    assert set(TorchView(corpus, 0.0)[3].modalities) == set(corpus.sample(3).modalities)
