# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Figures (PNG) and the HTML report of a corpus evaluation (`hri-emo evaluate`).

`fold_figures(out_dir, fold, metrics, pred)` draws, for one fold: the confusion matrix
(single-label protocols), per-emotion bars, the reliability diagrams of the confidence and
of the emotion scores, and for CMU-MOSEI predicted against true sentiment. `write_report`
writes report.html around them, with the per-fold table and the mean ± std over folds.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hri_emo_ros.corpora.protocol_metrics import sentiment_from_valence  # noqa: E402
from hri_emo_ros.fusion.evaluate import Predictions  # noqa: E402


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def _confusion(path: Path, c: Mapping) -> str:
    counts = np.array(c["confusion"], dtype=float)
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    classes = c["classes"]
    fig, ax = plt.subplots(figsize=(1.2 + 0.8 * len(classes), 1.0 + 0.7 * len(classes)))
    ax.imshow(rates, cmap="Blues", vmin=0.0, vmax=1.0)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, f"{int(counts[i, j])}\n{rates[i, j]:.2f}", ha="center", va="center",
                    fontsize=8, color="white" if rates[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted (argmax of the scores)")
    ax.set_ylabel("true")
    ax.set_title(f"WA {c['wa']:.3f}  UA {c['ua']:.3f}  (count, row share)", fontsize=9)
    return _save(fig, path)


def _bars(path: Path, groups: Mapping[str, Mapping[str, float]], title: str) -> str:
    """One group of bars per series name (e.g. "weighted accuracy"), one bar per emotion."""
    names = list(next(iter(groups.values())))
    width = 0.8 / len(groups)
    fig, ax = plt.subplots(figsize=(1.5 + 0.9 * len(names), 3.2))
    for k, (series, values) in enumerate(groups.items()):
        x = np.arange(len(names)) + (k - (len(groups) - 1) / 2) * width
        heights = [values[n] if math.isfinite(values[n]) else 0.0 for n in names]
        ax.bar(x, heights, width, label=series)
        for position, name in zip(x, names, strict=True):
            if not math.isfinite(values[name]):
                ax.text(position, 0.01, "n/a", ha="center", va="bottom", fontsize=6,
                        rotation=90)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylim(0.0, 1.0)
    ax.set_title(title + " (n/a: undefined, e.g. never present)", fontsize=9)
    ax.legend(fontsize=8)
    return _save(fig, path)


def _per_emotion(path: Path, metrics: Mapping) -> str | None:
    if metrics["kind"] == "mosei":
        if not metrics["emotions"]["samples"]:
            return None
        per = metrics["emotions"]["per_emotion"]
        groups = {"weighted accuracy": {n: v["weighted_accuracy"] for n, v in per.items()},
                  "F1": {n: v["f1"] for n, v in per.items()}}
        return _bars(path, groups, "CMU-MOSEI emotions (present: label > 0)")
    per = metrics["classification"]["per_class"]
    groups = {"recall": {n: v["recall"] for n, v in per.items()},
              "F1": {n: v["f1"] for n, v in per.items()}}
    if metrics["kind"] == "iemocap":
        groups["one-vs-rest accuracy"] = {n: v["accuracy"]
                                          for n, v in metrics["binary"].items()}
    return _bars(path, groups, "per class")


def _reliability(path: Path, metrics: Mapping) -> str | None:
    panels = [("confidence (dominant label right)", metrics["calibration"]),
              ("emotion scores (label present)", metrics["score_reliability"])]
    panels = [(t, p) for t, p in panels if p.get("samples")]
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.4), squeeze=False)
    for ax, (title, part) in zip(axes[0], panels, strict=True):
        used = [b for b in part["reliability"] if b["count"]]
        centres = [(b["low"] + b["high"]) / 2 for b in used]
        ax.bar(centres, [b["observed"] for b in used], width=1.0 / len(part["reliability"]),
               edgecolor="black", alpha=0.7, label="observed")
        ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect")
        ax.plot([b["mean_confidence"] for b in used], [b["observed"] for b in used], "o",
                color="C3", markersize=3, label="bin mean")
        ece = part.get("ece_after", part.get("ece"))
        ax.set_title(f"{title}\nECE {ece:.3f}", fontsize=9)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed frequency")
        ax.legend(fontsize=7, loc="upper left")
    return _save(fig, path)


def _sentiment(path: Path, metrics: Mapping, pred: Predictions) -> str | None:
    if metrics["kind"] != "mosei" or not metrics["sentiment"]["samples"]:
        return None
    truth = sentiment_from_valence(pred.targets_va[:, 0])
    keep = np.isfinite(truth)
    predicted = sentiment_from_valence(pred.valence_arousal[keep, 0])
    fig, ax = plt.subplots(figsize=(3.8, 3.6))
    ax.scatter(truth[keep], predicted, s=6, alpha=0.4)
    ax.plot([-3, 3], [-3, 3], "k--", linewidth=1)
    s = metrics["sentiment"]
    ax.set_title(f"sentiment: MAE {s['mae']:.3f}, r {s['pearson_r']:.3f}", fontsize=9)
    ax.set_xlabel("true sentiment")
    ax.set_ylabel("predicted (3 x valence)")
    return _save(fig, path)


def fold_figures(out_dir: Path, fold: str, metrics: Mapping, pred: Predictions) -> list[str]:
    """Draw one fold's figures into `out_dir`; return their file names."""
    names = []
    if "classification" in metrics and metrics["classification"]["samples"]:
        names.append(_confusion(out_dir / f"confusion-{fold}.png", metrics["classification"]))
    for draw, stem in ((_per_emotion, "per-emotion"), (_reliability, "reliability")):
        name = draw(out_dir / f"{stem}-{fold}.png", metrics)
        if name:
            names.append(name)
    name = _sentiment(out_dir / f"sentiment-{fold}.png", metrics, pred)
    if name:
        names.append(name)
    return names


def _cell(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


METRIC_MEANINGS = (
    ("wa / ua", "WA: share of samples whose argmax class is right; UA: mean recall over the "
                "classes present (balanced accuracy)"),
    ("macro_f1, f1_<class>", "F1 of each class (argmax decision) and their mean"),
    ("ovr_acc_ / ovr_wf1_<emotion>", "MulT's one-vs-rest task per emotion: score >= "
                                     "threshold vs present; accuracy, support-weighted F1"),
    ("wa_ / f1_<emotion>, mean_wa, mean_f1", "CMU-MOSEI: per emotion (present = intensity "
                                             "> 0), (TP*N/P + TN)/(2N) and F1 of present"),
    ("acc2_has0 / f1_has0", "sentiment (3 x valence) negative (< 0) vs non-negative (>= 0)"),
    ("acc2_non0 / f1_non0", "positive (> 0) vs negative, true zeros left out (MulT, MMSA)"),
    ("acc7, mae, pearson_r", "7 classes round(clip(x, -3, 3)); mean absolute error; "
                             "correlation, all on sentiment"),
    ("ccc_valence / ccc_arousal", "Lin's concordance correlation over the labelled samples"),
    ("ece", "expected calibration error (15 bins) of the calibrated confidence that the "
            "dominant emotion is right"),
)


def write_report(path: Path, result: Mapping, figures: Mapping[str, Sequence[str]],
                 headlines: Mapping[str, Mapping[str, float]]) -> Path:
    """report.html: what was evaluated, metrics by fold (+ mean ± std), figures per fold."""
    folds, summary = list(headlines), result["summary"]
    several = len(folds) > 1
    header = ["metric"] + folds + (["mean", "std"] if several else [])
    rows = [["samples"] + [str(result["folds"][f]["samples"]) for f in folds]
            + (["", ""] if several else [])]
    for name in summary:
        rows.append([name] + [_cell(headlines[f].get(name)) for f in folds]
                    + ([_cell(summary[name]["mean"]), _cell(summary[name]["std"])]
                       if several else []))
    protocol = result["protocol"]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>hri-emo evaluate {html.escape(result['dataset'])}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #bbb;"
        "padding:3px 6px;text-align:right}img{max-width:100%;margin:4px}</style></head><body>",
        f"<h1>{html.escape(result['dataset'])}: {html.escape(result['split'])} split</h1>",
        f"<p>Protocol: {html.escape(protocol['split'].rstrip('.'))}. Metrics: "
        f"<code>{html.escape(protocol['metrics'])}</code>. Licence: "
        f"{html.escape(protocol['licence'].rstrip('.'))}.</p>",
        f"<p>Command: <code>{html.escape(result['command'])}</code></p>",
        "<h2>Metrics" + (" by fold (std: sample standard deviation over folds)" if several
                         else "") + "</h2>", _table(header, rows),
        "<p>&mdash; marks a value that is undefined (e.g. a class never present).</p>",
        _table(["metric", "meaning"], METRIC_MEANINGS)]
    for fold, files in figures.items():
        checkpoint = result["folds"][fold]["checkpoint"]
        parts.append(f"<h2>Fold {html.escape(fold)}</h2><p>Checkpoint "
                     f"<code>{html.escape(checkpoint)}</code></p>")
        parts += [f"<img src='{html.escape(name)}' alt='{html.escape(name)}'>" for name in files]
    parts.append("<p>Every figure, per class and per bin: <a href='metrics.json'>metrics.json"
                 "</a>.</p></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
