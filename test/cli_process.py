# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Run the real `hri-emo` command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def hri_emo(*args: object, timeout: float = 240.0) -> subprocess.CompletedProcess:
    """`hri-emo ARGS` (the console script on PATH after `source scripts/env.sh`, else
    `python -m hri_emo_ros.cli`), with captured text output."""
    script = shutil.which("hri-emo")
    command = [script] if script else [sys.executable, "-m", "hri_emo_ros.cli"]
    return subprocess.run(command + [str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def single_error_line(result: subprocess.CompletedProcess, prefix: str) -> str:
    """The one stderr line of a failed command, checked: exit code 1, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]
