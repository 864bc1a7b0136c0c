# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What a benchmark report holds besides its figures: the machine, and a printed table."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# (what, unit, median or p50, p99); None where a figure has no spread.
Row = tuple[str, str, float | None, float | None]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine_description() -> dict[str, Any]:
    """CPU, cores, torch and its threads, GPU, and the load average now (1, 5, 15 min)."""
    load = os.getloadavg()  # first: importing torch below loads the CPU itself
    import torch

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": usable,
        "load_average_at_start": [round(v, 2) for v in load],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cuda_device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


def format_table(rows: Sequence[Row]) -> str:
    header = ("what", "unit", "median", "p99")
    cells = [header] + [(what, unit, _number(mid), _number(p99)) for what, unit, mid, p99 in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = []
    for row in cells:
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  "
                     f"{row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}".rstrip())
    return "\n".join(lines)


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
