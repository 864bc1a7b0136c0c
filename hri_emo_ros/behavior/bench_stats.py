# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Statistics of learning curves over seeds: normalisation, episodes to a threshold,
bootstrap confidence intervals."""

from __future__ import annotations

import numpy as np


def normalise(scores: np.ndarray, random_scores: np.ndarray, best_scores: np.ndarray
              ) -> np.ndarray:
    """(seeds, episodes) -> 0 = the random policy, 1 = the reference, per seed.

    Encounter k of a seed starts the same way for every policy (common random numbers),
    so the random policy's return on that very encounter is subtracted: this removes the
    encounter's own difficulty (the person's starting mood) from the comparison. The
    result is divided by the seed's mean gap between reference and random policy.
    """
    gap = np.maximum((best_scores - random_scores).mean(axis=1), 1e-9)
    return (scores - random_scores) / gap[:, None]


def moving_average(curves: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over `window` episodes; NaN until a full window exists."""
    out = np.full(curves.shape, np.nan)
    cumulative = np.cumsum(curves, axis=1)
    out[:, window - 1] = cumulative[:, window - 1] / window
    out[:, window:] = (cumulative[:, window:] - cumulative[:, :-window]) / window
    return out


def episodes_to_threshold(smoothed: np.ndarray, threshold: float) -> np.ndarray:
    """First episode (1-based) whose smoothed value reaches the threshold; NaN if never."""
    reached = np.nan_to_num(smoothed, nan=-np.inf) >= threshold
    first = np.argmax(reached, axis=1).astype(float) + 1
    first[~reached.any(axis=1)] = np.nan
    return first


def bootstrap_ci(values: np.ndarray, statistic=np.mean, resamples: int = 2000,
                 level: float = 0.95, seed: int = 0) -> tuple[float, float, float]:
    """(estimate, low, high) of a statistic over seeds, percentile bootstrap."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    picks = rng.integers(len(values), size=(resamples, len(values)))
    stats = statistic(values[picks], axis=1)
    tail = (1 - level) / 2 * 100
    return (float(statistic(values)), float(np.percentile(stats, tail)),
            float(np.percentile(stats, 100 - tail)))


def curve_band(curves: np.ndarray, resamples: int = 1000, level: float = 0.95, seed: int = 0
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean curve over seeds (rows) with a bootstrap band per episode."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(curves.shape[0], size=(resamples, curves.shape[0]))
    means = curves[picks].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return (curves.mean(axis=0), np.nanpercentile(means, tail, axis=0),
            np.nanpercentile(means, 100 - tail, axis=0))
