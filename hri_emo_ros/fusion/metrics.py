# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Evaluation metrics: per-emotion F1 and weighted accuracy, CCC, expected calibration error.

Weighted accuracy per emotion is (TP * N / P + TN) / (2 N) (the CMU-MOSEI protocol); F1 uses
a 0.5 threshold on the independent sigmoid scores. ECE bins confidences into equal-width
bins and averages |accuracy - mean confidence| weighted by bin size. NaN labels are
unlabelled: each emotion is scored on the samples that label it, dominant-label accuracy on
the samples labelled for every emotion; a metric with nothing to score is NaN.
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


def finite_mean(values) -> float:
    """Mean of the finite values, NaN (without a warning) when there is none."""
    kept = [float(v) for v in values if np.isfinite(v)]
    return float(np.mean(kept)) if kept else float("nan")


def emotion_metrics(scores: np.ndarray, labels: np.ndarray,
                    emotions: Sequence[str], threshold: float = 0.5) -> dict:
    """Per-emotion F1 / weighted accuracy, their macro means, and dominant-label accuracy."""
    predicted = scores >= threshold
    known = np.isfinite(labels)
    truth = np.where(known, labels, 0.0) >= 0.5
    per_emotion = {}
    for j, name in enumerate(emotions):
        k = known[:, j]
        tp = float(np.sum(predicted[:, j] & truth[:, j] & k))
        fp = float(np.sum(predicted[:, j] & ~truth[:, j] & k))
        fn = float(np.sum(~predicted[:, j] & truth[:, j] & k))
        tn = float(np.sum(~predicted[:, j] & ~truth[:, j] & k))
        positives, negatives = tp + fn, tn + fp
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else float("nan")
        wacc = ((tp * negatives / positives + tn) / (2 * negatives)
                if positives > 0 and negatives > 0 else float("nan"))
        per_emotion[name] = {"f1": f1, "weighted_accuracy": wacc, "support": int(positives)}
    dominant = scores.argmax(axis=1)
    complete = known.all(axis=1)
    hits = truth[np.arange(len(dominant)), dominant][complete]
    return {
        "per_emotion": per_emotion,
        "macro_f1": finite_mean(v["f1"] for v in per_emotion.values()),
        "macro_weighted_accuracy": finite_mean(
            v["weighted_accuracy"] for v in per_emotion.values()),
        "dominant_accuracy": float(np.mean(hits)) if hits.size else float("nan"),
    }
