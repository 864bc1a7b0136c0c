# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Valence and arousal per person (EmotionState), with the labelled values as a step line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from hri_emo_ros.bags.labels import LabelSpan
from hri_emo_ros.report import style
from hri_emo_ros.report.series import EMOTION_TOPIC, RunSeries

TITLE = "Valence and arousal per person"
DIMENSIONS = (("valence", "#6a3d9a"), ("arousal", "#e6550d"))


def labelled_steps(spans: Sequence[LabelSpan], dimension: str
                   ) -> tuple[np.ndarray, np.ndarray]:
    """A step line through the spans' values, broken (NaN) between non-adjacent spans."""
    times: list[float] = []
    values: list[float] = []
    for span in sorted(spans, key=lambda s: s.start):
        if times and span.start > times[-1]:
            times.append(times[-1])
            values.append(np.nan)
        value = getattr(span, dimension)
        times += [span.start, span.end]
        values += [value, value]
    return np.array(times), np.array(values)


def _panel(ax: Axes, times: np.ndarray, values: np.ndarray, spans: Sequence[LabelSpan],
           dimension: str, line_colour: str) -> None:
    t, v = style.with_gaps(times, values)
    ax.plot(t, v, color=line_colour, lw=1.6)
    if spans:
        st, sv = labelled_steps(spans, dimension)
        ax.plot(st, sv, color="black", lw=1.6, ls="--")
    ax.axhline(0.0, color="#444", lw=0.7)
    ax.set_ylim(-1.08, 1.38)  # the band above 1 holds the labelled spans' names
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax.set_ylabel(f"{dimension} [-1, 1]")


def plot_valence_arousal(run: RunSeries, path: Path,
                         labels: Sequence[LabelSpan] | None = None) -> style.Rendered:
    if not run.emotion:
        return style.no_data_figure(path, TITLE, [EMOTION_TOPIC])
    shown, left_out = style.choose_persons(
        {p: len(s.times) for p, s in run.emotion.items()}, run.persons())
    with style.report_style():
        figure, axes = style.new_figure(len(shown), 2, extra_height=1.2)
        style.time_axes(axes, run.time_span())
        for row, person in enumerate(shown):
            series = run.emotion[person]
            spans = style.person_spans(labels, person)
            for col, (dimension, line_colour) in enumerate(DIMENSIONS):
                ax = axes[row, col]
                _panel(ax, series.times, getattr(series, dimension), spans, dimension,
                       line_colour)
                style.shade_spans(ax, spans)
                ax.set_title(f"person {person}: {dimension}", loc="left")
        handles = [Line2D([], [], color=c, lw=2, label=f"{d} (EmotionState)")
                   for d, c in DIMENSIONS]
        if labels:
            handles.append(Line2D([], [], color="black", lw=1.6, ls="--",
                                  label="labelled value"))
        figure.legend(handles=handles, loc="outside upper center", ncols=len(handles),
                      frameon=False)
        style.note_left_out(figure, left_out)
        return style.save(figure, path)
