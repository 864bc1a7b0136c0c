# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Checks that a modality's feature steps are fit to fuse; every refusal names its reason."""

from __future__ import annotations

import numpy as np

from hri_emo_ros.common.feature_spec import FEATURE_DIMS, MODALITIES
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import ModalitySteps

MAX_STEPS = 4096
MAX_ABS_VALUE = 1.0e4
DEFAULT_FUTURE_TOLERANCE_S = 0.05


def check_modality_steps(
    steps: ModalitySteps,
    now: float | None = None,
    future_tolerance_s: float = DEFAULT_FUTURE_TOLERANCE_S,
) -> ModalitySteps:
    """`steps` with float32 features/quality and float64 times (arrays are shared with the
    input where the dtype already fits), or InvalidInput saying what is wrong."""
    where = f"{steps.modality} features of person '{steps.person_id}'"
    if not steps.person_id:
        raise InvalidInput("empty_person_id", f"{steps.modality} features without a person id")
    if steps.modality not in MODALITIES:
        raise InvalidInput(
            "unknown_modality", f"modality '{steps.modality}' is not one of {MODALITIES}"
        )
    features = np.asarray(steps.features)
    if features.ndim != 2:
        raise InvalidInput("shape_mismatch", f"{where}: expected (steps, dim), got "
                           f"shape {features.shape}")
    count, dim = features.shape
    expected = FEATURE_DIMS[steps.modality]
    if dim != expected:
        raise InvalidInput("wrong_dimension", f"{where}: dim {dim}, expected {expected}")
    if count == 0:
        raise InvalidInput("empty", f"{where}: no steps")
    if count > MAX_STEPS:
        raise InvalidInput("too_many_steps", f"{where}: {count} steps > {MAX_STEPS}")
    times = np.asarray(steps.step_times, dtype=np.float64).reshape(-1)
    quality = np.asarray(steps.quality, dtype=np.float32).reshape(-1)
    if times.size != count or quality.size != count:
        raise InvalidInput("shape_mismatch", f"{where}: {count} steps but {times.size} step "
                           f"times and {quality.size} quality values")
    if steps.step_labels and len(steps.step_labels) != count:
        raise InvalidInput("shape_mismatch", f"{where}: {len(steps.step_labels)} labels for "
                           f"{count} steps")
    features = np.asarray(features, dtype=np.float32)
    _check_finite(where, "features", features)
    _check_finite(where, "step times", times)
    _check_finite(where, "quality", quality)
    if features.max() > MAX_ABS_VALUE or features.min() < -MAX_ABS_VALUE:
        raise InvalidInput("out_of_range", f"{where}: |value| > {MAX_ABS_VALUE:g}")
    if quality.min() < 0.0 or quality.max() > 1.0:
        raise InvalidInput("quality_out_of_range", f"{where}: quality outside [0, 1]")
    if count > 1 and np.any(np.diff(times) < 0.0):
        raise InvalidInput("out_of_order_stamps", f"{where}: step times go backwards")
    if now is not None and times[-1] > now + future_tolerance_s:
        raise InvalidInput("future_stamp", f"{where}: newest step {times[-1] - now:.3f} s in "
                           f"the future")
    return ModalitySteps(steps.modality, features, times, quality, list(steps.step_labels),
                         steps.person_id, steps.extractor)


def _check_finite(where: str, what: str, values: np.ndarray) -> None:
    if np.isfinite(values).all():
        return
    if np.isnan(values).any():
        raise InvalidInput("nan_values", f"{where}: NaN in {what}")
    raise InvalidInput("inf_values", f"{where}: Inf in {what}")
