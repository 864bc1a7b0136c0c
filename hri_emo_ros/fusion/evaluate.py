# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Predict on a dataset split and summarise: F1 per emotion, CCC, calibration, conditions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from hri_emo_ros.fusion.calibration import calibration_report
from hri_emo_ros.fusion.dataset import FusionDataset, collate_samples
from hri_emo_ros.fusion.decoder import EmotionDecoder
from hri_emo_ros.fusion.encoder import FusionEncoder
from hri_emo_ros.fusion.metrics import concordance_cc, emotion_metrics


class EncoderDecoder(nn.Module):
    """Encoder and one decoder as one module (for training and DDP)."""

    def __init__(self, encoder: FusionEncoder, decoder: EmotionDecoder) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, batch):
        enc = self.encoder(batch)
        token_modality = enc.token_modality.expand_as(enc.token_mask)
        dec = self.decoder(enc.fused, enc.token_mask, token_modality, enc.present,
                           enc.modality_quality, enc.gate_mean)
        return enc, dec


@dataclass
class Predictions:
    scores: np.ndarray            # (N, E)
    valence_arousal: np.ndarray   # (N, 2)
    confidence_logit: np.ndarray  # (N,)
    gate_mean: np.ndarray         # (N, M)
    labels: np.ndarray            # (N, E), NaN where unlabelled
    targets_va: np.ndarray        # (N, 2), NaN where unlabelled
    info: list[dict]

    @property
    def correct(self) -> np.ndarray:
        """Whether the dominant label is right (False where it is unlabelled)."""
        dominant = self.scores.argmax(axis=1)
        return np.nan_to_num(self.labels[np.arange(len(dominant)), dominant]) >= 0.5

    @property
    def labelled(self) -> np.ndarray:
        """Samples labelled for every emotion (those the confidence head is judged on)."""
        return np.isfinite(self.labels).all(axis=1)

    def subset(self, keep: np.ndarray) -> Predictions:
        return Predictions(self.scores[keep], self.valence_arousal[keep],
                           self.confidence_logit[keep], self.gate_mean[keep], self.labels[keep],
                           self.targets_va[keep], [i for i, k in zip(self.info, keep,
                                                                     strict=True) if k])


def predict(model: EncoderDecoder, dataset: FusionDataset, device: torch.device,
            batch_size: int = 128, max_steps: dict[str, int] | None = None) -> Predictions:
    model.eval()
    parts: dict[str, list] = {k: [] for k in ("s", "va", "c", "g", "y", "t")}
    info: list[dict] = []
    with torch.no_grad():
        for start in range(0, len(dataset), batch_size):
            samples = [dataset.sample(i)
                       for i in range(start, min(start + batch_size, len(dataset)))]
            batch, targets = collate_samples(samples, max_steps,
                                             model.encoder.config.feature_dims)
            enc, dec = model(batch.to(device))
            parts["s"].append(dec.scores.cpu().numpy())
            parts["va"].append(dec.valence_arousal.cpu().numpy())
            parts["c"].append(dec.confidence_logit.cpu().numpy())
            parts["g"].append(enc.gate_mean.cpu().numpy())
            parts["y"].append(targets.labels_with_nan().numpy())
            parts["t"].append(targets.valence_arousal.numpy())
            info.extend(s.info for s in samples)
    joined = {k: np.concatenate(v) for k, v in parts.items()}
    return Predictions(joined["s"], joined["va"], joined["c"], joined["g"], joined["y"],
                       joined["t"], info)


def quality_metrics(pred: Predictions, emotions: Sequence[str]) -> dict:
    metrics = emotion_metrics(pred.scores, pred.labels, emotions)
    metrics["ccc_valence"] = concordance_cc(pred.valence_arousal[:, 0], pred.targets_va[:, 0])
    metrics["ccc_arousal"] = concordance_cc(pred.valence_arousal[:, 1], pred.targets_va[:, 1])
    metrics["samples"] = int(len(pred.scores))
    return metrics


def condition_masks(info: list[dict]) -> dict[str, np.ndarray]:
    """Slices of a bootstrap-style split by presence, conflict and quality (when known)."""
    if not info or "present" not in info[0]:
        return {}
    present = [tuple(i["present"]) for i in info]
    masks = {
        "all_modalities": np.array([len(p) == 3 for p in present]),
        "consistent": np.array([not i["conflict"] for i in info]),
        "conflicting": np.array([bool(i["conflict"]) for i in info]),
        "low_quality_any": np.array([bool(i["low_quality"]) for i in info]),
    }
    for m in ("audio", "text", "video"):
        masks[f"only_{m}"] = np.array([p == (m,) for p in present])
    return masks


def full_report(pred: Predictions, emotions: Sequence[str], temperature: float,
                bins: int = 15) -> dict:
    """Test-split report: metrics, calibration (before/after T) and per-condition slices."""
    report = quality_metrics(pred, emotions)
    scored = pred.labelled
    report["calibration"] = (calibration_report(pred.confidence_logit[scored],
                                                pred.correct[scored], temperature, bins)
                             if scored.any() else None)  # no emotion labels: nothing to judge
    conditions = {}
    for name, keep in condition_masks(pred.info).items():
        if keep.sum() < 10:
            continue
        part = pred.subset(keep)
        confidence = 1.0 / (1.0 + np.exp(-part.confidence_logit / temperature))
        m = quality_metrics(part, emotions)
        conditions[name] = {
            "samples": int(keep.sum()), "dominant_accuracy": m["dominant_accuracy"],
            "macro_f1": m["macro_f1"], "ccc_valence": m["ccc_valence"],
            "ccc_arousal": m["ccc_arousal"], "mean_confidence": float(confidence.mean()),
        }
    report["conditions"] = conditions
    return report
