# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Exceptions the behaviour core raises; each carries a short machine-readable `reason`."""

from __future__ import annotations


class BehaviorError(ValueError):
    """Base class: `reason` is a short kind such as "nan_values" or "unknown_field"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInput(BehaviorError):
    """An affective observation the agent refuses to use.

    Kinds: empty_person_id, nan_values, inf_values, out_of_range, no_levels.
    """


class RepertoireError(BehaviorError):
    """A behaviour repertoire that cannot be loaded; names the line and the field.

    `line` is 1-based (0 when unknown); `field` is a path such as "actions[2].cooldown_s".
    Kinds: yaml_syntax, wrong_type, missing_field, unknown_field, duplicate_key, bad_value,
    duplicate_action, unknown_action, empty.
    """

    def __init__(self, reason: str, message: str, line: int, field: str) -> None:
        super().__init__(reason, message)
        self.line = line
        self.field = field


class CorruptState(BehaviorError):
    """A persisted learned-state dictionary that does not describe a valid learner.

    Kinds: not_a_mapping, wrong_format, missing_key, wrong_shape, nan_values, negative_values,
    action_mismatch, state_space_mismatch.
    """
