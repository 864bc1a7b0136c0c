# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Emotion score timelines, one panel per person: every label's score and the confidence."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from hri_emo_ros.bags.labels import LabelSpan
from hri_emo_ros.report import style
from hri_emo_ros.report.series import EMOTION_TOPIC, RunSeries

TITLE = "Emotion scores per person"


def plot_emotion_scores(run: RunSeries, path: Path,
                        labels: Sequence[LabelSpan] | None = None) -> style.Rendered:
    if not run.emotion:
        return style.no_data_figure(path, TITLE, [EMOTION_TOPIC])
    shown, left_out = style.choose_persons(
        {p: len(s.times) for p, s in run.emotion.items()}, run.persons())
    names = list(dict.fromkeys(n for p in shown for n in run.emotion[p].labels))
    with style.report_style():
        figure, axes = style.new_figure(len(shown), extra_height=1.3)
        style.time_axes(axes, run.time_span())
        for ax, person in zip(axes[:, 0], shown):
            series = run.emotion[person]
            for j, name in enumerate(series.labels):
                t, v = style.with_gaps(series.times, series.scores[:, j])
                ax.plot(t, v, color=style.colour(name), lw=1.5)
            t, v = style.with_gaps(series.times, series.confidence)
            ax.plot(t, v, color="black", lw=1.3, ls="--")
            ax.set_ylim(-0.03, 1.2)  # the band above 1 holds the labelled spans' names
            ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
            ax.set_ylabel("score")
            ax.set_title(style.person_title(person, run.face_persons,
                                            f"{len(series.times)} EmotionState messages"),
                         loc="left")
            style.shade_spans(ax, style.person_spans(labels, person))
        handles = [Line2D([], [], color=style.colour(n), lw=2, label=n) for n in names]
        handles.append(Line2D([], [], color="black", lw=1.5, ls="--", label="confidence"))
        if labels:
            handles.append(Patch(color="#999", alpha=0.3, label="labelled span"))
        figure.legend(handles=handles, loc="outside upper center", ncols=min(len(handles), 9),
                      frameon=False)
        style.note_left_out(figure, left_out)
        return style.save(figure, path)
