# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Populated rosbags message objects of any type a typestore knows (for bag tests)."""

from __future__ import annotations

import numpy as np
from rosbags.typesys.base import Nodetype

TEXT = "Grüße, 你好 — 😊"
_NUMPY = {"bool": np.bool_, "int8": np.int8, "uint8": np.uint8, "int16": np.int16,
          "uint16": np.uint16, "int32": np.int32, "uint32": np.uint32, "int64": np.int64,
          "uint64": np.uint64, "float32": np.float32, "float64": np.float64,
          "byte": np.uint8, "char": np.uint8, "octet": np.uint8}


def _base(name: str, rng: np.random.Generator, index: int):
    if name == "string":
        return f"{TEXT} #{index}"
    if name == "bool":
        return bool(index % 2)
    if name.startswith("float"):
        return float(np.float32(rng.uniform(-100, 100)))
    return int(rng.integers(0, 100))


def _array(element, count: int, store, rng, index: int):
    kind, detail = element
    if kind == Nodetype.BASE and detail[0] in _NUMPY:
        values = rng.uniform(0, 100, count) if detail[0].startswith("float") else \
            rng.integers(0, 2, count) if detail[0] == "bool" else rng.integers(0, 100, count)
        return values.astype(_NUMPY[detail[0]])
    return [_value(element, store, rng, index + i) for i in range(count)]


def _value(field, store, rng: np.random.Generator, index: int):
    kind, detail = field
    if kind == Nodetype.BASE:
        return _base(detail[0], rng, index)
    if kind == Nodetype.NAME:
        return sample(store, detail, rng, index)
    element, length = detail
    return _array(element, length if kind == Nodetype.ARRAY else 5, store, rng, index)


def sample(store, type_name: str, rng: np.random.Generator, index: int = 0):
    """A message object of `type_name` with every field set to a non-default value."""
    _, fields = store.fielddefs[type_name]
    values = {name: _value(field, store, rng, index + i) for i, (name, field) in enumerate(fields)}
    if type_name == "builtin_interfaces/msg/Time":
        values["nanosec"] = int(rng.integers(0, 10**9))
    return store.types[type_name](**values)


def equal(a, b) -> bool:
    """Deep equality of rosbags objects (NaN-free samples; arrays compared element-wise)."""
    if hasattr(a, "__dataclass_fields__"):
        return a.__msgtype__ == b.__msgtype__ and all(equal(getattr(a, f), getattr(b, f))
                                                  for f in a.__dataclass_fields__)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return a == b
