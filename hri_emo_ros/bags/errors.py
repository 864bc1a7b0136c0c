# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The one exception the bag tools raise, with a machine-readable `reason`."""

from __future__ import annotations


class BagError(ValueError):
    """A bag that cannot be read or written as asked.

    `reason` is one of: not_found, not_a_bag, corrupt, unknown_topics, unknown_type,
    type_mismatch, exists, bad_record, bad_storage, no_definitions.
    The message is one sentence naming the path and what was expected.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
