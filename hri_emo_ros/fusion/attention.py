# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Masked multi-head attention that can return its weights, and the blocks built from it.

Where weights are needed (the cross-modal alignment maps) attention is written out and a
query whose mask allows no key at all (cross-modal attention when only one modality is
present) gets a zero output, never NaN. Elsewhere the fused scaled_dot_product_attention
kernel is used, and callers guarantee that every query row allows at least one key.
Blocks are written with torch.nn.functional calls: at these sizes a one-person forward pass
is dominated by per-call overhead, not arithmetic.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

MASKED_SCORE = -1.0e9


def dropout(x: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    """F.dropout that costs nothing at inference."""
    return F.dropout(x, p, True) if training and p > 0.0 else x


class MaskedAttention(nn.Module):
    def __init__(self, width: int, heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if width % heads:
            raise ValueError(f"width {width} is not divisible by heads {heads}")
        self.heads, self.head_dim, self.width, self.dropout = heads, width // heads, width, dropout
        self.in_proj = nn.Linear(width, 3 * width)   # query, key, value
        self.out = nn.Linear(width, width)

    def _heads(self, x: torch.Tensor, parts: int) -> tuple[torch.Tensor, ...]:
        b, n, _ = x.shape
        return x.view(b, n, parts, self.heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)

    def forward(
        self, query: torch.Tensor, memory: torch.Tensor | None, allowed: torch.Tensor,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """query (B, Nq, W); memory (B, Nk, W) or None for self-attention; allowed
        (B, Nq, Nk) bool. Returns (B, Nq, W) and, if asked, head-averaged weights."""
        b, nq, w = query.shape
        if memory is None:
            q, k, v = self._heads(self.in_proj(query), 3)
        else:
            weight, bias = self.in_proj.weight, self.in_proj.bias
            (q,) = self._heads(F.linear(query, weight[:w], bias[:w]), 1)
            k, v = self._heads(F.linear(memory, weight[w:], bias[w:]), 2)
        p = self.dropout if self.training else 0.0
        if not need_weights:
            mixed = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed.unsqueeze(1),
                                                   dropout_p=p)
            return self.out(mixed.transpose(1, 2).reshape(b, nq, w)), None
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        weights = torch.softmax(scores.masked_fill(~allowed.unsqueeze(1), MASKED_SCORE), dim=-1)
        weights = weights * allowed.any(dim=-1, keepdim=True).unsqueeze(1)  # no key: zero
        mixed = torch.matmul(dropout(weights, p, self.training), v)
        return self.out(mixed.transpose(1, 2).reshape(b, nq, w)), weights.mean(dim=1)


class ResidualAttention(nn.Module):
    """x <- LayerNorm(x + Dropout(Attention(x, memory))) (post-norm, as in the seed)."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.attention = MaskedAttention(width, heads, dropout)
        self.norm = nn.LayerNorm(width)
        self.dropout = dropout

    def forward(
        self, x: torch.Tensor, memory: torch.Tensor | None, allowed: torch.Tensor,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        out, weights = self.attention(x, memory, allowed, need_weights)
        out = dropout(out, self.dropout, self.training)
        return F.layer_norm(x + out, self.norm.normalized_shape, self.norm.weight,
                            self.norm.bias, self.norm.eps), weights


class ResidualFeedForward(nn.Module):
    """x <- LayerNorm(x + Dropout(W2 GELU(W1 x)))."""

    def __init__(self, width: int, multiplier: int, dropout: float) -> None:
        super().__init__()
        self.expand = nn.Linear(width, width * multiplier)
        self.project = nn.Linear(width * multiplier, width)
        self.norm = nn.LayerNorm(width)
        self.dropout = dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = dropout(F.gelu(self.expand(x)), self.dropout, self.training)
        out = dropout(self.project(hidden), self.dropout, self.training)
        return F.layer_norm(x + out, self.norm.normalized_shape, self.norm.weight,
                            self.norm.bias, self.norm.eps)
