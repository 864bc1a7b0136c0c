# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One level's joint-embedding predictive architecture (torch; used only for learning).

Per level: a context encoder, a target encoder that is an exponential moving average of it
(no gradients), and a narrow predictor. All three levels use the same shapes:

    encoder      z = E(u) = [u_va, W u_rest + c]    valence/arousal pass through unchanged,
                 W (7x7) is kept invertible: singular values are projected into [s_min, s_max]
    predictor    z^ = pi + rho_relax (sg(E_tgt(u_t)) - pi) + (1 - rho_shift) g(E_ctx(u_t), pi)
                 pi: the prior sent down by the level above (the trend, at the top),
                 rho = exp(-dt / tau), g = a * tanh(MLP): a bounded, learned attractor shift.
                 The relaxation is a skip path through the (stop-gradient) target encoding,
                 so beliefs are never pushed through a context/target mismatch; the context
                 encoding enters through g only.
    loss         precision-weighted smooth-L1 between z^ and sg(E_tgt(u_{t+1})), in latent space
    target       E_tgt <- m E_tgt + (1 - m) E_ctx      after every optimiser step

The encoders are linear so that the levels' beliefs can be mapped exactly between latent
spaces (priors down, errors up) and re-expressed when the encoders learn; linear JEPAs
learn to weight predictable, low-noise directions (Littwin et al., 2024).
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn import functional


class AnchoredAffineEncoder(nn.Module):
    """z = [u[:anchored], u[anchored:] @ W^T + c], W initialised to the identity."""

    def __init__(self, dim: int, anchored: int) -> None:
        super().__init__()
        self.anchored = anchored
        self.weight = nn.Parameter(torch.eye(dim - anchored))
        self.bias = nn.Parameter(torch.zeros(dim - anchored))

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        tail = u[..., self.anchored:] @ self.weight.T + self.bias
        return torch.cat([u[..., :self.anchored], tail], dim=-1)

    def inverse(self, z: torch.Tensor) -> torch.Tensor:
        tail = torch.linalg.solve(self.weight, (z[..., self.anchored:] - self.bias).T).T
        return torch.cat([z[..., :self.anchored], tail], dim=-1)

    @torch.no_grad()
    def project_(self, low: float, high: float) -> None:
        """Clamp the singular values of W into [low, high]: invertible, never collapsed."""
        u, s, vh = torch.linalg.svd(self.weight)
        self.weight.copy_(u @ torch.diag(s.clamp(low, high)) @ vh)


class AttractorPredictor(nn.Module):
    """g(c, pi) = scale * tanh(MLP([c, pi])); starts at exactly zero (last layer zeroed)."""

    def __init__(self, dim: int, hidden: int, scale: float) -> None:
        super().__init__()
        self.scale = scale
        self.hidden = nn.Linear(2 * dim, hidden)
        self.out = nn.Linear(hidden, dim)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, context: torch.Tensor, prior: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.hidden(torch.cat([context, prior], dim=-1)))
        return self.scale * torch.tanh(self.out(h))


class LevelJEPA(nn.Module):
    def __init__(self, dim: int, anchored: int, hidden: int, residual_scale: float) -> None:
        super().__init__()
        self.context_encoder = AnchoredAffineEncoder(dim, anchored)
        self.target_encoder = copy.deepcopy(self.context_encoder).requires_grad_(False)
        self.predictor = AttractorPredictor(dim, hidden, residual_scale)

    def predict(self, u_context: torch.Tensor, prior: torch.Tensor, rho_relax: torch.Tensor,
                rho_shift: torch.Tensor) -> torch.Tensor:
        """z^ for inputs `u_context` (level-below space); `prior` in this level's space."""
        with torch.no_grad():
            belief = self.target_encoder(u_context)
        shift = self.predictor(self.context_encoder(u_context), prior)
        return prior + rho_relax * (belief - prior) + (1.0 - rho_shift) * shift

    def loss(self, u_context: torch.Tensor, prior: torch.Tensor, u_next: torch.Tensor,
             rho_relax: torch.Tensor, rho_shift: torch.Tensor,
             weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return (loss, raw latent errors); `prior` is already in this level's target space."""
        with torch.no_grad():
            target = self.target_encoder(u_next)
        error = self.predict(u_context, prior, rho_relax, rho_shift) - target
        weighted = error * weights.sqrt()
        loss = functional.smooth_l1_loss(weighted, torch.zeros_like(weighted), beta=1.0)
        return loss, error.detach()

    @torch.no_grad()
    def update_target(self, momentum: float) -> None:
        for target, online in zip(self.target_encoder.parameters(),
                                  self.context_encoder.parameters(), strict=True):
            target.mul_(momentum).add_(online, alpha=1.0 - momentum)
