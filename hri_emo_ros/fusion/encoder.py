# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""FusionEncoder: modality features -> one gated, fused token sequence.

1. Per modality: standardise the raw features (statistics stored with the checkpoint),
   project to a shared width and add a quality embedding (per-step reliability), a time
   encoding (seconds before the window end), a step-position encoding (steps back from the
   newest) and a modality embedding.
2. Per layer: intra-modal self-attention (each token sees its own modality), then
   cross-modal attention (each token sees every other present modality: audio<->text,
   audio<->video, text<->video), then a feed-forward block; residual + LayerNorm after each.
3. ModalityGate weighs the modalities per dimension; each token is scaled by its modality's
   gate vector (times the number of present modalities, so the scale does not depend on
   how many are present). The fused sequence keeps one token per input step (audio steps,
   words, video frames), which makes attributions over steps and words direct.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from hri_emo_ros.common.feature_spec import FEATURE_DIMS, MODALITIES
from hri_emo_ros.fusion.attention import ResidualAttention, ResidualFeedForward
from hri_emo_ros.fusion.batching import FusionBatch
from hri_emo_ros.fusion.gate import ModalityGate

NORMALISED_CLIP = 8.0


@dataclass
class EncoderConfig:
    width: int = 64
    heads: int = 4
    layers: int = 1
    ffn_multiplier: int = 2
    dropout: float = 0.1
    encoding_frequencies: int = 8
    quality_prior: bool = True
    modalities: tuple[str, ...] = MODALITIES
    feature_dims: dict[str, int] = field(default_factory=lambda: dict(FEATURE_DIMS))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["modalities"] = list(self.modalities)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> EncoderConfig:
        data = dict(data)
        if "modalities" in data:
            data["modalities"] = tuple(data["modalities"])
        return cls(**data)


@dataclass
class EncoderOutput:
    fused: torch.Tensor             # (B, N, W), zero at padding
    token_mask: torch.Tensor        # (B, N) bool
    token_modality: torch.Tensor    # (N,) long, index into modalities
    token_times: torch.Tensor       # (B, N) seconds relative to the window end
    gate: torch.Tensor              # (B, M, W)
    present: torch.Tensor           # (B, M) bool
    modality_quality: torch.Tensor  # (B, M), 0 where absent
    cross_weights: torch.Tensor     # (B, N, N) last layer's cross-modal attention

    @property
    def gate_mean(self) -> torch.Tensor:
        return self.gate.mean(dim=-1)


def sinusoids(values: torch.Tensor, periods: torch.Tensor) -> torch.Tensor:
    """(..., ) values -> (..., 2 * len(periods)) sin/cos features."""
    angles = values.unsqueeze(-1) * (2.0 * math.pi / periods)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


class EncoderLayer(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        w, h, p = config.width, config.heads, config.dropout
        self.intra = ResidualAttention(w, h, p)
        self.cross = ResidualAttention(w, h, p)
        self.ffn = ResidualFeedForward(w, config.ffn_multiplier, p)

    def forward(self, x, intra_allowed, cross_allowed):
        x, _ = self.intra(x, None, intra_allowed)
        x, cross_weights = self.cross(x, None, cross_allowed, need_weights=True)
        return self.ffn(x), cross_weights


class FusionEncoder(nn.Module):
    def __init__(self, config: EncoderConfig | None = None) -> None:
        super().__init__()
        self.config = config or EncoderConfig()
        c = self.config
        w, m = c.width, len(c.modalities)
        self.projections = nn.ModuleDict(
            {name: nn.Linear(c.feature_dims[name], w) for name in c.modalities}
        )
        for name in c.modalities:
            self.register_buffer(f"mean_{name}", torch.zeros(c.feature_dims[name]))
            self.register_buffer(f"std_{name}", torch.ones(c.feature_dims[name]))
        self.quality_embedding = nn.Parameter(torch.randn(m, w) * 0.1)
        self.modality_embedding = nn.Parameter(torch.randn(m, w) * 0.1)
        f = c.encoding_frequencies
        self.register_buffer("time_periods", torch.logspace(math.log10(0.1), math.log10(16.0), f))
        self.register_buffer("index_periods", torch.logspace(math.log10(2.0), math.log10(64.0), f))
        self.position = nn.Linear(4 * f, w)
        self.input_norm = nn.LayerNorm(w)
        self.layers = nn.ModuleList(EncoderLayer(c) for _ in range(c.layers))
        self.gate = ModalityGate(w, m, c.quality_prior)

    def set_feature_statistics(self, stats: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
        """Store per-dimension (mean, std) of each modality's raw training features."""
        for name, (mean, std) in stats.items():
            getattr(self, f"mean_{name}").copy_(mean)
            getattr(self, f"std_{name}").copy_(std.clamp(min=1e-3))

    def _embed(self, batch: FusionBatch):
        """Tokens (B, N, W) of all modalities in MODALITIES order, and their bookkeeping."""
        names = self.config.modalities
        projected = []
        for name in names:
            mean, std = getattr(self, f"mean_{name}"), getattr(self, f"std_{name}")
            x = ((batch.features[name] - mean) / std).clamp(-NORMALISED_CLIP, NORMALISED_CLIP)
            projected.append(self.projections[name](x))
        token_modality = batch.token_modality
        times = torch.cat([batch.times[n] for n in names], dim=1)
        quality = torch.cat([batch.quality[n] for n in names], dim=1)
        back = torch.cat([batch.steps_back[n] for n in names], dim=1)
        position = torch.cat([sinusoids(times, self.time_periods),
                              sinusoids(back, self.index_periods)], dim=-1)
        tokens = (torch.cat(projected, dim=1) + self.position(position)
                  + quality.unsqueeze(-1) * self.quality_embedding[token_modality]
                  + self.modality_embedding[token_modality])
        token_mask = torch.cat([batch.mask[n] for n in names], dim=1)
        return self.input_norm(tokens), token_modality, token_mask, times, quality

    def forward(self, batch: FusionBatch) -> EncoderOutput:
        names = self.config.modalities
        x, token_modality, token_mask, times, quality = self._embed(batch)
        device = x.device
        same = token_modality.unsqueeze(0) == token_modality.unsqueeze(1)
        keys = token_mask.unsqueeze(1)
        itself = torch.eye(same.shape[0], dtype=torch.bool, device=device)
        intra_allowed = same.unsqueeze(0) & (keys | itself)  # padding sees itself: no empty row
        cross_allowed = ~same.unsqueeze(0) & keys
        cross_weights = x.new_zeros(0)
        for layer in self.layers:
            x, cross_weights = layer(x, intra_allowed, cross_allowed)

        present = torch.stack([batch.mask[n].any(dim=1) for n in names], dim=1)
        valid = token_mask.to(x.dtype)
        one_hot = nn.functional.one_hot(token_modality, len(names)).to(x.dtype)  # (N, M)
        counts = torch.matmul(valid, one_hot).clamp(min=1.0)                      # (B, M)
        summaries = torch.einsum("bnw,nm->bmw", x * valid.unsqueeze(-1), one_hot)
        summaries = summaries / counts.unsqueeze(-1)
        modality_quality = torch.matmul(quality * valid, one_hot) / counts
        gate = self.gate(summaries, modality_quality, present)
        scale = present.sum(dim=1).to(x.dtype).view(-1, 1, 1)
        fused = x * gate[:, token_modality, :] * (scale * valid.unsqueeze(-1))
        return EncoderOutput(fused, token_mask, token_modality, times, gate, present,
                             modality_quality, cross_weights)
