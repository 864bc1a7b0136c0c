# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The behaviour chosen over time per person (BehaviorCommand.action as a categorical
timeline; bar height = intensity) and the list of action changes with their rationale."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hri_emo_ros.bags.labels import LabelSpan
from hri_emo_ros.report import style
from hri_emo_ros.report.series import BEHAVIOR_TOPIC, RunSeries

TITLE = "Behaviour chosen per person"
HOLD_S = 3.0          # a command is drawn until the next one, at most this long
ACTION_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


@dataclass(frozen=True)
class ActionChange:
    """A BehaviorCommand whose action differs from the person's previous one."""

    time: float
    person_id: str
    action: str
    intensity: float
    rationale: str
    utterance: str
    from_planning: bool


def action_changes(run: RunSeries) -> list[ActionChange]:
    """Every person's first command and each change of action, in time order."""
    changes = []
    for person, series in run.behavior.items():
        previous = None
        for i, action in enumerate(series.actions):
            if action != previous:
                changes.append(ActionChange(
                    float(series.times[i]), person, action, float(series.intensity[i]),
                    series.rationale[i], series.utterance[i], bool(series.from_planning[i])))
            previous = action
    return sorted(changes, key=lambda c: (c.time, c.person_id))


def plot_behavior(run: RunSeries, path: Path,
                  labels: Sequence[LabelSpan] | None = None) -> style.Rendered:
    if not run.behavior:
        return style.no_data_figure(path, TITLE, [BEHAVIOR_TOPIC])
    shown, left_out = style.choose_persons(
        {p: len(s.times) for p, s in run.behavior.items()}, run.persons())
    actions = list(dict.fromkeys(a for p in shown for a in run.behavior[p].actions))
    row_of = {a: i for i, a in enumerate(actions)}
    with style.report_style():
        figure, axes = style.new_figure(len(shown), panel_height=0.9 + 0.32 * len(actions),
                                        extra_height=0.9)
        style.time_axes(axes, run.time_span())
        for ax, person in zip(axes[:, 0], shown):
            series = run.behavior[person]
            ends = np.append(series.times[1:], np.inf)
            for i, action in enumerate(series.actions):
                start = float(series.times[i])
                width = min(float(ends[i]) - start, HOLD_S)
                intensity = series.intensity[i]
                height = 0.2 + 0.6 * (float(intensity) if math.isfinite(intensity) else 0.5)
                ax.broken_barh([(start, width)], (row_of[action] - height / 2, height),
                               color=ACTION_COLOURS[row_of[action] % len(ACTION_COLOURS)],
                               lw=0)
                if series.from_planning[i]:
                    ax.plot(start + width / 2, row_of[action], marker=".", color="black",
                            ms=4)
            ax.set_yticks(range(len(actions)), actions)
            ax.set_ylim(len(actions) - 0.4, -0.6)  # first action chosen on top
            ax.grid(axis="y", alpha=0.0)
            ax.set_title(style.person_title(person, run.face_persons,
                                            f"{len(series.times)} BehaviorCommands"),
                         loc="left")
            style.shade_spans(ax, style.person_spans(labels, person), name_spans=False)
        figure.suptitle("bar height: intensity [0, 1]; black dot: chosen from planning "
                        "(dreaming)", fontsize=10, color="#444")
        style.note_left_out(figure, left_out)
        return style.save(figure, path)
