# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The arguments of a fusion training run, shared by `hri-emo train fusion` and
`python -m hri_emo_ros.fusion.trainer` (so `torchrun ... -m hri_emo_ros.fusion.trainer`
takes the same ones), and the training config they make.

With `--dataset NAME` the config is built from the corpus's protocol (corpora/registry.py):
DEFAULT_CONFIG (or `--config YAML` for hyper-parameters), the corpus module's
`DATA_DEFAULTS`, `data.adapter/data_dir/fold/source/allow_partial` from the flags,
`model.emotions` = the protocol's emotions, `run_dir` = runs/fusion-<dataset>-<fold> and no
`ship_to`, whatever the YAML says (its data section is kept only when its `data.adapter` is
that dataset). `--set key=value` overrides come last (`--set ship_to=models/x.pt`).
"""

from __future__ import annotations

import argparse
import copy
import importlib
from pathlib import Path

from hri_emo_ros.corpora.registry import CORPUS_MODULES, protocol
from hri_emo_ros.fusion.train_config import DEFAULT_CONFIG, deep_merge, load_config

DATA_DIR_OPTIONAL = ("bootstrap",)  # its data_dir is the download cache (~/.cache/hri_emo)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="YAML",
                        help="training configuration, e.g. config/train_fusion.yaml "
                             "(optional with --dataset: hyper-parameters only)")
    parser.add_argument("--dataset", choices=tuple(CORPUS_MODULES),
                        help="train on a corpus with its protocol (labels, folds, splits)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where the corpus lies (its own layout, see the README)")
    parser.add_argument("--fold", metavar="F",
                        help="the protocol fold to hold out (default: the protocol's); "
                             "'all' is for `hri-emo evaluate`, not for training")
    parser.add_argument("--source", metavar="S",
                        help="which form of the corpus to read (default auto), e.g. for mosei: "
                             "csd | mmsa | mult")
    parser.add_argument("--allow-partial", action="store_true",
                        help="train even when videos/sessions of the protocol are missing")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="override a config value, e.g. train.epochs=2")


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Train the hri_emo fusion model.")
    add_arguments(parser)
    return parser


def config_from_args(args: argparse.Namespace) -> dict:
    """The training config the arguments ask for; ValueError with one sentence if they
    cannot make one."""
    if args.dataset is None:
        corpus_flags = [flag for flag, value in (
            ("--data-dir", args.data_dir), ("--fold", args.fold), ("--source", args.source),
            ("--allow-partial", args.allow_partial)) if value]
        if corpus_flags:
            raise ValueError(f"{', '.join(corpus_flags)} need --dataset NAME "
                             f"({', '.join(CORPUS_MODULES)})")
        if args.config is None:
            raise ValueError("give --config YAML, or --dataset NAME --data-dir DIR")
        return _read_yaml(args.config)
    return corpus_config(args.dataset, args.data_dir, args.fold, args.source,
                         args.allow_partial, args.config)


def corpus_config(dataset: str, data_dir: Path | None, fold: str | None = None,
                  source: str | None = None, allow_partial: bool = False,
                  config_path: Path | None = None) -> dict:
    try:
        proto = protocol(dataset)
    except ModuleNotFoundError as error:
        if error.name != CORPUS_MODULES[dataset]:
            raise
        raise ValueError(f"the {dataset} adapter ({error.name}) is not in this "
                         f"installation") from None
    fold = fold or proto.default_fold
    if fold == "all":
        raise ValueError(f"--fold all is for `hri-emo evaluate`, which scores one checkpoint "
                         f"per fold; train each fold of {dataset} on its own with --fold F "
                         f"({', '.join(proto.folds)})")
    if fold not in proto.folds:
        raise ValueError(f"unknown fold '{fold}' of {dataset}; choose one of "
                         f"{', '.join(proto.folds)}")
    if data_dir is None and dataset not in DATA_DIR_OPTIONAL:
        raise ValueError(f"--dataset {dataset} needs --data-dir DIR, the directory holding "
                         f"the {dataset} download")
    if data_dir is not None:
        data_dir = data_dir.expanduser()
        if not data_dir.is_dir():
            raise ValueError(f"{data_dir}: no such directory; expected the {dataset} "
                             f"download there")
    base = _read_yaml(config_path) if config_path else copy.deepcopy(DEFAULT_CONFIG)
    own = base.get("data", {}).get("adapter") == dataset  # a YAML written for this corpus
    defaults = getattr(importlib.import_module(CORPUS_MODULES[dataset]), "DATA_DEFAULTS", {})
    data = deep_merge({"max_steps": DEFAULT_CONFIG["data"]["max_steps"]}, defaults)
    if own:
        data = deep_merge(data, base["data"])
    data.update({"adapter": dataset, "fold": fold, "allow_partial": bool(allow_partial),
                 "source": source or data.get("source", "auto")})
    if data_dir is not None:
        data["data_dir"] = str(data_dir)
    base["data"] = data
    base["model"]["emotions"] = list(proto.emotions)
    base["run_dir"] = f"runs/fusion-{dataset}-{fold}"
    base["ship_to"] = None  # never replace a shipped model implicitly
    return base


def _read_yaml(path: Path) -> dict:
    if not Path(path).is_file():
        raise ValueError(f"{path}: training configuration not found")
    return load_config(path)
