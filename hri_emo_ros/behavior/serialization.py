# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Checked conversion between learned arrays and JSON-ready dictionaries."""

from __future__ import annotations

import numpy as np

from hri_emo_ros.behavior.errors import CorruptState


def require(data: object, key: str) -> object:
    if not isinstance(data, dict):
        raise CorruptState("not_a_mapping", f"learned state is {type(data).__name__}, not a dict")
    if key not in data:
        raise CorruptState("missing_key", f"learned state has no '{key}'")
    return data[key]


def check_header(data: object, expected_format: str, n_states: int) -> tuple[str, ...]:
    """Check format and state space; return the stored action names."""
    found = require(data, "format")
    if found != expected_format:
        raise CorruptState("wrong_format", f"format {found!r}, expected {expected_format!r}")
    if require(data, "n_states") != n_states:
        raise CorruptState("state_space_mismatch",
                           f"stored for {data['n_states']!r} states, this encoder has {n_states}")
    names = require(data, "actions")
    if (not isinstance(names, list) or not names or len(set(names)) != len(names)
            or not all(isinstance(name, str) and name for name in names)):
        raise CorruptState("action_mismatch", "'actions' must be a list of unique names")
    return tuple(names)


def array_field(data: dict, key: str, shape: tuple[int, ...], non_negative: bool = False
                ) -> np.ndarray:
    try:
        array = np.asarray(require(data, key), dtype=float)
    except (TypeError, ValueError):
        raise CorruptState("wrong_shape", f"'{key}' is not a numeric array") from None
    if array.shape != shape:
        raise CorruptState("wrong_shape", f"'{key}' has shape {array.shape}, expected {shape}")
    if not np.all(np.isfinite(array)):
        raise CorruptState("nan_values", f"'{key}' holds NaN or infinite values")
    if non_negative and np.any(array < 0):
        raise CorruptState("negative_values", f"'{key}' holds negative values")
    return array


def list_field(data: dict, key: str, shapes: list[tuple[int, ...]], non_negative: bool = False
               ) -> list[np.ndarray]:
    """A list of arrays with the given shapes (one per state grouping)."""
    items = require(data, key)
    if not isinstance(items, list) or len(items) != len(shapes):
        raise CorruptState("wrong_shape", f"'{key}' must be a list of {len(shapes)} arrays")
    return [array_field({key: item}, key, shape, non_negative)
            for item, shape in zip(items, shapes, strict=True)]


def sparse_counts(counts: np.ndarray) -> list[list[float]]:
    """Non-zero entries of a 3-D count tensor as [i, j, k, value] rows."""
    nonzero = zip(*np.nonzero(counts), strict=True)
    return [[int(i), int(j), int(k), float(counts[i, j, k])] for i, j, k in nonzero]


def dense_counts(data: dict, key: str, shape: tuple[int, int, int]) -> np.ndarray:
    rows = require(data, key)
    counts = np.zeros(shape)
    if not isinstance(rows, list):
        raise CorruptState("wrong_shape", f"'{key}' must be a list of [s, a, s', count] rows")
    for row in rows:
        if not isinstance(row, list) or len(row) != 4:
            raise CorruptState("wrong_shape", f"'{key}' row {row!r} is not [s, a, s', count]")
        try:
            i, j, k = (int(v) for v in row[:3])
            value = float(row[3])
        except (TypeError, ValueError):
            raise CorruptState("wrong_shape", f"'{key}' row {row!r} is not numeric") from None
        if not all(0 <= v < n for v, n in zip((i, j, k), shape, strict=True)):
            raise CorruptState("wrong_shape", f"'{key}' row {row!r} is out of range")
        if not np.isfinite(value) or value < 0:
            raise CorruptState("negative_values", f"'{key}' row {row!r} has a bad count")
        counts[i, j, k] = value
    return counts


def remap_columns(array: np.ndarray, old: tuple[str, ...], new: tuple[str, ...], axis: int
                  ) -> np.ndarray:
    """Re-order an axis indexed by action names; new names get zeros, dropped names vanish."""
    shape = list(array.shape)
    shape[axis] = len(new)
    out = np.zeros(shape, dtype=array.dtype)
    for target, name in enumerate(new):
        if name in old:
            index = [slice(None)] * array.ndim
            source = list(index)
            index[axis], source[axis] = target, old.index(name)
            out[tuple(index)] = array[tuple(source)]
    return out
