# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Evaluation metrics: per-emotion F1 and weighted accuracy, CCC, expected calibration error.

Weighted accuracy per emotion is (TP * N / P + TN) / (2 N) (the CMU-MOSEI protocol); F1 uses
a 0.5 threshold on the independent sigmoid scores. ECE bins confidences into equal-width
bins and averages |accuracy - mean confidence| weighted by bin size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def concordance_cc(prediction: np.ndarray, target: np.ndarray) -> float:
    """Lin's concordance correlation coefficient over the finite pairs (NaN if < 2)."""
    ok = np.isfinite(prediction) & np.isfinite(target)
    if ok.sum() < 2:
        return float("nan")
    p, t = prediction[ok].astype(np.float64), target[ok].astype(np.float64)
    covariance = np.mean((p - p.mean()) * (t - t.mean()))
    return float(2 * covariance / (p.var() + t.var() + (p.mean() - t.mean()) ** 2 + 1e-12))


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               bins: int = 15) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        chosen = which == b
        if chosen.any():
            error += chosen.mean() * abs(correct[chosen].mean() - confidence[chosen].mean())
    return float(error)


def emotion_metrics(scores: np.ndarray, labels: np.ndarray,
                    emotions: Sequence[str], threshold: float = 0.5) -> dict:
    """Per-emotion F1 / weighted accuracy, their macro means, and dominant-label accuracy."""
    predicted = scores >= threshold
    truth = labels >= 0.5
    per_emotion = {}
    for j, name in enumerate(emotions):
        tp = float(np.sum(predicted[:, j] & truth[:, j]))
        fp = float(np.sum(predicted[:, j] & ~truth[:, j]))
        fn = float(np.sum(~predicted[:, j] & truth[:, j]))
        tn = float(np.sum(~predicted[:, j] & ~truth[:, j]))
        positives, negatives = tp + fn, tn + fp
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else float("nan")
        wacc = ((tp * negatives / positives + tn) / (2 * negatives)
                if positives > 0 and negatives > 0 else float("nan"))
        per_emotion[name] = {"f1": f1, "weighted_accuracy": wacc, "support": int(positives)}
    dominant = scores.argmax(axis=1)
    return {
        "per_emotion": per_emotion,
        "macro_f1": float(np.nanmean([v["f1"] for v in per_emotion.values()])),
        "macro_weighted_accuracy": float(np.nanmean(
            [v["weighted_accuracy"] for v in per_emotion.values()])),
        "dominant_accuracy": float(np.mean(truth[np.arange(len(dominant)), dominant])),
    }
