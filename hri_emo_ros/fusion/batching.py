# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Pad several people's (or samples') modality steps into one batch of tensors.

Every modality of MODALITIES is always in the batch, padded to at least one step; a modality
that an item lacks has an all-False mask, which is how the model knows it is absent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from hri_emo_ros.common.feature_spec import FEATURE_DIMS, MODALITIES
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import ModalitySteps


@dataclass
class FusionBatch:
    features: dict[str, torch.Tensor]   # (B, T_m, D_m) raw features
    mask: dict[str, torch.Tensor]       # (B, T_m) bool, True where a step is real
    quality: dict[str, torch.Tensor]    # (B, T_m) in [0, 1]
    times: dict[str, torch.Tensor]      # (B, T_m) seconds relative to the window end (<= 0)
    steps_back: dict[str, torch.Tensor]  # (B, T_m) steps before the newest one (0 at padding)
    token_modality: torch.Tensor        # (sum of T_m,) modality index of each padded step

    @property
    def batch_size(self) -> int:
        return int(next(iter(self.mask.values())).shape[0])

    def present(self) -> torch.Tensor:
        """(B, M) bool: which modalities each item has, in MODALITIES order."""
        return torch.stack([self.mask[m].any(dim=1) for m in MODALITIES], dim=1)

    def to(self, device: torch.device) -> FusionBatch:
        if device.type == "cpu":
            return self

        def move(d: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
            return {k: v.to(device, non_blocking=True) for k, v in d.items()}

        return FusionBatch(move(self.features), move(self.mask), move(self.quality),
                           move(self.times), move(self.steps_back),
                           self.token_modality.to(device, non_blocking=True))


def collate_steps(
    items: Sequence[Mapping[str, ModalitySteps]],
    reference_times: Sequence[float] | None = None,
    max_steps: Mapping[str, int] | None = None,
    fixed_width: bool = False,
    feature_dims: Mapping[str, int] | None = None,
) -> FusionBatch:
    """Pad `items` (one mapping modality -> steps per person) into a FusionBatch.

    `reference_times[i]` is the window end of item i (default 0: times already relative).
    `max_steps` keeps only the newest steps of a modality; with `fixed_width` every modality
    is padded to exactly max_steps (fixed shapes, e.g. for CUDA graphs). `feature_dims` are
    the widths of the features (default: the live perception spaces, FEATURE_DIMS). An item
    with no modality raises InvalidInput('no_features').
    """
    dims = FEATURE_DIMS if feature_dims is None else feature_dims
    if not items:
        raise InvalidInput("empty", "nothing to collate")
    refs = [0.0] * len(items) if reference_times is None else list(reference_times)
    for index, item in enumerate(items):
        if not any(m in item for m in MODALITIES):
            raise InvalidInput("no_features", f"item {index} has no modality to fuse")
        unknown = set(item) - set(MODALITIES)
        if unknown:
            raise InvalidInput("unknown_modality", f"item {index}: {sorted(unknown)}")
    batch = len(items)
    features, mask, quality, times, back, widths = {}, {}, {}, {}, {}, []
    for modality in MODALITIES:
        cap = (max_steps or {}).get(modality)
        lengths = []
        for item in items:
            steps = item.get(modality)
            n = 0 if steps is None else steps.steps
            lengths.append(n if cap is None else min(n, cap))
        width = cap if fixed_width and cap else max(1, max(lengths))
        dim = dims[modality]
        f = np.zeros((batch, width, dim), dtype=np.float32)
        q = np.zeros((batch, width), dtype=np.float32)
        t = np.zeros((batch, width), dtype=np.float32)
        k = np.zeros((batch, width), dtype=bool)
        s = np.zeros((batch, width), dtype=np.float32)
        for i, item in enumerate(items):
            n = lengths[i]
            if n == 0:
                continue
            steps = item[modality]
            if steps.features.ndim != 2 or steps.features.shape[1] != dim:
                raise InvalidInput("wrong_dimension", f"item {i}: {modality} features of shape "
                                   f"{steps.features.shape}, expected (steps, {dim})")
            f[i, :n] = steps.features[-n:]
            q[i, :n] = steps.quality[-n:]
            t[i, :n] = np.asarray(steps.step_times[-n:], dtype=np.float64) - refs[i]
            k[i, :n] = True
            s[i, :n] = np.arange(n - 1, -1, -1)
        features[modality] = torch.from_numpy(f)
        quality[modality] = torch.from_numpy(q)
        times[modality] = torch.from_numpy(t)
        mask[modality] = torch.from_numpy(k)
        back[modality] = torch.from_numpy(s)
        widths.append(width)
    token_modality = torch.from_numpy(np.repeat(np.arange(len(MODALITIES)), widths))
    return FusionBatch(features, mask, quality, times, back, token_modality)
