# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What every report figure shares: fonts, colours, per-person panels, labelled spans,
gaps where a person was absent, the "no data" figure and PNG output.

Figures are made with matplotlib's object API on an Agg canvas (no pyplot, no global
backend switch), so the report runs headless and leaves a caller's matplotlib alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hri_emo_ros.bags.labels import LabelSpan

DPI = 100
WIDTH_IN = 12.0
PANEL_HEIGHT_IN = 2.3
MAX_PERSON_PANELS = 6       # more persons: the ones with the most messages get a panel
GAP_S = 2.0                 # lines are broken where messages are further apart (absence)
TIME_LABEL = "time since the input bag start [s]"
RC = {
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "axes.spines.top": False,
    "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.25,
    "figure.facecolor": "white",
}
# Same hues as perception.face_annotate.EXPRESSION_COLOURS, darkened to read as lines.
EMOTION_COLOURS: dict[str, str] = {
    "neutral": "#7f7f7f", "happy": "#2ca02c", "sad": "#1f5fd6", "angry": "#d62728",
    "fearful": "#9467bd", "disgusted": "#8c8c1a", "surprised": "#ff8c00",
}
MODALITY_COLOURS: dict[str, str] = {"audio": "#4c72b0", "text": "#dd8452", "video": "#55a868"}
_EXTRA = ("#17becf", "#e377c2", "#8c564b", "#bcbd22", "#1f77b4", "#aec7e8", "#ffbb78")


def colour(name: str, table: dict[str, str] | None = None) -> str:
    """A stable colour for a name: from the table, else by a hash of the name."""
    table = EMOTION_COLOURS if table is None else table
    if name in table:
        return table[name]
    return _EXTRA[sum(name.encode()) % len(_EXTRA)]


@contextlib.contextmanager
def report_style() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def new_figure(rows: int, cols: int = 1, panel_height: float = PANEL_HEIGHT_IN,
               width: float = WIDTH_IN, extra_height: float = 0.9, sharex: bool = True
               ) -> tuple[Figure, np.ndarray]:
    """A figure with rows x cols axes (2-D array) and constrained layout."""
    figure = Figure(figsize=(width, rows * panel_height + extra_height), dpi=DPI,
                    layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.subplots(rows, cols, squeeze=False, sharex=sharex)


@dataclass(frozen=True)
class Rendered:
    """A figure written to `path`; `no_data` is what it says when it only says that."""

    path: Path
    no_data: str = ""


def save(figure: Figure, path: Path, no_data: str = "") -> Rendered:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI)
    return Rendered(path, no_data)


def no_data_figure(path: Path, title: str, topics: Sequence[str], detail: str = "",
                   message: str = "") -> Rendered:
    """A small figure that says which topic(s) had no data (or `message`)."""
    with report_style():
        figure = Figure(figsize=(WIDTH_IN, 1.8), dpi=DPI)
        FigureCanvasAgg(figure)
        figure.text(0.5, 0.68, title, ha="center", va="center", fontsize=13, weight="bold")
        message = message or "no data on " + " or ".join(topics)
        figure.text(0.5, 0.40, message, ha="center", va="center", fontsize=12, color="#a33")
        if detail:
            figure.text(0.5, 0.16, detail, ha="center", va="center", fontsize=10, color="#555")
        return save(figure, path, f"{message} {detail}".strip())


def choose_persons(message_counts: dict[str, int], order: Sequence[str]
                   ) -> tuple[list[str], list[str]]:
    """(shown, left out): at most MAX_PERSON_PANELS persons, most messages first, shown in
    `order` (first appearance)."""
    ranked = sorted(message_counts, key=lambda p: -message_counts[p])
    kept = set(ranked[:MAX_PERSON_PANELS])
    shown = [p for p in order if p in kept] + sorted(kept - set(order))
    return shown, [p for p in ranked if p not in kept]


def person_title(person: str, face_persons: set[str], what: str) -> str:
    kind = "face" if person in face_persons else "no face"
    return f"person {person} ({kind}): {what}"


def note_left_out(figure: Figure, left_out: Sequence[str]) -> None:
    """Say under the figure which persons got no panel."""
    if left_out:
        names = ", ".join(left_out[:5]) + (", ..." if len(left_out) > 5 else "")
        figure.supxlabel(f"{len(left_out)} more person(s) without a panel (fewer messages): "
                         f"{names}", fontsize=9, color="#555")


def person_spans(labels: Iterable[LabelSpan] | None, person: str) -> list[LabelSpan]:
    return [s for s in labels or () if s.applies_to(person)]


def shade_spans(ax: Axes, spans: Sequence[LabelSpan], name_spans: bool = True) -> None:
    """Shade labelled spans in their emotion's colour, the emotion written at the top."""
    xmin, xmax = ax.get_xlim()
    for span in spans:
        ax.axvspan(span.start, span.end, color=colour(span.emotion), alpha=0.12, lw=0,
                   zorder=0)
        if name_spans and (span.end - span.start) > 0.06 * (xmax - xmin):
            ax.text((span.start + span.end) / 2, 0.97, f"label: {span.emotion}",
                    transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=9,
                    style="italic", color=colour(span.emotion))


def with_gaps(times: np.ndarray, values: np.ndarray, max_gap: float = GAP_S
              ) -> tuple[np.ndarray, np.ndarray]:
    """Insert a NaN row between messages further apart than max_gap, so lines break."""
    if len(times) < 2:
        return times, values
    breaks = np.nonzero(np.diff(times) > max_gap)[0] + 1
    if not len(breaks):
        return times, values
    gap_times = (times[breaks - 1] + times[breaks]) / 2
    filler = np.full((len(breaks),) + values.shape[1:], np.nan)
    return (np.insert(times, breaks, gap_times),
            np.insert(values.astype(np.float64), breaks, filler, axis=0))


def segments(times: np.ndarray, max_gap: float = GAP_S) -> list[slice]:
    """Index ranges of runs of messages no further apart than max_gap."""
    if not len(times):
        return []
    cuts = [0, *(np.nonzero(np.diff(times) > max_gap)[0] + 1), len(times)]
    return [slice(a, b) for a, b in zip(cuts, cuts[1:])]


def time_axes(axes: np.ndarray, span: tuple[float, float]) -> None:
    """The same time limits on every axis, the label under the bottom row."""
    pad = 0.01 * (span[1] - span[0])
    for ax in axes.flat:
        ax.set_xlim(span[0] - pad, span[1] + pad)
    for ax in axes[-1]:
        ax.set_xlabel(TIME_LABEL)
