# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Bytes held by one object graph, for the per-person memory report."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

SHARED_ATTRIBUTES = ("config", "maps")   # held by every person, counted once elsewhere


def deep_size(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes held by `obj` and what it references, except shared configuration and maps."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return sys.getsizeof(obj) + (0 if obj.base is None else obj.nbytes)
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, (list, tuple, set)):
        size += sum(deep_size(item, seen) for item in obj)
    elif hasattr(obj, "__dict__"):
        size += sum(deep_size(v, seen) for k, v in vars(obj).items()
                    if k not in SHARED_ATTRIBUTES)
    return size
