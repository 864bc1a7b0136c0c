# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The dataset interface of the fusion trainer, and how adapters are found.

A corpus adapter (bootstrap corpus, CMU-MOSEI, IEMOCAP, your own recordings) implements
`FusionDataset`: a length and `sample(index) -> FusionSample`, where a sample holds the
per-modality feature sequences (times in seconds relative to the end of the window, so
<= 0; per-step quality; a missing modality is simply absent), multi-hot emotion labels and
valence/arousal. Any label may be NaN where the corpus does not give it (a sentiment-only
corpus has no emotion labels, most have no arousal): that term is masked in the loss and
the metrics, never read as 0. Features are in the live FEATURE_NAMES spaces unless the
dataset sets `feature_dims` (and `feature_space`, `feature_names`) to a corpus's own
precomputed features, which the model then reads through projections of those widths.
Adapters are registered by name with `register_adapter`, or named in the config as
"package.module:factory"; neither the model nor the trainer changes.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.fusion.batching import FusionBatch, collate_steps
from hri_emo_ros.fusion.feature_space import (
    LIVE_FEATURE_SPACE,
    corpus_feature_spec,
    live_feature_spec,
)
from hri_emo_ros.fusion.records import ModalitySteps


@dataclass
class FusionSample:
    modalities: dict[str, ModalitySteps]
    labels: np.ndarray                  # (E,) multi-hot in {0, 1}; NaN = not labelled
    valence: float = float("nan")       # [-1, 1] or NaN if unlabelled
    arousal: float = float("nan")
    info: dict = field(default_factory=dict)


class FusionDataset(ABC):
    """A split of a corpus; `emotions` names the label columns in order."""

    emotions: tuple[str, ...]
    feature_dims: dict[str, int] | None = None    # None: the live perception spaces
    feature_names: dict[str, tuple[str, ...]] | None = None
    feature_space: str = LIVE_FEATURE_SPACE        # what the features are, for messages

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def sample(self, index: int) -> FusionSample: ...

    def set_epoch(self, epoch: int) -> None:
        """Called before each training epoch (simulated corpora redraw their noise)."""
        self.epoch = epoch

    def description(self) -> dict:
        """What the data is, for the checkpoint's metadata and the model card."""
        return {"adapter": type(self).__name__, "samples": len(self)}

    def dims(self) -> dict[str, int]:
        return dict(FEATURE_DIMS if self.feature_dims is None else self.feature_dims)

    def feature_spec(self) -> dict:
        """What the model trained on this data reads (recorded in its checkpoint)."""
        if self.feature_dims is None:
            return live_feature_spec()
        return corpus_feature_spec(self.feature_space, self.feature_dims, self.feature_names)


DatasetFactory = Callable[[dict, Sequence[str]], dict[str, FusionDataset]]
_ADAPTERS: dict[str, DatasetFactory] = {}


def register_adapter(name: str, factory: DatasetFactory) -> None:
    """`factory(data_config, emotions) -> {"train": ..., "calibration": ..., "test": ...}`."""
    _ADAPTERS[name] = factory


def build_datasets(data_config: dict, emotions: Sequence[str]) -> dict[str, FusionDataset]:
    name = data_config["adapter"]
    if name not in _ADAPTERS and name == "bootstrap":
        importlib.import_module("hri_emo_ros.fusion.bootstrap_corpus")
    if name in _ADAPTERS:
        factory = _ADAPTERS[name]
    elif ":" in name:
        module, attribute = name.split(":", 1)
        factory = getattr(importlib.import_module(module), attribute)
    else:
        raise ValueError(f"unknown dataset adapter '{name}'; registered: {sorted(_ADAPTERS)}")
    splits = factory(data_config, tuple(emotions))
    for split in ("train", "calibration", "test"):
        if split not in splits:
            raise ValueError(f"adapter '{name}' returned no '{split}' split")
        if tuple(splits[split].emotions) != tuple(emotions):
            raise ValueError(f"adapter '{name}' labels {splits[split].emotions} do not match "
                             f"the decoder's emotions {tuple(emotions)}")
        if splits[split].feature_spec() != splits["train"].feature_spec():
            raise ValueError(f"adapter '{name}': the {split} split has other features than "
                             f"the train split")
    return splits


@dataclass
class Targets:
    labels: torch.Tensor        # (B, E), 0 where unlabelled
    valence_arousal: torch.Tensor  # (B, 2), NaN where unlabelled
    label_mask: torch.Tensor | None = None  # (B, E) bool, True where labelled; None = all

    def __post_init__(self) -> None:
        if self.label_mask is None:
            self.label_mask = torch.ones_like(self.labels, dtype=torch.bool)

    def to(self, device: torch.device) -> Targets:
        return Targets(self.labels.to(device), self.valence_arousal.to(device),
                       self.label_mask.to(device))

    def labels_with_nan(self) -> torch.Tensor:
        return self.labels.masked_fill(~self.label_mask, float("nan"))


def collate_samples(samples: Sequence[FusionSample], max_steps: dict[str, int] | None = None,
                    feature_dims: dict[str, int] | None = None) -> tuple[FusionBatch, Targets]:
    batch = collate_steps([s.modalities for s in samples], None, max_steps,
                          feature_dims=feature_dims)
    raw = torch.from_numpy(np.stack([s.labels for s in samples]).astype(np.float32))
    known = torch.isfinite(raw)
    va = torch.tensor([[s.valence, s.arousal] for s in samples], dtype=torch.float32)
    return batch, Targets(torch.where(known, raw, torch.zeros_like(raw)), va, known)


def drop_modalities(sample: FusionSample, rng: np.random.Generator) -> FusionSample:
    """Keep a random non-empty proper subset of the sample's modalities (if it has two+)."""
    names = sorted(sample.modalities)
    if len(names) < 2:
        return sample
    keep = rng.choice(names, int(rng.integers(1, len(names))), replace=False)
    return FusionSample({m: sample.modalities[m] for m in sorted(keep)}, sample.labels,
                        sample.valence, sample.arousal, sample.info)


class TorchView(torch.utils.data.Dataset):
    """Lets a torch DataLoader index a FusionDataset, with optional modality dropout: with
    probability `modality_dropout` a sample loses a random subset of its modalities (never
    all), so the model learns to work from any subset whatever the corpus provides."""

    def __init__(self, dataset: FusionDataset, modality_dropout: float = 0.0,
                 seed: int = 0) -> None:
        self.dataset, self.modality_dropout, self.seed = dataset, modality_dropout, seed

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> FusionSample:
        sample = self.dataset.sample(index)
        if self.modality_dropout > 0.0:
            epoch = getattr(self.dataset, "epoch", 0)
            rng = np.random.default_rng([self.seed, 7, epoch, index])
            if rng.random() < self.modality_dropout:
                sample = drop_modalities(sample, rng)
        return sample
