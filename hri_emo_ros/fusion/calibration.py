# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Temperature scaling of the confidence head (Guo et al. 2017, "On calibration of modern
neural networks"): one scalar T > 0 fitted on held-out data by minimising the negative
log-likelihood of sigmoid(logit / T) against whether the dominant label was right.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from hri_emo_ros.fusion.metrics import expected_calibration_error


def _nll(log_t: float, logits: np.ndarray, correct: np.ndarray) -> float:
    z = logits / np.exp(log_t)
    # log(1 + exp(-z)) for correct, log(1 + exp(z)) for wrong, computed stably
    return float(np.mean(np.logaddexp(0.0, np.where(correct, -z, z))))


def fit_temperature(logits: np.ndarray, correct: np.ndarray) -> float:
    if logits.size < 10:
        raise ValueError(f"need at least 10 held-out samples to fit a temperature, got "
                         f"{logits.size}")
    result = minimize_scalar(_nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded",
                             args=(logits.astype(np.float64), correct.astype(bool)))
    return float(np.exp(result.x))


def calibration_report(logits: np.ndarray, correct: np.ndarray, temperature: float,
                       bins: int = 15) -> dict:
    before = 1.0 / (1.0 + np.exp(-logits))
    after = 1.0 / (1.0 + np.exp(-logits / temperature))
    return {
        "temperature": temperature,
        "ece_before": expected_calibration_error(before, correct, bins),
        "ece_after": expected_calibration_error(after, correct, bins),
        "nll_before": _nll(0.0, logits, correct),
        "nll_after": _nll(float(np.log(temperature)), logits, correct),
        "mean_confidence_after": float(after.mean()),
        "accuracy": float(np.mean(correct)),
        "bins": bins,
    }
