# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The report page: one self-contained HTML file (inline CSS, no script) that shows the
figures next to it by relative path, the summary and the tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from hri_emo_ros.report.fig_behavior import ActionChange
from hri_emo_ros.report.series import BagSummary, ExplanationPoint, RunSeries
from hri_emo_ros.report.summary import HEADER, SEEN_GAP_S, PersonSummary, summary_cells
from hri_emo_ros.report.tables import MetricTable

MAX_ACTION_ROWS = 200
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1250px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.93em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption, .muted { color: #555; font-size: 0.92em; }
.notes li { color: #8a4b00; }
"""


@dataclass(frozen=True)
class FigureEntry:
    key: str             # e.g. "behavior": the action changes follow that figure
    heading: str
    source: str          # relative path of the PNG
    caption: str


def _utc(ns: int | None) -> str:
    if ns is None:
        return "-"
    stamp = dt.datetime.fromtimestamp(ns / 1e9, tz=dt.timezone.utc)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]],
           numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{escape(c)}</td>' if i in numeric
                         else f"<td>{escape(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _topics(bag: BagSummary) -> str:
    if not bag.topics:
        return "no topics"
    return ", ".join(f"<code>{escape(t.name)}</code> ({t.count})"
                     for t in bag.topics.values())


def _header(title: str, run: RunSeries, labels_count: int | None) -> str:
    inputs, outputs = run.input_bag, run.output_bag
    labels = (f"{labels_count} labelled span(s), shaded in the figures" if labels_count
              else "none given")
    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"""<h1>{escape(title)}</h1>
<p class="muted">Report written {escape(now)}.</p>
<table>
<tr><th>input replayed</th><td><code>{escape(str(inputs.path))}</code>: starts
{escape(_utc(inputs.start_ns))}, {inputs.duration_s:.1f} s; {_topics(inputs)}</td></tr>
<tr><th>outputs recorded</th><td><code>{escape(str(outputs.path))}</code>: first message
received {escape(_utc(outputs.start_ns))}; {_topics(outputs)}</td></tr>
<tr><th>labels</th><td>{escape(labels)}</td></tr>
</table>
<p class="muted">Times are seconds from the input bag's start
({escape(_utc(run.origin_ns))}), taken from the messages' header stamps.</p>"""


def _summary(rows: Sequence[PersonSummary]) -> str:
    if not rows:
        return "<h2 id='persons'>Persons</h2><p>No person in the outputs.</p>"
    return ("<h2 id='persons'>Persons</h2>" + _table(HEADER, [summary_cells(r) for r in rows],
                                        numeric=(1, 3, 4, 6))
            + f"""<p class="muted">seen: time covered by the person's EmotionState messages
(gaps over {SEEN_GAP_S:g} s not counted); dominant emotion: most frequent dominant label
and its share of the messages; valence, arousal: means; behaviour: most chosen action and its
share of the BehaviorCommands; micro events: micro-expressions detected by the
hierarchy.</p>""")


def _actions(changes: Sequence[ActionChange]) -> str:
    if not changes:
        return "<p>No BehaviorCommand.</p>"
    rows = [(f"{c.time:.1f}", c.person_id, c.action + (" (dreaming)" if c.from_planning else ""),
             f"{c.intensity:.2f}", c.rationale, c.utterance) for c in changes[:MAX_ACTION_ROWS]]
    more = (f"<p class='muted'>{len(changes) - MAX_ACTION_ROWS} later change(s) not listed."
            "</p>" if len(changes) > MAX_ACTION_ROWS else "")
    return ("<h3>Action changes</h3>" + _table(("time [s]", "person", "action", "intensity",
                                                "rationale", "utterance"), rows, numeric=(0, 3))
            + more)


def _explanations(points: Sequence[ExplanationPoint]) -> str:
    if not points:
        return "<p>No Explanation with a summary.</p>"
    rows = [(f"{p.time:.1f}", p.person_id, p.summary, ", ".join(p.top_words)) for p in points]
    return _table(("time [s]", "person", "summary", "top words"), rows, numeric=(0,))


def _metrics(tables: Sequence[MetricTable]) -> str:
    parts = ["<h2 id='metrics'>Metrics</h2>"]
    for table in tables:
        numeric = tuple(range(1, len(table.header)))
        parts.append(f"<h3>{escape(table.caption)}</h3>"
                     + _table(table.header, table.rows, numeric))
    return "".join(parts)


def render_page(title: str, run: RunSeries, rows: Sequence[PersonSummary],
                figures: Sequence[FigureEntry], changes: Sequence[ActionChange],
                explanations: Sequence[ExplanationPoint],
                metrics: Sequence[MetricTable] | None, labels_count: int | None,
                notes: Sequence[str]) -> str:
    sections = [("persons", "Persons")] + ([("notes", "Data notes")] if notes else []) + [
        (entry.key, entry.heading) for entry in figures] + [("explanations", "Explanations")] + (
        [("metrics", "Metrics")] if metrics is not None else [])
    contents = " · ".join(f'<a href="#{key}">{escape(name)}</a>' for key, name in sections)
    parts = [_header(title, run, labels_count), f"<p>{contents}</p>", _summary(rows)]
    if notes:
        parts.append("<h2 id='notes'>Data notes</h2><ul class='notes'>"
                     + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    for entry in figures:
        parts.append(f"<h2 id=\"{entry.key}\">{escape(entry.heading)}</h2><figure><img src=\""
                     f"{escape(entry.source)}\" alt=\"{escape(entry.heading)}\"><figcaption>"
                     f"{escape(entry.caption)}</figcaption></figure>")
        if entry.key == "behavior":
            parts.append(_actions(changes))
    parts.append("<h2 id='explanations'>Explanations at a few moments</h2>"
                 + _explanations(explanations))
    if metrics is not None:
        parts.append(_metrics(metrics))
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
{body}
</body></html>
"""
