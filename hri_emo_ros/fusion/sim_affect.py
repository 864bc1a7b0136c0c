# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The latent emotional episode shared by the simulated face and voice of one sample.

Sources of the relationships (all simulated values are approximate, chosen by us within
the directions these works report; they are not measurements):
- Circumplex placement of categories in valence/arousal: Russell (1980) "A circumplex model
  of affect", JPSP 39(6); Russell & Mehrabian (1977) "Evidence for a three-factor theory of
  emotions", J. Research in Personality 11. CENTROIDS below are rounded approximations.
- Expression time course onset -> apex -> offset, macro-expressions lasting ~0.5-4 s:
  Ekman & Friesen (1982) "Felt, false and miserable smiles", J. Nonverbal Behavior 6(4);
  Ekman (2003) "Emotions Revealed". The envelope durations are drawn within that range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.fusion.text_affinity import AFFINITY_GAIN

# (valence, arousal) of a full-intensity episode.
CENTROIDS: dict[str, tuple[float, float]] = {
    "neutral": (0.0, 0.0),
    "happy": (0.8, 0.45),
    "sad": (-0.65, -0.45),
    "angry": (-0.55, 0.7),
    "fearful": (-0.6, 0.6),
    "disgusted": (-0.6, 0.25),
    "surprised": (0.2, 0.75),
}
POSITIVE = ("happy", "surprised")
NEGATIVE = ("sad", "angry", "fearful", "disgusted")
# Frequent blends (a second label present at a lower intensity).
BLENDS: dict[str, str] = {
    "happy": "surprised", "fearful": "surprised", "angry": "disgusted", "sad": "fearful",
}
INDEX = {name: i for i, name in enumerate(EMOTIONS)}


@dataclass
class Episode:
    """What one modality expresses: emotion weights (intensity x blend), over time."""

    expressed: dict[str, float]   # emotion -> weight in [0, 1]; empty or {"neutral": 0} = calm
    onset_start: float            # seconds relative to the window end
    onset: float
    apex: float
    offset: float
    arousal_offset: float = 0.0   # idiosyncratic arousal beyond the category (voice carries it)

    def envelope(self, times: np.ndarray) -> np.ndarray:
        """Piecewise-smooth onset-apex-offset envelope in [0, 1] at `times`."""
        t = np.asarray(times, dtype=np.float64) - self.onset_start
        rise = np.clip(t / self.onset, 0.0, 1.0)
        fall = np.clip((t - self.onset - self.apex) / self.offset, 0.0, 1.0)
        shape = rise * (1.0 - fall)
        return shape * shape * (3.0 - 2.0 * shape)  # smoothstep


def draw_episode(expressed: dict[str, float], window_s: float, rng: np.random.Generator,
                 arousal_offset: float = 0.0) -> Episode:
    """Timing drawn so that the apex overlaps the window (the episode is what is labelled)."""
    onset = rng.uniform(0.3, 1.0)
    apex = rng.uniform(0.5, 3.0)
    offset = rng.uniform(0.5, 1.5)
    apex_start = rng.uniform(-window_s - apex + 0.4, -0.2)
    return Episode(expressed, apex_start - onset, onset, apex, offset, arousal_offset)


def emotion_given_valence(valence: float, rng: np.random.Generator,
                          affinity: np.ndarray | None = None) -> str:
    """A plausible category for an utterance of this human-rated valence; `affinity` (one
    value per EMOTIONS, text_affinity.py) multiplies the odds by exp(AFFINITY_GAIN x it)."""
    if valence >= 0.25:
        names, p = ("happy", "surprised"), (0.8, 0.2)
    elif valence >= 0.08:
        names, p = ("happy", "neutral", "surprised"), (0.5, 0.35, 0.15)
    elif valence > -0.08:
        names, p = ("neutral", "surprised"), (0.85, 0.15)
    elif valence > -0.25:
        names, p = ("neutral",) + NEGATIVE, (0.3, 0.2, 0.2, 0.15, 0.15)
    else:
        names, p = NEGATIVE, (0.28, 0.28, 0.22, 0.22)
    if affinity is not None:
        logits = np.log(p) + AFFINITY_GAIN * np.asarray(affinity)[[INDEX[n] for n in names]]
        p = np.exp(logits - logits.max())
        p = p / p.sum()
    return str(rng.choice(names, p=p))


def contrasting_emotion(emotion: str, rng: np.random.Generator) -> str:
    """An emotion from the other side of the valence axis (any non-neutral for neutral)."""
    if emotion in POSITIVE:
        return str(rng.choice(NEGATIVE))
    if emotion in NEGATIVE:
        return str(rng.choice(("happy", "neutral"), p=(0.7, 0.3)))
    return str(rng.choice(POSITIVE + NEGATIVE))


def intensity_for(emotion: str, valence: float | None, rng: np.random.Generator) -> float:
    if emotion == "neutral":
        return 0.0
    if valence is None:
        return float(rng.uniform(0.4, 1.0))
    return float(np.clip(0.25 + 0.95 * abs(valence) + rng.normal(0.0, 0.1), 0.2, 1.0))


def expression_weights(emotion: str, intensity: float, blend: bool,
                       rng: np.random.Generator) -> dict[str, float]:
    weights = {emotion: intensity} if emotion != "neutral" else {}
    if blend and emotion in BLENDS:
        weights[BLENDS[emotion]] = intensity * rng.uniform(0.5, 0.8)
    return weights


def targets_for(expressed: dict[str, float], emotion: str) -> np.ndarray:
    labels = np.zeros(len(EMOTIONS), dtype=np.float32)
    labels[INDEX[emotion]] = 1.0
    for name in expressed:
        labels[INDEX[name]] = 1.0
    return labels
