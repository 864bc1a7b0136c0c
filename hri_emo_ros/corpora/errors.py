# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The one exception of the corpus adapters."""

from __future__ import annotations


class CorpusError(ValueError):
    """A corpus release that cannot be used as given; `reason` is a short machine-readable
    kind ("missing_data", "bad_layout", "bad_label", "unknown_fold", "empty_split",
    "unknown_option", "bad_cache"), the message one sentence naming the path and what was
    expected."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
