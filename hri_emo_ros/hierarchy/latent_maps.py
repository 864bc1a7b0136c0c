# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A frozen numpy copy of the learned maps, used on every frame (no torch, no autograd).

Latent spaces: micro = T_micro(x), state = T_state(micro), pattern = T_pattern(state), where
x is the observation vector and T the target encoders. All maps are affine on the emotion
dimensions and the identity on valence/arousal, so each has an exact inverse; a belief can
be re-expressed when the encoders learn (`remap`) and stored in observation space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hri_emo_ros.hierarchy.observation import ANCHORED_DIMS
from hri_emo_ros.hierarchy.results import LEVEL_NAMES


@dataclass(frozen=True)
class TailAffine:
    """z -> [z_va, M z_rest + c]: identity on the first ANCHORED_DIMS entries."""

    matrix: np.ndarray
    bias: np.ndarray

    def apply(self, z: np.ndarray) -> np.ndarray:
        out = z.copy()
        out[..., ANCHORED_DIMS:] = z[..., ANCHORED_DIMS:] @ self.matrix.T + self.bias
        return out

    def apply_linear(self, z: np.ndarray) -> np.ndarray:
        """The map without its offset (for rates such as a trend)."""
        out = z.copy()
        out[..., ANCHORED_DIMS:] = z[..., ANCHORED_DIMS:] @ self.matrix.T
        return out

    def apply_var(self, var: np.ndarray) -> np.ndarray:
        """Diagonal of M diag(var) M^T (cross-covariances are not tracked)."""
        out = var.copy()
        out[..., ANCHORED_DIMS:] = var[..., ANCHORED_DIMS:] @ (self.matrix ** 2).T
        return out

    def inverse(self) -> TailAffine:
        inv = np.linalg.inv(self.matrix)
        return TailAffine(inv, -inv @ self.bias)

    def then(self, outer: TailAffine) -> TailAffine:
        """outer(self(z))."""
        return TailAffine(outer.matrix @ self.matrix, outer.matrix @ self.bias + outer.bias)


@dataclass(frozen=True)
class PredictorWeights:
    w_hidden: np.ndarray
    b_hidden: np.ndarray
    w_out: np.ndarray
    b_out: np.ndarray
    scale: float

    def shift(self, context: np.ndarray, prior: np.ndarray) -> np.ndarray:
        h = np.tanh(self.w_hidden @ np.concatenate((context, prior)) + self.b_hidden)
        return self.scale * np.tanh(self.w_out @ h + self.b_out)


@dataclass(frozen=True)
class LevelMaps:
    target: TailAffine          # level-below latent -> this level's latent
    target_inv: TailAffine
    context: TailAffine         # the context encoder E_ctx
    context_of_latent: TailAffine   # E_ctx(T^-1 z): the context encoding of a belief
    from_obs: TailAffine        # observation -> this level's latent (the chain of targets)
    to_obs: TailAffine
    predictor: PredictorWeights


@dataclass(frozen=True)
class LatentMaps:
    version: int
    levels: dict[str, LevelMaps]

    @classmethod
    def build(cls, version: int, targets: dict[str, TailAffine],
              contexts: dict[str, TailAffine],
              predictors: dict[str, PredictorWeights]) -> LatentMaps:
        levels: dict[str, LevelMaps] = {}
        chain: TailAffine | None = None
        for name in LEVEL_NAMES:
            target = targets[name]
            target_inv = target.inverse()
            chain = target if chain is None else chain.then(target)
            levels[name] = LevelMaps(target, target_inv, contexts[name],
                                     target_inv.then(contexts[name]), chain, chain.inverse(),
                                     predictors[name])
        return cls(version, levels)

    def change_from(self, old: LatentMaps, name: str) -> TailAffine:
        """The map taking a latent of level `name` written with `old` maps to these maps.

        Use it whole: diagonal variances mapped through it stay put when it is close to the
        identity, whereas two separate trips through observation space inflate them.
        """
        return old.levels[name].to_obs.then(self.levels[name].from_obs)
