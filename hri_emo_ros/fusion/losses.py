# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Training loss: BCE on the emotion scores, 1 - CCC plus a small MSE anchor on
valence/arousal (unlabelled targets are NaN and masked), BCE of the confidence head against
whether the dominant label was right, and an auxiliary BCE on each present modality's own
evidence (which the confidence head compares across modalities)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from hri_emo_ros.fusion.dataset import Targets
from hri_emo_ros.fusion.decoder import DecoderOutput


@dataclass
class LossWeights:
    bce: float = 1.0
    ccc: float = 1.0
    mse: float = 0.25
    confidence: float = 0.5
    unimodal: float = 0.3


def ccc_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over columns of 1 - CCC, ignoring NaN targets; 0 for a column with < 2 values."""
    losses = []
    for j in range(prediction.shape[1]):
        ok = torch.isfinite(target[:, j])
        if int(ok.sum()) < 2:
            continue
        p, t = prediction[ok, j], target[ok, j]
        covariance = ((p - p.mean()) * (t - t.mean())).mean()
        ccc = 2 * covariance / (p.var(unbiased=False) + t.var(unbiased=False)
                                + (p.mean() - t.mean()) ** 2 + 1e-8)
        losses.append(1.0 - ccc)
    return torch.stack(losses).mean() if losses else prediction.sum() * 0.0


def dominant_correct(score_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    dominant = score_logits.argmax(dim=1, keepdim=True)
    return labels.gather(1, dominant).squeeze(1)


def unimodal_loss(modality_logits: torch.Tensor, labels: torch.Tensor,
                  present: torch.Tensor) -> torch.Tensor:
    """BCE of each present modality's own evidence against the sample's labels."""
    per = F.binary_cross_entropy_with_logits(
        modality_logits, labels.unsqueeze(1).expand_as(modality_logits), reduction="none")
    weight = present.unsqueeze(-1).to(per.dtype)
    return (per * weight).sum() / (weight.sum() * per.shape[-1]).clamp(min=1.0)


def fusion_loss(out: DecoderOutput, targets: Targets, weights: LossWeights,
                present: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
    bce = F.binary_cross_entropy_with_logits(out.score_logits, targets.labels)
    va_ok = torch.isfinite(targets.valence_arousal)
    ccc = ccc_loss(out.valence_arousal, targets.valence_arousal)
    mse = (F.mse_loss(out.valence_arousal[va_ok], targets.valence_arousal[va_ok])
           if bool(va_ok.any()) else out.valence_arousal.sum() * 0.0)
    correct = dominant_correct(out.score_logits.detach(), targets.labels)
    confidence = F.binary_cross_entropy_with_logits(out.confidence_logit, correct)
    unimodal = unimodal_loss(out.modality_logits, targets.labels, present)
    total = (weights.bce * bce + weights.ccc * ccc + weights.mse * mse
             + weights.confidence * confidence + weights.unimodal * unimodal)
    parts = {name: float(value.detach()) for name, value in (
        ("bce", bce), ("ccc_loss", ccc), ("mse", mse), ("confidence_bce", confidence),
        ("unimodal_bce", unimodal), ("total", total))}
    return total, parts
