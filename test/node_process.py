# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Start a hri_emo node executable in its own process (as `ros2 run` would) for a test."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path


class NodeProcess:
    """Runs `executable --ros-args -p name:=value ...`; stops it with SIGINT on exit."""

    def __init__(self, executable: str, parameters: dict | None = None, log_path: Path = None):
        path = shutil.which(executable)
        if path is None:
            raise FileNotFoundError(
                f"{executable} is not on PATH: build the workspace and source scripts/env.sh")
        args = [path, "--ros-args"]
        for name, value in (parameters or {}).items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            args += ["-p", f"{name}:={text}"]
        self.log_path = log_path
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=dict(os.environ))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()
        return self.process.returncode

    def __enter__(self) -> NodeProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
