# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Simulated face feature trajectories in the exact VIDEO_FEATURES space.

Geometry follows the prototypical action units of each emotion (Ekman & Friesen 1978,
FACS; Ekman, Friesen & Hager 2002, EMFACS prototypes): happy AU6+AU12 (lip corners up and
apart, cheeks narrow the eyes); sad AU1+AU4+AU15 (inner brows up and together, lip corners
down, lids droop); angry AU4+AU5+AU7+AU23 (brows lowered and drawn together, lips pressed);
fearful AU1+AU2+AU4+AU5+AU20+AU26 (brows up and together, eyes wide, lips stretched, jaw
drop); surprised AU1+AU2+AU5+AU26 (brows up, eyes wide, mouth open); disgusted AU9+AU15+AU16
(nose wrinkle narrows the eyes, lowers the brows, lip corners down). Head pitched down in
sadness: Wallbott (1998) "Bodily expression of emotion", Eur. J. Social Psychology 28.
The classifier probabilities imitate a FER2013 model's softmax, leaking into its typical
confusions (fear<->surprise, disgust<->anger, sadness->neutral: Goodfellow et al. 2013,
"Challenges in representation learning"). Displacements are in the units of feature_spec
and are our approximations. Low quality (detector confidence) adds noise until the
features carry almost nothing.
"""

from __future__ import annotations

import numpy as np

from hri_emo_ros.common.feature_spec import FER_CLASSES, VIDEO_FEATURES
from hri_emo_ros.fusion.sim_affect import Episode

GEOMETRY = ("mouth_open", "mouth_width", "lip_corner_pull", "brow_raise", "brow_furrow",
            "eye_open_left", "eye_open_right", "head_yaw", "head_pitch", "head_roll")
# Neutral geometry as our face pipeline measures it on real faces (skimage's astronaut and
# cameraman, mediapipe mesh): the mesh's brow points give a furrow near 0.68 and its
# forehead sits back, so a frontal face reads a pitch near -0.2 rad.
NEUTRAL_GEOMETRY = np.array([0.03, 0.62, 0.0, 0.11, 0.675, 0.27, 0.27, 0.0, -0.2, 0.0])
PERSON_SPREAD = np.array([0.015, 0.06, 0.01, 0.02, 0.04, 0.05, 0.05, 0.2, 0.12, 0.06])
FRAME_NOISE = np.array([0.006, 0.015, 0.003, 0.004, 0.015, 0.012, 0.012, 0.03, 0.02, 0.02])
# Full-intensity displacement from neutral, in GEOMETRY order.
DISPLACEMENT: dict[str, np.ndarray] = {
    "happy":     np.array([0.03, 0.15, 0.030, 0.000, -0.01, -0.05, -0.05, 0.0, 0.03, 0.0]),
    "sad":       np.array([0.00, -0.03, -0.020, 0.010, 0.07, -0.04, -0.04, 0.0, -0.15, 0.0]),
    "angry":     np.array([0.01, -0.05, -0.005, -0.025, 0.15, 0.01, 0.01, 0.0, -0.04, 0.0]),
    "fearful":   np.array([0.06, 0.08, -0.005, 0.025, 0.08, 0.07, 0.07, 0.0, 0.02, 0.0]),
    "disgusted": np.array([0.02, 0.02, -0.015, -0.015, 0.08, -0.05, -0.05, 0.0, 0.0, 0.03]),
    "surprised": np.array([0.12, -0.04, 0.000, 0.040, -0.03, 0.08, 0.08, 0.0, 0.05, 0.0]),
}
CONFUSIONS: dict[str, dict[str, float]] = {
    "fearful": {"surprised": 0.35, "sad": 0.15},
    "surprised": {"fearful": 0.25},
    "disgusted": {"angry": 0.4},
    "angry": {"disgusted": 0.2, "sad": 0.1},
    "sad": {"neutral": 0.3, "fearful": 0.15},
}
CLASS = {name: i for i, name in enumerate(FER_CLASSES)}
EXPRESSION_GAIN = 3.0
NEUTRAL_LOGIT = 1.5
# People differ in how much they show (Kring, Smith & Neale 1994, "Individual differences
# in dispositional expressiveness", JPSP 66(5)); a classifier misjudges some faces steadily.
EXPRESSIVITY = (0.35, 1.15)
CLASSIFIER_BIAS = 0.6

if len(VIDEO_FEATURES) != len(FER_CLASSES) + len(GEOMETRY) + 1:
    raise RuntimeError("sim_face does not match VIDEO_FEATURES; update it with feature_spec")


def simulate_face(episode: Episode, times: np.ndarray, quality: np.ndarray, speaking: bool,
                  rng: np.random.Generator) -> np.ndarray:
    """(steps, len(VIDEO_FEATURES)) features of one face at `times` (seconds, <= 0)."""
    steps = times.shape[0]
    envelope = episode.envelope(times)                               # (T,)
    noise_scale = 1.0 + 5.0 * (1.0 - quality)                        # (T,)
    baseline = NEUTRAL_GEOMETRY + rng.normal(0.0, PERSON_SPREAD)
    geometry = np.repeat(baseline[None], steps, axis=0)
    logits = np.zeros((steps, len(FER_CLASSES)))
    logits[:, CLASS["neutral"]] = NEUTRAL_LOGIT
    logits += rng.normal(0.0, CLASSIFIER_BIAS, len(FER_CLASSES))
    expressivity = rng.uniform(*EXPRESSIVITY)
    for name, weight in episode.expressed.items():
        strength = weight * expressivity * envelope
        geometry += strength[:, None] * DISPLACEMENT[name] * rng.uniform(0.7, 1.3)
        logits[:, CLASS[name]] += EXPRESSION_GAIN * strength
        for other, share in CONFUSIONS.get(name, {}).items():
            logits[:, CLASS[other]] += EXPRESSION_GAIN * share * strength
    if speaking:  # articulation opens and closes the mouth at syllable rate
        phase = rng.uniform(0, 2 * np.pi)
        geometry[:, 0] += 0.03 * np.abs(np.sin(2 * np.pi * 2.0 * times + phase))
    geometry += rng.normal(0.0, 1.0, geometry.shape) * FRAME_NOISE * noise_scale[:, None]
    geometry[:, 7:10] += np.cumsum(rng.normal(0.0, 0.01, (steps, 3)), axis=0)  # head drift
    blink = rng.random(steps) < 0.04
    geometry[blink, 5:7] = 0.06 + rng.normal(0.0, 0.01, (int(blink.sum()), 2))
    geometry[:, 0] = np.maximum(geometry[:, 0], 0.0)
    logits += rng.normal(0.0, 1.0, logits.shape) * (0.8 + 3.0 * (1.0 - quality))[:, None]
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    return np.concatenate([probs, geometry, quality[:, None]], axis=1).astype(np.float32)
