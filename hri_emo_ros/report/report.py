# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`write_report`: the figures and the HTML page of one replayed run."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hri_emo_ros.bags.labels import LabelSpan
from hri_emo_ros.report.errors import ReportError
from hri_emo_ros.report.fig_affect import plot_valence_arousal
from hri_emo_ros.report.fig_behavior import HOLD_S, action_changes, plot_behavior
from hri_emo_ros.report.fig_emotions import plot_emotion_scores
from hri_emo_ros.report.fig_gates import plot_gate_weights
from hri_emo_ros.report.fig_hierarchy import plot_free_energy
from hri_emo_ros.report.html_page import FigureEntry, render_page
from hri_emo_ros.report.loading import load_run
from hri_emo_ros.report.style import Rendered
from hri_emo_ros.report.summary import ReportSummary, summarize
from hri_emo_ros.report.tables import explanation_moments, metric_tables
from hri_emo_ros.report.video_strip import MATCH_S, plot_video_strip

DEFAULT_TITLE = "hri_emo: replay report"
FIGURES_DIR = "figures"
# key, heading, caption, plotting function (run, path, labels) -> path
_TIMELINES = (
    ("emotion", "Emotion scores", "EmotionState.scores of every label per person (lines), "
     "and the calibrated confidence of the dominant label (dashed).", plot_emotion_scores),
    ("valence_arousal", "Valence and arousal", "EmotionState.valence and .arousal per person; "
     "the labelled values as a dashed step line when labels are given.",
     plot_valence_arousal),
    ("gates", "Modality gate weights", "How much each modality weighed in the fused estimate "
     "(EmotionState.modality_weights, else Explanation.gate_mean), stacked to 1.",
     plot_gate_weights),
    ("hierarchy", "Hierarchy: free energy and events", "Variational free energy of the "
     "micro, state and pattern levels (AffectiveState.levels); markers at the top: affective "
     "events at their onset, coloured by their emotion.", plot_free_energy),
    ("behavior", "Behaviour", "BehaviorCommand.action per person over time; each command "
     f"is drawn until the next one (at most {HOLD_S:g} s).", plot_behavior),
)
STRIP_CAPTION = (
    "Frames of the input bag's camera topic, evenly spread; boxes: faces found by the face "
    "core on these frames; label: dominant emotion and score of the nearest EmotionState "
    f"(within {MATCH_S:g} s) of a face person.")


def _entry(key: str, heading: str, caption: str, rendered: Rendered) -> FigureEntry:
    text = f"{rendered.no_data[:1].upper()}{rendered.no_data[1:]}." if rendered.no_data \
        else caption
    return FigureEntry(key, heading, f"{FIGURES_DIR}/{rendered.path.name}", text)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError("not_writable", f"{out_dir} exists and is not a directory; expected "
                                          "a directory for the report")
    try:
        (out_dir / FIGURES_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportError("not_writable", f"cannot create {out_dir / FIGURES_DIR}: "
                                          f"{error.strerror or error}") from error
    if not os.access(out_dir, os.W_OK):
        raise ReportError("not_writable", f"{out_dir} is not writable")


def write_report(out_dir: Path, input_bag: Path, output_bag: Path,
                 labels: Sequence[LabelSpan] | None = None,
                 metrics: Mapping[str, Any] | None = None, title: str = DEFAULT_TITLE,
                 frames: int = 8, device: str = "cpu") -> ReportSummary:
    """Write out_dir/report.html and out_dir/figures/*.png; return the per-person summary.

    `labels`: ground-truth spans (shaded in the figures); `metrics`: evaluation figures
    (numbers, or mappings of them one or two levels deep) shown as tables; `frames`: camera
    frames in the strip (0: none); `device`: for the face core that finds boxes in them.
    Raises ReportError (reason input_bag, output_bag, bad_metrics, not_writable).
    """
    out_dir, input_bag, output_bag = Path(out_dir), Path(input_bag), Path(output_bag)
    metric_rows = metric_tables(metrics) if metrics is not None else None
    run = load_run(input_bag, output_bag)
    _check_out_dir(out_dir)
    figure_dir = out_dir / FIGURES_DIR
    rendered, strip = plot_video_strip(run, input_bag, figure_dir / "video_strip.png", frames,
                                       device)
    entries = [_entry("video_strip", "Camera frames", STRIP_CAPTION, rendered)]
    paths = {"video_strip": rendered.path}
    for key, heading, caption, plot in _TIMELINES:
        rendered = plot(run, figure_dir / f"{key}.png", labels)
        entries.append(_entry(key, heading, caption, rendered))
        paths[key] = rendered.path
    rows = summarize(run)
    report_path = out_dir / "report.html"
    page = render_page(title, run, rows, entries, action_changes(run),
                       explanation_moments(run), metric_rows,
                       len(labels) if labels is not None else None, run.notes)
    try:
        report_path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise ReportError("not_writable", f"cannot write {report_path}: "
                                          f"{error.strerror or error}") from error
    return ReportSummary(rows, report_path, paths, strip, list(run.notes))
