# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The one exception the fusion core raises for input it refuses to fuse."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input that cannot be fused; `reason` is a short machine-readable kind.

    Kinds used: unknown_modality, wrong_dimension, shape_mismatch, empty, nan_values,
    inf_values, out_of_range, quality_out_of_range, out_of_order_stamps, future_stamp,
    too_many_steps, empty_person_id, no_features, model_mismatch, bad_checkpoint,
    bad_parameter, feature_space.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
