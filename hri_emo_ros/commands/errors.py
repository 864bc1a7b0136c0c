# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The one exception a command raises for a failure the user can fix."""

from __future__ import annotations


class CommandError(Exception):
    """Reported by `hri-emo` as one line, `<prog>: <message>`, on stderr with exit code 1."""
