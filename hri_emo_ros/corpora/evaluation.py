# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Score a model's predictions on a corpus split with the corpus protocol, and summarise folds.

`score_predictions(pred, protocol, temperature)` -> the protocol metrics (protocol_metrics.py)
plus calibration: the confidence head's reliability (P(dominant label is right), before and
after the checkpoint's temperature) and the reliability of the emotion scores themselves
(pooled over the labelled emotion entries); the confidence over the samples labelled for
every emotion (those whose dominant label can be judged). `headline(metrics)` flattens
the figures a table shows; `summarise_folds` gives their mean and standard deviation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from hri_emo_ros.corpora.protocol_metrics import labelled_rows, protocol_metrics
from hri_emo_ros.corpora.registry import Protocol
from hri_emo_ros.fusion.calibration import calibration_report
from hri_emo_ros.fusion.evaluate import Predictions
from hri_emo_ros.fusion.metrics import expected_calibration_error


def reliability_bins(confidence: np.ndarray, outcome: np.ndarray, bins: int) -> list[dict]:
    """Equal-width bins of `confidence` in [0, 1]: count, mean confidence, observed rate."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    table = []
    for b in range(bins):
        chosen = which == b
        count = int(chosen.sum())
        table.append({"low": float(edges[b]), "high": float(edges[b + 1]), "count": count,
                      "mean_confidence": float(confidence[chosen].mean()) if count else None,
                      "observed": float(outcome[chosen].mean()) if count else None})
    return table


def confidence_calibration(pred: Predictions, temperature: float, bins: int = 15) -> dict:
    """How well the calibrated confidence predicts that the dominant label is present."""
    keep = labelled_rows(pred.labels)
    if not keep.any():
        return {"samples": 0}
    logits = pred.confidence_logit[keep].astype(np.float64)
    dominant = pred.scores[keep].argmax(axis=1)
    correct = pred.labels[keep][np.arange(int(keep.sum())), dominant] > 0
    report = calibration_report(logits, correct, temperature, bins)
    confidence = 1.0 / (1.0 + np.exp(-logits / temperature))
    report["reliability"] = reliability_bins(confidence, correct, bins)
    report["samples"] = int(keep.sum())
    return report


def score_reliability(pred: Predictions, bins: int = 15) -> dict:
    """Reliability of the independent emotion scores, pooled over emotions."""
    known = np.isfinite(pred.labels)
    scores = pred.scores[known].astype(np.float64)
    present = pred.labels[known] > 0
    if scores.size == 0:
        return {"samples": 0}
    return {"ece": expected_calibration_error(scores, present, bins),
            "reliability": reliability_bins(scores, present, bins),
            "samples": int(known.any(axis=1).sum()), "labels": int(scores.size)}


def score_predictions(pred: Predictions, protocol: Protocol, temperature: float,
                      threshold: float = 0.5, bins: int = 15) -> dict:
    metrics = protocol_metrics(protocol.metrics, pred.scores, pred.labels, pred.valence_arousal,
                               pred.targets_va, protocol.emotions, threshold)
    metrics["calibration"] = confidence_calibration(pred, temperature, bins)
    metrics["score_reliability"] = score_reliability(pred, bins)
    metrics["samples"] = int(len(pred.scores))
    return metrics


def headline(metrics: Mapping) -> dict[str, float]:
    """The figures of one evaluation a table shows, flat (name -> value), in protocol order."""
    row: dict[str, float] = {}
    if metrics["kind"] == "mosei":
        emotions, sentiment = metrics["emotions"], metrics["sentiment"]
        if emotions["samples"]:
            row["mean_wa"] = emotions["mean_weighted_accuracy"]
            row["mean_f1"] = emotions["mean_f1"]
            for name, values in emotions["per_emotion"].items():
                row[f"wa_{name}"] = values["weighted_accuracy"]
                row[f"f1_{name}"] = values["f1"]
        if sentiment["samples"]:
            for key in ("acc2_has0", "f1_has0", "acc2_non0", "f1_non0", "acc7", "mae",
                        "pearson_r"):
                row[key] = sentiment[key]
    else:
        c = metrics["classification"]
        row.update({"wa": c["wa"], "ua": c["ua"], "macro_f1": c["macro_f1"]})
        if metrics["kind"] == "iemocap":
            for name, values in metrics["binary"].items():
                row[f"ovr_acc_{name}"] = values["accuracy"]      # MulT's one-vs-rest task
                row[f"ovr_wf1_{name}"] = values["weighted_f1"]
        else:
            for name, values in c["per_class"].items():
                row[f"f1_{name}"] = values["f1"]
    affect = metrics["affect"]
    for name in ("valence", "arousal"):
        if affect[f"labelled_{name}"]:
            row[f"ccc_{name}"] = affect[f"ccc_{name}"]
    if metrics["calibration"].get("samples"):
        row["ece"] = metrics["calibration"]["ece_after"]
    return row


def summarise_folds(per_fold: Mapping[str, Mapping]) -> dict[str, dict[str, float]]:
    """Mean and sample standard deviation (ddof 1; 0 for one fold) over the folds of every
    headline figure, over the folds where it is defined (`folds` counts them)."""
    rows = [headline(m) for m in per_fold.values()]
    names = list(dict.fromkeys(name for row in rows for name in row))
    summary = {}
    for name in names:
        values = np.array([r[name] for r in rows if name in r and math.isfinite(r[name])])
        summary[name] = {
            "mean": float(values.mean()) if values.size else float("nan"),
            "std": float(values.std(ddof=1)) if values.size > 1 else
            (0.0 if values.size else float("nan")),
            "folds": int(values.size)}
    return summary
