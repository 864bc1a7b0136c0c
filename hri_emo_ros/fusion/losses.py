# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Training loss: BCE on the emotion scores, 1 - CCC plus a small MSE anchor on
valence/arousal, BCE of the confidence head against whether the dominant label was right,
and an auxiliary BCE on each present modality's own evidence (which the confidence head
compares across modalities). Unlabelled targets are masked: valence/arousal are NaN, emotion
labels carry `Targets.label_mask`; the confidence term uses only fully labelled samples.
Masks multiply (never skip) terms, so every parameter stays in the graph (DDP needs that)."""

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


def masked_mean(values: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Mean of `values` where weight is 1 (0 when nothing is weighted, still in the graph)."""
    weight = weight.to(values.dtype)
    return (values * weight).sum() / weight.sum().clamp(min=1.0)


def unimodal_loss(modality_logits: torch.Tensor, labels: torch.Tensor,
                  present: torch.Tensor, label_mask: torch.Tensor | None = None
                  ) -> torch.Tensor:
    """BCE of each present modality's own evidence against the sample's (known) labels."""
    per = F.binary_cross_entropy_with_logits(
        modality_logits, labels.unsqueeze(1).expand_as(modality_logits), reduction="none")
    known = torch.ones_like(labels) if label_mask is None else label_mask.to(per.dtype)
    weight = present.unsqueeze(-1).to(per.dtype) * known.unsqueeze(1)
    return masked_mean(per, weight)


def fusion_loss(out: DecoderOutput, targets: Targets, weights: LossWeights,
                present: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
    known = targets.label_mask
    bce = masked_mean(F.binary_cross_entropy_with_logits(
        out.score_logits, targets.labels, reduction="none"), known)
    va_ok = torch.isfinite(targets.valence_arousal)
    ccc = ccc_loss(out.valence_arousal, targets.valence_arousal)
    mse = masked_mean((out.valence_arousal - targets.valence_arousal.nan_to_num(0.0)) ** 2,
                      va_ok)
    correct = dominant_correct(out.score_logits.detach(), targets.labels)
    confidence = masked_mean(F.binary_cross_entropy_with_logits(
        out.confidence_logit, correct, reduction="none"), known.all(dim=1))
    unimodal = unimodal_loss(out.modality_logits, targets.labels, present, known)
    total = (weights.bce * bce + weights.ccc * ccc + weights.mse * mse
             + weights.confidence * confidence + weights.unimodal * unimodal)
    parts = {name: float(value.detach()) for name, value in (
        ("bce", bce), ("ccc_loss", ccc), ("mse", mse), ("confidence_bce", confidence),
        ("unimodal_bce", unimodal), ("total", total))}
    return total, parts
