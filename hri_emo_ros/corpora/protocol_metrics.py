# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The metrics each corpus protocol reports, in pure numpy (JSON-ready floats, lists, dicts).

Conventions, chosen to match the published reference code so that figures compare:
- A label is present when its value is > 0 (CMU-MOSEI: intensity > 0; one-hot corpora: 1).
  NaN marks a label the corpus does not give (e.g. a sentiment-only release): per-emotion
  metrics use the rows that label that emotion, single-label metrics the rows labelled for
  every emotion; predictions themselves must be finite.
- Predicted present: score >= `threshold` (0.5 on the decoder's sigmoid scores).
- MOSEI emotions, per emotion: weighted accuracy (TP * N / P + TN) / (2 N) (Zadeh et al.
  2018), F1 of the positive class, and the support-weighted F1 of both classes (sklearn's
  `average="weighted"`, what several MOSEI emotion codes print).
- MOSEI sentiment (in [-3, 3]; from valence with `sentiment_from_valence`), as MMSA's
  MetricsTop: Acc2/F1 "has-0" = negative (< 0) vs non-negative (>= 0) over all samples;
  Acc2/F1 "non-0" = positive (> 0) vs not, over the samples whose true sentiment is not 0
  (MulT's `exclude_zero`); both F1 are support-weighted over the two classes (sklearn
  `average="weighted"`). Acc7 compares np.round(clip(x, -3, 3)) (round half to even, as
  np.round in the reference); MAE; Pearson r.
- Classification (IEMOCAP 4-class, CREMA-D, RAVDESS): predicted class = argmax of the
  scores; WA = plain accuracy, UA = mean recall over the classes present in the truth
  (sklearn's balanced accuracy), macro-F1 over the classes present in truth or prediction
  (sklearn's default `labels`); a labelled row with several present labels is left out and
  counted. IEMOCAP adds MulT's four one-vs-rest binary tasks (accuracy, weighted F1).
- Valence/arousal: Lin's CCC over the finite pairs.
Undefined values (a class never present, no labelled row) are NaN, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hri_emo_ros.fusion.metrics import concordance_cc

METRIC_KINDS = ("mosei", "iemocap", "categorical")
NAN = float("nan")


class MetricsInputError(ValueError):
    """Arrays the metrics cannot be computed from; `reason` is a short machine-readable kind
    (shape_mismatch, nan_values, inf_values, unknown_kind)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason


def _finite(name: str, values: np.ndarray) -> np.ndarray:
    if np.isnan(values).any():
        raise MetricsInputError("nan_values", f"{name} contain NaN")
    if np.isinf(values).any():
        raise MetricsInputError("inf_values", f"{name} contain Inf")
    return values


def _score_matrix(scores: np.ndarray, labels: np.ndarray,
                  emotions: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    if scores.ndim != 2 or scores.shape != labels.shape or scores.shape[1] != len(emotions):
        raise MetricsInputError("shape_mismatch", f"scores {scores.shape} and labels "
                                f"{labels.shape} must both be (N, {len(emotions)})")
    return _finite("scores", scores), labels


def labelled_rows(labels: np.ndarray) -> np.ndarray:
    """Rows whose labels are all finite (NaN marks a corpus or sample without labels)."""
    return np.isfinite(labels).all(axis=1)


# --- binary building blocks -----------------------------------------------------------------

def binary_counts(predicted: np.ndarray, truth: np.ndarray) -> tuple[int, int, int, int]:
    """(TP, FP, FN, TN) of two boolean vectors."""
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    return (int(np.sum(predicted & truth)), int(np.sum(predicted & ~truth)),
            int(np.sum(~predicted & truth)), int(np.sum(~predicted & ~truth)))


def weighted_accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    """(TP * N / P + TN) / (2 N): the mean of the true-positive and true-negative rates;
    NaN when P or N is 0."""
    tp, fp, fn, tn = binary_counts(predicted, truth)
    positives, negatives = tp + fn, tn + fp
    if positives == 0 or negatives == 0:
        return NAN
    return (tp * negatives / positives + tn) / (2 * negatives)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else NAN


def positive_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    """F1 of the positive class; NaN when nothing is present or predicted."""
    tp, fp, fn, _ = binary_counts(predicted, truth)
    return _f1(tp, fp, fn)


def weighted_binary_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    """F1 of each class (positive, negative) weighted by its support in the truth (sklearn
    f1_score average="weighted"; an undefined class F1 has zero support, so weight 0)."""
    tp, fp, fn, tn = binary_counts(predicted, truth)
    total = tp + fp + fn + tn
    if total == 0:
        return NAN
    positive = _f1(tp, fp, fn)
    negative = _f1(tn, fn, fp)
    return float(((tp + fn) * np.nan_to_num(positive) + (tn + fp) * np.nan_to_num(negative))
                 / total)


def _accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean(predicted == truth)) if len(truth) else NAN


# --- CMU-MOSEI ------------------------------------------------------------------------------

def mosei_emotions(scores: np.ndarray, labels: np.ndarray, emotions: Sequence[str],
                   threshold: float = 0.5) -> dict:
    """Per emotion: weighted accuracy, F1, weighted F1, accuracy, positives, negatives."""
    scores, labels = _score_matrix(scores, labels, emotions)
    per_emotion = {}
    for j, name in enumerate(emotions):
        known = np.isfinite(labels[:, j])
        p, t = scores[known, j] >= threshold, labels[known, j] > 0
        per_emotion[name] = {
            "weighted_accuracy": weighted_accuracy(p, t), "f1": positive_f1(p, t),
            "weighted_f1": weighted_binary_f1(p, t), "accuracy": _accuracy(p, t),
            "positives": int(t.sum()), "negatives": int((~t).sum())}
    samples = int(np.isfinite(labels).any(axis=1).sum())   # labelled for some emotion
    return {"per_emotion": per_emotion, "threshold": threshold, "samples": samples,
            "mean_weighted_accuracy": _nanmean([v["weighted_accuracy"]
                                                for v in per_emotion.values()]),
            "mean_f1": _nanmean([v["f1"] for v in per_emotion.values()]),
            "mean_weighted_f1": _nanmean([v["weighted_f1"] for v in per_emotion.values()])}


def sentiment_from_valence(valence: np.ndarray) -> np.ndarray:
    """MOSEI sentiment [-3, 3] from valence [-1, 1]: 3 * valence, rounded to 5 decimals so
    that float32 storage error cannot move a label across 0 or a rounding boundary."""
    return np.round(3.0 * np.asarray(valence, dtype=np.float64), 5)


def mosei_sentiment(predicted: np.ndarray, truth: np.ndarray) -> dict:
    """Acc2/F1 (has-0 and non-0), Acc7, MAE and Pearson r over samples with a finite truth."""
    predicted = np.asarray(predicted, dtype=np.float64).reshape(-1)
    truth = np.asarray(truth, dtype=np.float64).reshape(-1)
    if predicted.shape != truth.shape:
        raise MetricsInputError("shape_mismatch", f"{predicted.size} predictions for "
                                f"{truth.size} targets")
    keep = np.isfinite(truth)
    p, t = _finite("sentiment predictions", predicted[keep]), truth[keep]
    non_zero = t != 0
    return {
        "acc2_has0": _accuracy(p >= 0, t >= 0),
        "f1_has0": weighted_binary_f1(p >= 0, t >= 0),
        "acc2_non0": _accuracy(p[non_zero] > 0, t[non_zero] > 0),
        "f1_non0": weighted_binary_f1(p[non_zero] > 0, t[non_zero] > 0),
        "acc7": _accuracy(np.round(np.clip(p, -3, 3)), np.round(np.clip(t, -3, 3))),
        "mae": float(np.mean(np.abs(p - t))) if t.size else NAN,
        "pearson_r": pearson_r(p, t),
        "samples": int(t.size), "samples_non0": int(non_zero.sum()),
    }


def pearson_r(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; NaN with fewer than 2 pairs or a constant side."""
    if a.size < 2:
        return NAN
    da, db = a - a.mean(), b - b.mean()
    denominator = np.sqrt(np.sum(da * da) * np.sum(db * db))
    return float(np.sum(da * db) / denominator) if denominator > 0 else NAN


# --- single-label classification (IEMOCAP, CREMA-D, RAVDESS) --------------------------------

def single_label_truth(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """(class index per row, rows with exactly one present label, counts of the rows left
    out: `unlabelled` (NaN or nothing present) and `multi_label`)."""
    finite = labelled_rows(labels)
    present_count = np.where(finite, (np.nan_to_num(labels) > 0).sum(axis=1), 0)
    keep = present_count == 1
    excluded = {"unlabelled": int(np.sum(present_count == 0)),
                "multi_label": int(np.sum(present_count > 1))}
    return np.nan_to_num(labels).argmax(axis=1), keep, excluded


def classification(scores: np.ndarray, labels: np.ndarray, emotions: Sequence[str]) -> dict:
    """WA, UA, macro-F1, per-class precision/recall/F1/support and the confusion matrix
    (rows = true class, columns = predicted class, in `emotions` order)."""
    scores, labels = _score_matrix(scores, labels, emotions)
    truth, keep, excluded = single_label_truth(labels)
    truth, predicted = truth[keep], scores[keep].argmax(axis=1)
    k = len(emotions)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (truth, predicted), 1)
    per_class = {}
    for c, name in enumerate(emotions):
        tp = int(confusion[c, c])
        support, predicted_c = int(confusion[c].sum()), int(confusion[:, c].sum())
        per_class[name] = {
            "precision": tp / predicted_c if predicted_c else NAN,
            "recall": tp / support if support else NAN,
            "f1": _f1(tp, predicted_c - tp, support - tp), "support": support}
    return {
        "wa": float(np.trace(confusion) / confusion.sum()) if confusion.sum() else NAN,
        "ua": _nanmean([v["recall"] for v in per_class.values()]),
        "macro_f1": _nanmean([v["f1"] for v in per_class.values()]),
        "per_class": per_class, "confusion": confusion.tolist(), "classes": list(emotions),
        "samples": int(keep.sum()), "excluded": excluded,
    }


def one_vs_rest(scores: np.ndarray, labels: np.ndarray, emotions: Sequence[str],
                threshold: float = 0.5) -> dict:
    """MulT's IEMOCAP binary tasks: per emotion, present vs not, accuracy and weighted F1."""
    scores, labels = _score_matrix(scores, labels, emotions)
    result = {}
    for j, name in enumerate(emotions):
        known = np.isfinite(labels[:, j])
        p, t = scores[known, j] >= threshold, labels[known, j] > 0
        result[name] = {"accuracy": _accuracy(p, t), "weighted_f1": weighted_binary_f1(p, t),
                        "positives": int(t.sum())}
    return result


# --- valence / arousal ----------------------------------------------------------------------

def affect_agreement(predicted_va: np.ndarray, target_va: np.ndarray) -> dict:
    """CCC of valence and arousal over the finite pairs (NaN with fewer than 2)."""
    predicted_va = np.asarray(predicted_va, dtype=np.float64)
    target_va = np.asarray(target_va, dtype=np.float64)
    if predicted_va.ndim != 2 or predicted_va.shape[1] != 2 or \
            predicted_va.shape != target_va.shape:
        raise MetricsInputError("shape_mismatch", f"valence/arousal {predicted_va.shape} and "
                                f"targets {target_va.shape} must both be (N, 2)")
    _finite("valence/arousal predictions", predicted_va)
    result = {}
    for j, name in enumerate(("valence", "arousal")):
        result[f"ccc_{name}"] = concordance_cc(predicted_va[:, j], target_va[:, j])
        result[f"labelled_{name}"] = int(np.isfinite(target_va[:, j]).sum())
    return result


def protocol_metrics(kind: str, scores: np.ndarray, labels: np.ndarray,
                     predicted_va: np.ndarray, target_va: np.ndarray, emotions: Sequence[str],
                     threshold: float = 0.5) -> dict:
    """Everything protocol `kind` ("mosei" | "iemocap" | "categorical") reports."""
    if kind not in METRIC_KINDS:
        raise MetricsInputError("unknown_kind", f"metrics '{kind}' is not one of "
                                f"{', '.join(METRIC_KINDS)}")
    result: dict = {"kind": kind}
    if kind == "mosei":
        result["emotions"] = mosei_emotions(scores, labels, emotions, threshold)
        result["sentiment"] = mosei_sentiment(sentiment_from_valence(predicted_va[:, 0]),
                                              sentiment_from_valence(target_va[:, 0]))
    else:
        result["classification"] = classification(scores, labels, emotions)
        if kind == "iemocap":
            result["binary"] = one_vs_rest(scores, labels, emotions, threshold)
    result["affect"] = affect_agreement(predicted_va, target_va)
    return result


def _nanmean(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else NAN
