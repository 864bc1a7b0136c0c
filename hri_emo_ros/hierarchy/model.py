# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The learned parameters shared by all people: one LevelJEPA per level, saved and loaded."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from hri_emo_ros.hierarchy.errors import CorruptParameters
from hri_emo_ros.hierarchy.jepa import AnchoredAffineEncoder, LevelJEPA
from hri_emo_ros.hierarchy.latent_maps import LatentMaps, PredictorWeights, TailAffine
from hri_emo_ros.hierarchy.observation import ANCHORED_DIMS, OBS_DIM
from hri_emo_ros.hierarchy.results import LEVEL_NAMES

CHECKPOINT_FORMAT = "hri_emo.hierarchy/1"


class HierarchyModel(nn.Module):
    def __init__(self, hidden: int = 16, residual_scale: float = 0.25) -> None:
        super().__init__()
        self.hidden = hidden
        self.residual_scale = residual_scale
        self.levels = nn.ModuleDict({
            name: LevelJEPA(OBS_DIM, ANCHORED_DIMS, hidden, residual_scale)
            for name in LEVEL_NAMES})
        self.version = 0

    def level(self, name: str) -> LevelJEPA:
        return self.levels[name]  # type: ignore[return-value]

    def snapshot(self, changed: str | None = None, previous: LatentMaps | None = None
                 ) -> LatentMaps:
        """Copy the current maps into numpy for the per-frame path (bumps the version).

        With `changed` and `previous`, only that level's parameters are copied anew.
        """
        self.version += 1
        targets, contexts, predictors = {}, {}, {}
        for name in LEVEL_NAMES:
            if previous is not None and name != changed:
                old = previous.levels[name]
                targets[name], contexts[name] = old.target, old.context
                predictors[name] = old.predictor
                continue
            level = self.level(name)
            targets[name] = _affine(level.target_encoder)
            contexts[name] = _affine(level.context_encoder)
            p = level.predictor
            predictors[name] = PredictorWeights(
                _np(p.hidden.weight), _np(p.hidden.bias), _np(p.out.weight), _np(p.out.bias),
                float(p.scale))
        return LatentMaps.build(self.version, targets, contexts, predictors)

    def to_bytes(self, extra: dict[str, Any] | None = None) -> bytes:
        buffer = io.BytesIO()
        torch.save({"format": CHECKPOINT_FORMAT, "hidden": self.hidden,
                    "residual_scale": self.residual_scale,
                    "state_dict": {k: v.detach().cpu() for k, v in self.state_dict().items()},
                    "extra": extra or {}}, buffer)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[HierarchyModel, dict[str, Any]]:
        """Rebuild a model; raise CorruptParameters saying what is wrong."""
        try:
            blob = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
        except Exception as err:  # torch raises many types for a damaged archive
            raise CorruptParameters("unreadable", f"hierarchy parameters unreadable: {err}") \
                from None
        if not isinstance(blob, dict) or blob.get("format") != CHECKPOINT_FORMAT:
            raise CorruptParameters("wrong_format", f"not a {CHECKPOINT_FORMAT} checkpoint")
        for key in ("hidden", "residual_scale", "state_dict"):
            if key not in blob:
                raise CorruptParameters("missing_key", f"checkpoint lacks '{key}'")
        model = cls(int(blob["hidden"]), float(blob["residual_scale"]))
        expected = model.state_dict()
        state = blob["state_dict"]
        if set(state) != set(expected):
            missing = sorted(set(expected) ^ set(state))
            raise CorruptParameters("missing_key", f"checkpoint keys differ at {missing[0]}")
        for key, value in state.items():
            if tuple(value.shape) != tuple(expected[key].shape):
                raise CorruptParameters("wrong_shape", f"{key}: shape {tuple(value.shape)}, "
                                        f"expected {tuple(expected[key].shape)}")
            if not torch.isfinite(value).all():
                raise CorruptParameters("nan_values", f"{key} holds NaN or Inf")
        model.load_state_dict(state)
        return model, dict(blob.get("extra", {}))

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> Path:
        """Write a checkpoint file atomically (temporary file, then rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(self.to_bytes(extra))
        os.replace(temporary, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> tuple[HierarchyModel, dict[str, Any]]:
        return cls.from_bytes(Path(path).read_bytes())


def _np(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().double().numpy().copy()


def _affine(encoder: AnchoredAffineEncoder) -> TailAffine:
    return TailAffine(_np(encoder.weight), _np(encoder.bias))
