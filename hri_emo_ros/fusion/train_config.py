# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Training configuration as plain data: defaults, YAML file, dotted overrides."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from hri_emo_ros.common.feature_spec import EMOTIONS

DEFAULT_CONFIG: dict[str, Any] = {
    "seed": 1234,
    "device": "auto",
    "run_dir": "runs/fusion",
    "resume": False,
    "ship_to": None,            # copy the final model checkpoint here (e.g. models/...)
    "data": {"adapter": "bootstrap", "max_steps": {"audio": 16, "text": 24, "video": 30}},
    "model": {
        "width": 64, "heads": 4, "encoder_layers": 1, "ffn_multiplier": 2, "dropout": 0.1,
        "quality_prior": True, "emotions": list(EMOTIONS), "recursion_steps": 1,
    },
    "train": {
        "epochs": 8, "batch_size": 64, "lr": 2.0e-3, "weight_decay": 0.01,
        "warmup_steps": 100, "grad_clip": 1.0, "num_workers": 0, "max_steps_per_epoch": None,
        "statistics_samples": 2048, "threads": None, "modality_dropout": 0.3,
        "loss": {"bce": 1.0, "ccc": 1.0, "mse": 0.25, "confidence": 0.5, "unimodal": 0.3},
    },
    "calibration": {"bins": 15},
    "latency": {"repeats": 200, "window_s": 2.0},
}


def deep_merge(base: dict, update: Mapping) -> dict:
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def apply_overrides(config: dict, overrides: Mapping[str, Any] | Sequence[str] | None) -> dict:
    """Apply {"train.epochs": 2} or ["train.epochs=2"] (values parsed as YAML)."""
    if not overrides:
        return copy.deepcopy(config)
    if not isinstance(overrides, Mapping):
        pairs = {}
        for item in overrides:
            if "=" not in item:
                raise ValueError(f"override '{item}' is not key=value")
            key, raw = item.split("=", 1)
            pairs[key.strip()] = yaml.safe_load(raw)
        overrides = pairs
    result = copy.deepcopy(config)
    for dotted, value in overrides.items():
        node = result
        keys = dotted.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ValueError(f"override '{dotted}': '{key}' is not a section")
        node[keys[-1]] = value
    return result


def load_config(path: str | Path) -> dict:
    """DEFAULT_CONFIG updated with the YAML file at `path`."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - set(DEFAULT_CONFIG)
    if unknown:
        raise ValueError(f"{path}: unknown top-level keys {sorted(unknown)}")
    return deep_merge(DEFAULT_CONFIG, data)
