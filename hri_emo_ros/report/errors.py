# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The one exception the report raises, with a machine-readable `reason`."""

from __future__ import annotations


class ReportError(ValueError):
    """A report that cannot be written as asked.

    `reason` is one of: input_bag (the replayed bag cannot be read), output_bag (the bag of
    outputs cannot be read), bad_metrics (metrics that are not a mapping of numbers),
    bad_argument, not_writable.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
