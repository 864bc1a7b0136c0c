# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Fill any ROS message with non-trivial values (large arrays, non-ASCII text) and compare."""

from __future__ import annotations

import array
import importlib
import math
import random
import re

import numpy as np

TEXT = "Grüße, 你好, мир — 😊 «ok»"
_SEQUENCE = re.compile(r"^sequence<(.+?)(?:, ?\d+)?>$")
_ARRAY = re.compile(r"^(.+)\[(\d+)\]$")
_INTS = {"int8": 7, "uint8": 8, "int16": 15, "uint16": 16, "int32": 31, "uint32": 32,
         "int64": 63, "uint64": 63, "octet": 8, "char": 7}


def message_class(type_name: str):
    package, name = type_name.split("/")
    return getattr(importlib.import_module(f"{package}.msg"), name)


def _scalar(type_name: str, rng: random.Random, index: int):
    if type_name in ("float", "double"):
        return float(np.float32(rng.uniform(-1e3, 1e3)))
    if type_name in _INTS:
        return rng.randrange(0, 2 ** min(_INTS[type_name], 31))
    if type_name == "boolean":
        return bool(index % 2)
    if type_name in ("string", "wstring") or type_name.startswith("string<"):
        return f"{TEXT} #{index}"
    return fill(message_class(type_name)(), rng, index)


def fill(msg, rng: random.Random, index: int = 0, sequence_length: int = 3,
         large: int = 100_000):
    """Set every field of `msg`: sequences of numbers get `large` elements."""
    for field, type_name in msg.get_fields_and_field_types().items():
        sequence = _SEQUENCE.match(type_name)
        fixed = _ARRAY.match(type_name)
        if sequence or fixed:
            element = (sequence or fixed).group(1)
            count = int(fixed.group(2)) if fixed else (
                large if element in _INTS or element in ("float", "double") else sequence_length)
            if element in ("uint8", "octet"):
                value = bytes(rng.randrange(256) for _ in range(count))
                value = value if element == "octet" else list(value)
            else:
                value = [_scalar(element, rng, index + i) for i in range(count)]
            if element in ("float", "double"):
                value = array.array("f" if element == "float" else "d", value)
        else:
            value = _scalar(type_name, rng, index)
        setattr(msg, field, value)
    return msg


def differences(expected, actual, path: str = "") -> list[str]:
    """Field-by-field comparison; returns a readable list of mismatches."""
    if hasattr(expected, "get_fields_and_field_types"):
        found = []
        for field in expected.get_fields_and_field_types():
            found += differences(getattr(expected, field), getattr(actual, field),
                                 f"{path}.{field}")
        return found
    if isinstance(expected, (list, tuple, array.array, np.ndarray, bytes)):
        expected, actual = list(expected), list(actual)
        if len(expected) != len(actual):
            return [f"{path}: length {len(actual)} != {len(expected)}"]
        found = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            found += differences(e, a, f"{path}[{i}]")
            if len(found) > 5:
                break
        return found
    if isinstance(expected, float) and math.isclose(expected, actual, rel_tol=0, abs_tol=0):
        return []
    return [] if expected == actual else [f"{path}: {actual!r} != {expected!r}"]
