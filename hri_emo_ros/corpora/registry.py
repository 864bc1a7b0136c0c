# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Which corpora hri_emo knows, the protocol each is trained and evaluated with, and where
its adapter lives.

A corpus module defines `PROTOCOL` (a `Protocol`) and registers its dataset factory with
`hri_emo_ros.fusion.dataset.register_adapter(PROTOCOL.name, factory)` when imported. The
factory receives the training config's `data` section, which for a corpus holds at least
`data_dir` and `fold` (None = the protocol's default), and returns the train/calibration/
test splits as `FusionDataset`s labelled with `PROTOCOL.emotions`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

CORPUS_MODULES: dict[str, str] = {
    "bootstrap": "hri_emo_ros.fusion.bootstrap_corpus",
    "mosei": "hri_emo_ros.corpora.mosei",
    "iemocap": "hri_emo_ros.corpora.iemocap",
    "cremad": "hri_emo_ros.corpora.cremad",
    "ravdess": "hri_emo_ros.corpora.ravdess",
}


@dataclass(frozen=True)
class Protocol:
    """How a corpus is split, labelled and scored."""

    name: str
    emotions: tuple[str, ...]       # the decoder's label set for this corpus, in order
    folds: tuple[str, ...]          # named folds of a cross-validation protocol, or one name
    default_fold: str
    metrics: str                    # "mosei" | "iemocap" | "categorical"
    split: str                      # one sentence naming the split, for reports and the card
    licence: str                    # the terms a user must accept to obtain the data


def protocol(name: str) -> Protocol:
    """The protocol of corpus `name`; importing its module also registers its adapter."""
    if name not in CORPUS_MODULES:
        raise ValueError(f"unknown dataset '{name}'; choose from {', '.join(CORPUS_MODULES)}")
    module = importlib.import_module(CORPUS_MODULES[name])
    return module.PROTOCOL
