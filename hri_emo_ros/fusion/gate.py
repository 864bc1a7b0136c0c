# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Vector-wise modality gate: the seed's beta generalised from two to any set of modalities.

For every feature dimension j the gate gives weights beta[m, j] >= 0 over the modalities m
that are present, summing to 1; an absent modality's logit is -inf, so its weight is exactly
0 and the others renormalise. The logits see each modality's pooled representation, the
pooled context of all present modalities and the modality's mean input quality, plus a
quality prior `softplus(s_m) * log(quality_m)` with a learned non-negative scale: a modality
whose quality drops loses weight in every dimension unless its content argues otherwise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

QUALITY_FLOOR = 0.02


class ModalityGate(nn.Module):
    def __init__(self, width: int, modalities: int, quality_prior: bool = True) -> None:
        super().__init__()
        inputs = 2 * width + 1
        self.weight = nn.Parameter(torch.randn(modalities, inputs, width) * inputs**-0.5 * 0.5)
        self.bias = nn.Parameter(torch.zeros(modalities, width))
        self.quality_prior = quality_prior
        # softplus(0.5413) == 1.0: the prior starts as log(quality).
        self.quality_scale = nn.Parameter(torch.full((modalities,), 0.5413))

    def forward(
        self, summaries: torch.Tensor, quality: torch.Tensor, present: torch.Tensor
    ) -> torch.Tensor:
        """summaries (B, M, W), quality (B, M) in [0, 1], present (B, M) bool -> (B, M, W)."""
        weights = present.unsqueeze(-1).to(summaries.dtype)
        context = (summaries * weights).sum(1, keepdim=True) / weights.sum(1, keepdim=True).clamp(
            min=1.0
        )
        inputs = torch.cat(
            [summaries, context.expand_as(summaries), quality.unsqueeze(-1)], dim=-1
        )
        logits = torch.einsum("bmi,miw->bmw", inputs, self.weight) + self.bias
        if self.quality_prior:
            prior = F.softplus(self.quality_scale) * torch.log(quality.clamp(min=QUALITY_FLOOR))
            logits = logits + prior.unsqueeze(-1)
        logits = logits.masked_fill(~present.unsqueeze(-1), float("-inf"))
        return torch.softmax(logits, dim=1)
