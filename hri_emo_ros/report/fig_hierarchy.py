# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Free energy per hierarchy level (micro, state, pattern) per person, with the affective
events (AffectiveState.events) as markers at their onset, coloured by their emotion."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from hri_emo_ros.bags.labels import LabelSpan
from hri_emo_ros.report import style
from hri_emo_ros.report.series import AFFECT_TOPIC, LEVELS, MICRO_EXPRESSION, RunSeries

TITLE = "Free energy per hierarchy level"
LEVEL_STYLES = {"micro": ("#d95f02", "-"), "state": ("#1b9e77", "-"),
                "pattern": ("#7570b3", "-")}
EVENT_ROWS = {MICRO_EXPRESSION: (0.93, "v", "micro-expression"),
              "state_change": (0.84, "D", "state change")}
OTHER_EVENT = (0.75, "o", "other event")
NO_EMOTION = "#444444"


def _event_style(kind: str) -> tuple[float, str, str]:
    return EVENT_ROWS.get(kind, OTHER_EVENT)


def plot_free_energy(run: RunSeries, path: Path,
                     labels: Sequence[LabelSpan] | None = None) -> style.Rendered:
    if not run.affect:
        return style.no_data_figure(path, TITLE, [AFFECT_TOPIC])
    shown, left_out = style.choose_persons(
        {p: len(s.times) for p, s in run.affect.items()}, run.persons())
    kinds: dict[str, None] = {}
    emotions: dict[str, None] = {}
    with style.report_style():
        figure, axes = style.new_figure(len(shown), panel_height=2.6, extra_height=1.5)
        style.time_axes(axes, run.time_span())
        for ax, person in zip(axes[:, 0], shown):
            series = run.affect[person]
            for j, level in enumerate(LEVELS):
                line_colour, line = LEVEL_STYLES[level]
                t, v = style.with_gaps(series.times, series.free_energy[:, j])
                ax.plot(t, v, color=line_colour, ls=line, lw=1.6)
            finite = series.free_energy[np.isfinite(series.free_energy)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0, 1)
            room = max(high - low, 1.0)
            band = 0.45 if series.events else 0.08  # the top band holds the event markers
            ax.set_ylim(low - 0.05 * room, high + band * room)
            axis_x = ax.get_xaxis_transform()
            for event in series.events:
                row, marker, _ = _event_style(event.type)
                fill = style.colour(event.emotion) if event.emotion else NO_EMOTION
                ax.plot(event.time, row, marker=marker, ms=8, color=fill, mec="black",
                        mew=0.5, transform=axis_x, clip_on=False, ls="none")
                kinds[event.type] = None
                emotions[event.emotion] = None
            ax.set_ylabel("free energy [nats]")
            count = sum(e.type == MICRO_EXPRESSION for e in series.events)
            ax.set_title(style.person_title(person, run.face_persons,
                                            f"{count} micro-expression(s), "
                                            f"{len(series.events)} event(s)"), loc="left")
            style.shade_spans(ax, style.person_spans(labels, person), name_spans=False)
        handles = [Line2D([], [], color=LEVEL_STYLES[lv][0], lw=2, label=f"{lv} level")
                   for lv in LEVELS]
        handles += [Line2D([], [], marker=_event_style(k)[1], color="white", mec="black",
                           ms=8, ls="none", label=_event_style(k)[2]) for k in kinds]
        handles += [Patch(color=style.colour(e) if e else NO_EMOTION,
                          label=f"event: {e or 'no emotion'}") for e in emotions]
        figure.legend(handles=handles, loc="outside upper center",
                      ncols=min(len(handles), 6), frameon=False)
        style.note_left_out(figure, left_out)
        return style.save(figure, path)
