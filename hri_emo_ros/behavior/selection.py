# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Action selection: values to a distribution (softmax with temperature), with transient
inhibition of recently used actions and a mask of actions that are not allowed now."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SelectionConfig:
    temperature: float = 0.01
    # Value units subtracted from an action used just now, decaying with this time constant.
    inhibition_strength: float = 0.02
    inhibition_time_s: float = 20.0


def recency_inhibition(seconds_since_use: np.ndarray, config: SelectionConfig) -> np.ndarray:
    """Inhibition per action; `seconds_since_use` is inf for actions never used."""
    seconds = np.asarray(seconds_since_use, dtype=float)
    with np.errstate(over="ignore"):
        return config.inhibition_strength * np.exp(-np.maximum(seconds, 0.0)
                                                   / config.inhibition_time_s)


def action_distribution(values: np.ndarray, allowed: np.ndarray, inhibition: np.ndarray,
                        temperature: float) -> np.ndarray:
    """Softmax over allowed actions of (value - inhibition) / temperature; zeros elsewhere."""
    allowed = np.asarray(allowed, dtype=bool)
    if not allowed.any():
        raise ValueError("no action is allowed: the caller must fall back to idle")
    logits = (np.asarray(values, float) - inhibition) / max(temperature, 1e-9)
    logits = np.where(allowed, logits, -np.inf)
    logits -= logits[allowed].max()
    weights = np.where(allowed, np.exp(logits), 0.0)
    return weights / weights.sum()


def sample_action(probabilities: np.ndarray, rng: np.random.Generator) -> int:
    return int(rng.choice(len(probabilities), p=probabilities))
