# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Choose the torch device: CUDA when present, CPU otherwise, never required."""

from __future__ import annotations

import torch

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def resolve_device(name: str = "auto") -> torch.device:
    """Map "auto" | "cpu" | "cuda" (or "cuda:N") to a usable torch.device.

    "auto" picks CUDA when available. Asking for CUDA on a machine without it raises
    ValueError with a clear reason instead of failing later inside a kernel.
    """
    name = name.strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device '{name}' requested but CUDA is not available here")
        return torch.device(name)
    raise ValueError(f"unknown device '{name}': expected one of {', '.join(DEVICE_CHOICES)}")
