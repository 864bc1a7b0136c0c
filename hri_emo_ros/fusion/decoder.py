# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""EmotionDecoder: one learned query per emotion reads the fused sequence.

Each query cross-attends to the fused tokens, the queries attend to each other, and a
feed-forward block follows (residual + LayerNorm after each). Optionally the same block is
applied K times to a latent z (Tiny-Recursive-Model style: z <- block(z + queries)); during
training only the last application is back-propagated. Heads:
- scores: an independent logistic classifier per emotion on its own query (multi-label);
- valence/arousal: MLP on the mean query, tanh into [-1, 1];
- per-modality evidence: a logistic classifier per modality on the mean of that modality's
  fused steps (trained with an auxiliary loss); how much the present modalities disagree
  with each other and with the fused scores feeds the confidence head;
- confidence: P(the dominant label is right) from the (detached) mean query, the top two
  scores, their margin, the disagreement features, gate-weighted input quality and which
  modalities are present; its logit is divided by a temperature fitted on held-out data
  (calibration.py).
The decoder needs only what a FusedSequence message carries (the modality of a step is
given by its label), so it can run in another node.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from hri_emo_ros.common.feature_spec import EMOTIONS, MODALITIES
from hri_emo_ros.fusion.attention import ResidualAttention, ResidualFeedForward
from hri_emo_ros.fusion.feature_space import LIVE_FEATURE_SPACE


@dataclass
class DecoderConfig:
    width: int = 64
    heads: int = 4
    ffn_multiplier: int = 2
    dropout: float = 0.1
    recursion_steps: int = 1
    emotions: tuple[str, ...] = EMOTIONS
    modalities: tuple[str, ...] = MODALITIES
    feature_space: str = LIVE_FEATURE_SPACE  # the encoder's input features (feature_space.py)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["emotions"] = list(self.emotions)
        data["modalities"] = list(self.modalities)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> DecoderConfig:
        data = dict(data)
        for key in ("emotions", "modalities"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


@dataclass
class DecoderOutput:
    score_logits: torch.Tensor       # (B, E)
    valence_arousal: torch.Tensor    # (B, 2) in [-1, 1]
    confidence_logit: torch.Tensor   # (B,) before temperature scaling
    modality_logits: torch.Tensor    # (B, M, E) per-modality evidence
    disagreement: torch.Tensor       # (B, 3) max/mean pairwise, gate-weighted vs fused

    @property
    def scores(self) -> torch.Tensor:
        return torch.sigmoid(self.score_logits)


class DecoderBlock(nn.Module):
    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        w, h, p = config.width, config.heads, config.dropout
        self.cross = ResidualAttention(w, h, p)
        self.mix = ResidualAttention(w, h, p)
        self.ffn = ResidualFeedForward(w, config.ffn_multiplier, p)

    def forward(self, z, memory, allowed, all_queries):
        z, _ = self.cross(z, memory, allowed)
        z, _ = self.mix(z, None, all_queries)
        return self.ffn(z)


class EmotionDecoder(nn.Module):
    def __init__(self, config: DecoderConfig | None = None) -> None:
        super().__init__()
        self.config = config or DecoderConfig()
        c = self.config
        w, e, m = c.width, len(c.emotions), len(c.modalities)
        if c.recursion_steps < 1:
            raise ValueError("recursion_steps must be >= 1")
        if e < 2:
            raise ValueError("the decoder needs at least two emotions (confidence uses the "
                             "margin between the top two)")
        self.queries = nn.Parameter(torch.randn(e, w) * 0.5)
        self.block = DecoderBlock(c)
        self.score_weight = nn.Parameter(torch.randn(e, w) * w**-0.5)
        self.score_bias = nn.Parameter(torch.zeros(e))
        self.valence_arousal = nn.Sequential(nn.Linear(w, w), nn.GELU(), nn.Linear(w, 2))
        self.modality_weight = nn.Parameter(torch.randn(m, w, e) * w**-0.5)
        self.modality_bias = nn.Parameter(torch.zeros(m, e))
        self.confidence = nn.Sequential(
            nn.Linear(w + 7 + 2 * m, 32), nn.GELU(), nn.Linear(32, 1)
        )
        self.register_buffer("temperature", torch.ones(()))

    def forward(
        self,
        fused: torch.Tensor,
        token_mask: torch.Tensor,
        token_modality: torch.Tensor,
        present: torch.Tensor,
        modality_quality: torch.Tensor,
        gate_mean: torch.Tensor,
        full_gradient: bool = False,
    ) -> DecoderOutput:
        """fused (B, N, W), token_mask (B, N), token_modality (B, N) index into modalities,
        present/modality_quality/gate_mean (B, M).

        `full_gradient` back-propagates through every recursion step (for attributions).
        """
        b = fused.shape[0]
        e = self.queries.shape[0]
        queries = self.queries.unsqueeze(0).expand(b, -1, -1)
        allowed = token_mask.unsqueeze(1).expand(-1, e, -1)
        all_queries = torch.ones(b, e, e, dtype=torch.bool, device=fused.device)
        z = torch.zeros_like(queries)
        steps = self.config.recursion_steps
        for step in range(steps):
            track = torch.is_grad_enabled() and (full_gradient or step == steps - 1)
            with torch.set_grad_enabled(track):
                z = self.block(z + queries, fused, allowed, all_queries)
        score_logits = (z * self.score_weight).sum(-1) + self.score_bias
        pooled = z.mean(dim=1)
        valence_arousal = torch.tanh(self.valence_arousal(pooled))
        probs = torch.sigmoid(score_logits.detach())
        modality_logits, disagreement = self._modality_evidence(
            fused, token_mask, token_modality, present, gate_mean, probs)
        top2 = probs.topk(2, dim=-1).values
        quality = (gate_mean * modality_quality).sum(dim=-1, keepdim=True)
        confidence_inputs = torch.cat(
            [pooled.detach(), top2, top2[:, :1] - top2[:, 1:], disagreement, quality,
             present.to(fused.dtype), modality_quality], dim=-1,
        )
        confidence_logit = self.confidence(confidence_inputs).squeeze(-1)
        return DecoderOutput(score_logits, valence_arousal, confidence_logit, modality_logits,
                             disagreement)

    def _modality_evidence(self, fused, token_mask, token_modality, present, gate_mean, probs):
        m = self.modality_bias.shape[0]
        member = nn.functional.one_hot(token_modality, m).to(fused.dtype)
        member = member * token_mask.unsqueeze(-1).to(fused.dtype)            # (B, N, M)
        counts = member.sum(dim=1).clamp(min=1.0).unsqueeze(-1)             # (B, M, 1)
        pooled = torch.matmul(member.transpose(1, 2), fused) / counts       # (B, M, W)
        logits = torch.matmul(pooled.unsqueeze(2), self.modality_weight).squeeze(2)
        logits = logits + self.modality_bias                                # (B, M, E)
        p = torch.sigmoid(logits.detach())
        both = (present.unsqueeze(2) & present.unsqueeze(1)).triu(diagonal=1)  # (B, M, M)
        distance = (p.unsqueeze(2) - p.unsqueeze(1)).abs().mean(-1) * both
        worst = distance.flatten(1).max(dim=1).values
        mean = distance.sum(dim=(1, 2)) / both.sum(dim=(1, 2)).clamp(min=1)
        versus_fused = ((p - probs.unsqueeze(1)).abs().mean(-1) * gate_mean).sum(-1)
        return logits, torch.stack([worst, mean, versus_fused], dim=-1)

    def calibrated_confidence(self, confidence_logit: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(confidence_logit / self.temperature)
