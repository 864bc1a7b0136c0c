# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Keep the libraries' own log lines (MediaPipe/TFLite, absl, progress bars) off stderr.

MediaPipe writes through absl before any logging is configured, so no setting silences it:
`quiet_stderr()` points file descriptor 2 at a temporary file while the models load and run,
and restores it afterwards. What the libraries wrote is dropped; pass `keep=True` (e.g. for a
--verbose option) to leave stderr alone.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def quiet_stderr(keep: bool = False) -> Iterator[None]:
    if keep:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


@contextmanager
def stderr_to_file(path: Path, keep: bool = False) -> Iterator[TextIO]:
    """Send file descriptor 2 (native and ROS log lines) to `path`; yield a stream that still
    reaches the terminal (for progress bars). With `keep`, leave stderr alone."""
    if keep:
        yield sys.stderr
        return
    sys.stderr.flush()
    saved = os.dup(2)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            terminal.close()
