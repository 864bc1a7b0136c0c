# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The training config that `hri-emo train fusion` arguments make (no training here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.corpora.registry import protocol
from hri_emo_ros.fusion.train_args import build_parser, config_from_args
from hri_emo_ros.fusion.train_config import DEFAULT_CONFIG

YAML = Path(__file__).resolve().parents[1] / "config" / "train_fusion.yaml"


def config(*argv: str) -> dict:
    return config_from_args(build_parser("test").parse_args(list(argv)))


def test_a_dataset_sets_protocol_labels_run_dir_and_never_ships(tmp_path):
    made = config("--dataset", "mosei", "--data-dir", str(tmp_path))
    assert made["model"]["emotions"] == list(protocol("mosei").emotions)
    assert made["run_dir"] == "runs/fusion-mosei-standard" and made["ship_to"] is None
    assert made["data"] == {"adapter": "mosei", "data_dir": str(tmp_path), "fold": "standard",
                            "source": "auto", "allow_partial": False, "align": "words",
                            "visual": "facet",
                            "max_steps": {"audio": 50, "text": 50, "video": 50}}
    assert made["train"] == DEFAULT_CONFIG["train"]
    # The shipped YAML ships the bootstrap model; with --dataset it gives hyper-parameters only.
    with_yaml = config("--config", str(YAML), "--dataset", "mosei", "--data-dir",
                       str(tmp_path), "--source", "mmsa", "--allow-partial")
    assert with_yaml["ship_to"] is None and with_yaml["train"]["threads"] == 1
    assert with_yaml["data"]["source"] == "mmsa" and with_yaml["data"]["allow_partial"]
    assert "domains" not in with_yaml["data"]
    bootstrap = config("--config", str(YAML), "--dataset", "bootstrap")
    assert bootstrap["ship_to"] is None and bootstrap["model"]["emotions"] == list(EMOTIONS)
    assert bootstrap["data"]["domains"] == ["tweets", "movieReviewSnippets"]
    assert bootstrap["run_dir"] == "runs/fusion-bootstrap-standard"
    assert "data_dir" not in bootstrap["data"]  # its cache_dir stays the YAML's


def test_without_a_dataset_the_yaml_is_the_config():
    assert config("--config", str(YAML))["ship_to"] == "models/fusion_bootstrap.pt"
    with pytest.raises(ValueError, match="give --config YAML, or --dataset NAME"):
        config()
    with pytest.raises(ValueError, match="--data-dir, --fold need --dataset NAME"):
        config("--config", str(YAML), "--data-dir", "x", "--fold", "standard")
    with pytest.raises(ValueError, match="missing.yaml: training configuration not found"):
        config("--config", "missing.yaml")
