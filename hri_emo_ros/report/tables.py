# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Rows of the tables that only the HTML page shows: explanation summaries at a few moments,
and the evaluation metrics (any mapping of numbers, one or two levels deep)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from hri_emo_ros.report.errors import ReportError
from hri_emo_ros.report.series import ExplanationPoint, RunSeries

EXPLANATION_ROWS = 12
MAX_GRID_COLUMNS = 8


@dataclass(frozen=True)
class MetricTable:
    caption: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]


def spread(items: list, count: int) -> list:
    """`count` items evenly spread over the list (all of them when it is shorter)."""
    if len(items) <= count:
        return list(items)
    return [items[int((i + 0.5) * len(items) / count)] for i in range(count)]


def explanation_moments(run: RunSeries, total: int = EXPLANATION_ROWS
                        ) -> list[ExplanationPoint]:
    """A few explanations per person, evenly spread over their time, in time order."""
    by_person: dict[str, list[ExplanationPoint]] = {}
    for point in run.explanations:
        if point.summary.strip():
            by_person.setdefault(point.person_id, []).append(point)
    if not by_person:
        return []
    quota = max(2, total // len(by_person))
    chosen = [p for points in by_person.values() for p in spread(points, quota)]
    return sorted(chosen, key=lambda p: (p.time, p.person_id))[: max(total, 2 * len(by_person))]


def format_value(value: Any) -> str:
    """A metric value as table text: numbers to 3 significant digits, NaN/None as '-'."""
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value)
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            return "-"
        if isinstance(value, Integral) or abs(number) >= 1000:
            return f"{number:,.0f}"
        return f"{number:.3g}"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


def _is_grid(value: Mapping) -> bool:
    """A mapping of mappings of plain values, e.g. {stage: {p50_ms, p99_ms}}."""
    return bool(value) and all(
        isinstance(inner, Mapping) and inner
        and not any(isinstance(v, Mapping) for v in inner.values())
        for inner in value.values())


def _is_matrix(value: Any) -> bool:
    """A list of equally long lists of numbers (e.g. a confusion matrix)."""
    return (isinstance(value, (list, tuple)) and len(value) > 1
            and all(isinstance(r, (list, tuple)) and len(r) == len(value[0]) and r
                    and all(isinstance(v, Real) for v in r) for r in value))


def _grid(name: str, value: Mapping) -> MetricTable:
    """Rows: the outer keys; columns: the inner keys. A sparse grid (rows with different
    keys, e.g. each node's own health counters) is listed as (row, metric, value) instead."""
    columns = list(dict.fromkeys(str(c) for inner in value.values() for c in inner))
    filled = sum(len(inner) for inner in value.values())
    if len(columns) > MAX_GRID_COLUMNS or filled < 0.75 * len(columns) * len(value):
        rows = [(str(row), str(k), format_value(v)) for row, inner in value.items()
                for k, v in inner.items()]
        return MetricTable(name, ("", "metric", "value"), rows)
    rows = [(str(row),) + tuple(format_value(_get(inner, c)) for c in columns)
            for row, inner in value.items()]
    return MetricTable(name, ("",) + tuple(columns), rows)


def _names_key(matrix: list, siblings: Mapping) -> Any:
    """The key of a sibling list of as many strings as the matrix has rows, or None."""
    return next((k for k, v in siblings.items() if isinstance(v, (list, tuple))
                 and len(v) == len(matrix) and all(isinstance(x, str) for x in v)), None)


def _matrix(name: str, matrix: list, siblings: Mapping) -> MetricTable:
    """A matrix, its rows (and columns, when as many) named by a sibling list of strings."""
    key = _names_key(matrix, siblings)
    names = [str(n) for n in siblings[key]] if key is not None else \
        [str(i) for i in range(len(matrix))]
    columns = names if len(matrix[0]) == len(names) else [str(j) for j in range(len(matrix[0]))]
    rows = [(row_name,) + tuple(format_value(v) for v in row)
            for row_name, row in zip(names, matrix)]
    return MetricTable(name, (str(key) if key is not None else "",) + tuple(columns), rows)


def _tables(caption: str, metrics: Mapping) -> list[MetricTable]:
    matrices = {k for k, v in metrics.items() if _is_matrix(v)}
    names = {_names_key(metrics[k], metrics) for k in matrices}
    scalars = [(str(k), format_value(v)) for k, v in metrics.items()
               if not isinstance(v, Mapping) and k not in matrices and k not in names]
    tables = [MetricTable(caption or "overall", ("metric", "value"), scalars)] if scalars else []
    for key, value in metrics.items():
        name = f"{caption} / {key}" if caption else str(key)
        if key in matrices:
            tables.append(_matrix(name, value, metrics))
        elif not isinstance(value, Mapping) or not value:
            continue
        elif _is_grid(value):
            tables.append(_grid(name, value))
        else:
            tables += _tables(name, value)
    return tables


def _get(mapping: Mapping, column: str) -> Any:
    return next((v for k, v in mapping.items() if str(k) == column), None)


def metric_tables(metrics: Mapping[str, Any]) -> list[MetricTable]:
    """Tables of evaluation metrics: the plain values of each mapping in one table, a mapping
    of mappings (e.g. per-class F1 and recall, latency per stage) as a grid."""
    if not isinstance(metrics, Mapping):
        raise ReportError("bad_metrics", f"metrics must be a mapping of names to values, got "
                                         f"{type(metrics).__name__}")
    return _tables("", metrics)
