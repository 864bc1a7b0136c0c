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
