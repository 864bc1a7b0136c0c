# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Modality gate weights over time per person, as stacked areas (sum 1 over modalities).

From EmotionState.modalities/modality_weights, or Explanation.gate_mean for a person whose
EmotionStates list no modality. Messages with a non-finite or all-zero weight vector are
skipped; areas break where a person was absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.patches import Patch

from hri_emo_ros.bags.labels import LabelSpan
from hri_emo_ros.report import style
from hri_emo_ros.report.series import EMOTION_TOPIC, EXPLANATION_TOPIC, GateSeries, RunSeries

TITLE = "Modality gate weights per person"


def usable_rows(series: GateSeries) -> tuple[np.ndarray, np.ndarray]:
    """Times and weights of the messages with finite weights that do not all vanish."""
    weights = series.weights
    keep = np.isfinite(weights).all(axis=1) & (weights.sum(axis=1) > 0)
    return series.times[keep], weights[keep]


def plot_gate_weights(run: RunSeries, path: Path,
                      labels: Sequence[LabelSpan] | None = None) -> style.Rendered:
    usable = {p: usable_rows(s) for p, s in run.gates.items()}
    usable = {p: rows for p, rows in usable.items() if len(rows[0])}
    if not usable:
        return style.no_data_figure(
            path, TITLE, [EMOTION_TOPIC, EXPLANATION_TOPIC],
            "(no message with finite modality weights)" if run.gates else "")
    shown, left_out = style.choose_persons({p: len(r[0]) for p, r in usable.items()},
                                           run.persons())
    modalities = list(dict.fromkeys(m for p in shown for m in run.gates[p].modalities))
    with style.report_style():
        figure, axes = style.new_figure(len(shown), extra_height=1.2)
        style.time_axes(axes, run.time_span())
        for ax, person in zip(axes[:, 0], shown):
            series = run.gates[person]
            times, weights = usable[person]
            colours = [style.colour(m, style.MODALITY_COLOURS) for m in series.modalities]
            for part in style.segments(times):
                if part.stop - part.start < 2:  # one message: a thin stacked bar
                    bottom = 0.0
                    for value, fill in zip(weights[part.start], colours):
                        ax.bar(times[part.start], value, bottom=bottom, width=0.3, color=fill)
                        bottom += value
                    continue
                ax.stackplot(times[part], weights[part].T, colors=colours, alpha=0.85,
                             lw=0)
            ax.set_ylim(0, 1.14)  # the band above 1 shows the labelled spans
            ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
            ax.set_ylabel("gate weight")
            source = "EmotionState" if series.source_topic == EMOTION_TOPIC else "Explanation"
            ax.set_title(style.person_title(person, run.face_persons, f"from {source}"),
                         loc="left")
            style.shade_spans(ax, style.person_spans(labels, person))
        handles = [Patch(color=style.colour(m, style.MODALITY_COLOURS), label=m)
                   for m in modalities]
        figure.legend(handles=handles, loc="outside upper center", ncols=len(handles),
                      frameon=False)
        style.note_left_out(figure, left_out)
        return style.save(figure, path)
