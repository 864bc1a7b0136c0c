# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Score the graph's EmotionState outputs against labelled time spans.

Each EmotionState whose stamp falls in a labelled span of its person is one scored sample
(states are published at the fusion rate, so a long span weighs more than a short one). The
span's emotion becomes a one-hot target for the independent scores: per-class F1 (score >=
0.5) and per-class weighted accuracy (TP·N/P + TN)/(2N) come from
`fusion.metrics.emotion_metrics`; the dominant label gives accuracy (WA) and the mean
per-class recall (UA) over the classes that occur; valence and arousal give Lin's CCC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.bags.labels import LabelSpan, labels_at
from hri_emo_ros.fusion.metrics import concordance_cc, emotion_metrics


@dataclass(frozen=True)
class EmotionPoint:
    """One EmotionState, its stamp in seconds from the bag start."""

    t: float
    person_id: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    dominant: str
    valence: float
    arousal: float
    confidence: float


def _finite(value: float) -> float:
    return float(value) if np.isfinite(value) else float("nan")


def score_emotions(points: Iterable[EmotionPoint], spans: Sequence[LabelSpan]) -> dict:
    """Metrics of the labelled points; label sets must agree with the spans' emotions."""
    matched: list[tuple[EmotionPoint, LabelSpan]] = []
    total = 0
    for point in points:
        total += 1
        covering = labels_at(spans, point.t, point.person_id)
        if covering:
            matched.append((point, covering[0]))
    result: dict = {"states": total, "labelled_states": len(matched)}
    if not matched:
        result["note"] = "no EmotionState fell inside a labelled span"
        return result
    emotions = matched[0][0].labels
    unknown = sorted({span.emotion for _, span in matched} - set(emotions))
    if unknown:
        raise ValueError(f"label emotions {unknown} are not among the decoder's labels "
                         f"{list(emotions)}")
    scores = np.array([[_finite(s) for s in p.scores] for p, _ in matched], dtype=np.float64)
    targets = np.zeros_like(scores)
    for row, (_, span) in enumerate(matched):
        targets[row, emotions.index(span.emotion)] = 1.0
    per_class = emotion_metrics(np.nan_to_num(scores, nan=0.0), targets, emotions)
    truth = np.array([emotions.index(span.emotion) for _, span in matched])
    dominant = np.array([emotions.index(p.dominant) if p.dominant in emotions else -1
                         for p, _ in matched])
    recalls = {name: float(np.mean(dominant[truth == j] == j))
               for j, name in enumerate(emotions) if np.any(truth == j)}
    confusion = np.zeros((len(emotions), len(emotions)), dtype=int)
    for t, d in zip(truth, dominant, strict=True):
        if d >= 0:
            confusion[t, d] += 1
    valence = np.array([[p.valence, s.valence] for p, s in matched], dtype=np.float64)
    arousal = np.array([[p.arousal, s.arousal] for p, s in matched], dtype=np.float64)
    result.update({
        "emotions": list(emotions),
        "per_class": {name: {"f1": v["f1"], "weighted_accuracy": v["weighted_accuracy"],
                             "support": v["support"], "recall": recalls.get(name)}
                      for name, v in per_class["per_emotion"].items()},
        "macro_f1": per_class["macro_f1"],
        "weighted_accuracy": float(np.mean(dominant == truth)),
        "unweighted_accuracy": float(np.mean(list(recalls.values()))),
        "ccc_valence": concordance_cc(valence[:, 0], valence[:, 1]),
        "ccc_arousal": concordance_cc(arousal[:, 0], arousal[:, 1]),
        "mean_confidence": float(np.nanmean([_finite(p.confidence) for p, _ in matched])),
        "confusion": {"rows_true_cols_dominant": list(emotions),
                      "matrix": confusion.tolist()},
    })
    return result


def latency_summary(samples: Mapping[str, Sequence[float]]) -> dict[str, dict]:
    """Per stage: count, p50, p90, p99 and max in milliseconds (samples in seconds)."""
    summary = {}
    for stage, values in samples.items():
        if not len(values):
            continue
        ms = np.asarray(values, dtype=np.float64) * 1e3
        summary[stage] = {"count": int(ms.size), "p50_ms": float(np.percentile(ms, 50)),
                          "p90_ms": float(np.percentile(ms, 90)),
                          "p99_ms": float(np.percentile(ms, 99)), "max_ms": float(ms.max())}
    return summary
