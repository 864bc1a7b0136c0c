# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Exceptions the hierarchy core raises; each carries a short machine-readable `reason`."""

from __future__ import annotations


class HierarchyError(ValueError):
    """Base class: `reason` is a short kind such as "nan_values" or "unknown_key"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidObservation(HierarchyError):
    """An EmotionState-like observation the hierarchy refuses to use.

    Kinds: bad_person_id, nan_values, inf_values, out_of_range, length_mismatch,
    duplicate_label, no_scores, wrong_type.
    """


class ConfigError(HierarchyError):
    """A configuration that cannot be used. Kinds: unknown_key, wrong_type, bad_value."""


class CorruptParameters(HierarchyError):
    """Saved parameters or person state that do not describe this model.

    Kinds: wrong_format, missing_key, wrong_shape, nan_values, negative_values, unreadable.
    """
