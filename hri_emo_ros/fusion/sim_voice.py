# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Simulated voice feature trajectories in the exact AUDIO_FEATURES space.

Directions of the emotion effects on prosody follow the reviews of Scherer (2003) "Vocal
communication of emotion: a review of research paradigms", Speech Communication 40, and
Juslin & Laukka (2003) "Communication of emotions in vocal expression and music
performance", Psychological Bulletin 129(5), with Banse & Scherer (1996), JPSP 70(3):
- arousal raises F0 level and range, intensity (energy), speaking rate and high-frequency
  energy (spectral centroid / roll-off); the episode's `arousal_offset` moves all of these
  together;
- anger (hot): high F0, wide range, loud, fast, much high-frequency energy;
- happiness: high F0 with wide range, fairly loud, fast;
- fear: very high F0, narrow or irregular contour (more F0 std relative to range), fast;
- sadness: low F0, narrow range, soft, slow, little high-frequency energy;
- disgust: low F0, slow; surprise: high F0 with a wide range.
Magnitudes below (semitones, dB, kHz, rate factors) are our approximations. Speakers get
their own baseline (F0 around 110 or 200 Hz, level, MFCC timbre); silence and low quality
(background noise, lower SNR) push the features towards noise. Steps follow AUDIO_WINDOW_S
/ AUDIO_HOP_S. Absolute MFCC values are not those of any particular extractor: the model
standardises every feature with training statistics, and real data should replace this.
"""

from __future__ import annotations

import numpy as np

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, MFCC_COUNT
from hri_emo_ros.fusion.sim_affect import Episode

# (d_f0_st, d_range_st, d_energy_db, rate_factor - 1, d_centroid_khz, d_f0_std_st)
EFFECTS: dict[str, np.ndarray] = {
    "happy":     np.array([2.5, 3.0, 3.0, 0.10, 0.25, 0.6]),
    "angry":     np.array([3.0, 2.5, 6.0, 0.12, 0.50, 0.6]),
    "fearful":   np.array([4.0, -0.5, 1.0, 0.20, 0.20, 1.2]),
    "sad":       np.array([-1.5, -2.5, -5.0, -0.20, -0.30, -0.5]),
    "disgusted": np.array([-1.0, 0.5, -1.0, -0.15, -0.05, 0.0]),
    "surprised": np.array([4.0, 4.0, 2.0, 0.00, 0.20, 0.8]),
}
AROUSAL_EFFECT = np.array([2.0, 1.5, 3.0, 0.10, 0.25, 0.3])  # per unit of arousal offset
MFCC_TIMBRE_SPREAD = np.array([30.0, 15.0] + [8.0] * (MFCC_COUNT - 2))

if len(AUDIO_FEATURES) != 13 + 2 * MFCC_COUNT:
    raise RuntimeError("sim_voice does not match AUDIO_FEATURES; update it with feature_spec")


def draw_speaker(rng: np.random.Generator) -> dict:
    female = rng.random() < 0.5
    return {
        "f0": rng.normal(11.0 if female else 2.0, 1.5),      # semitones re 100 Hz
        "level": rng.normal(-28.0, 4.0),                      # dBFS at the microphone
        "centroid": rng.normal(1.6 if female else 1.35, 0.15),
        "timbre": rng.normal(0.0, 1.0, MFCC_COUNT) * MFCC_TIMBRE_SPREAD,
        "rate": rng.normal(4.2, 0.5),                         # syllables per second
    }


def simulate_voice(episode: Episode, times: np.ndarray, quality: np.ndarray,
                   speaking_fraction: np.ndarray, speaker: dict,
                   rng: np.random.Generator) -> np.ndarray:
    """(steps, len(AUDIO_FEATURES)) features at `times`; speaking_fraction in [0, 1]."""
    steps = times.shape[0]
    envelope = episode.envelope(times)
    effect = np.zeros((steps, 6))
    for name, weight in episode.expressed.items():
        effect += (weight * envelope)[:, None] * EFFECTS[name] * rng.uniform(0.4, 1.2)
    effect += episode.arousal_offset * AROUSAL_EFFECT
    d_f0, d_range, d_energy, d_rate, d_centroid, d_f0_std = effect.T
    s = speaking_fraction
    voiced = (s > 0.1).astype(np.float64)
    noise_floor = -58.0 + 28.0 * (1.0 - quality) + rng.normal(0.0, 2.0, steps)
    speech_level = speaker["level"] + d_energy + rng.normal(0.0, 1.5, steps)
    energy = 10.0 * np.log10(s * 10 ** (speech_level / 10) + 10 ** (noise_floor / 10))
    snr = np.clip((speech_level - noise_floor) / 30.0, 0.0, 1.0) * voiced
    jitter = 1.0 + 3.0 * (1.0 - quality)
    f0 = voiced * (speaker["f0"] + d_f0 + rng.normal(0.0, 0.8 * jitter, steps))
    f0_range = voiced * np.maximum(5.0 + d_range + rng.normal(0.0, 1.0 * jitter, steps), 0.3)
    f0_std = voiced * np.maximum(f0_range / 3.3 + 0.3 * d_f0_std + rng.normal(0, 0.3, steps),
                                 0.1)
    voicing = s * np.clip(rng.normal(0.65, 0.06, steps), 0.3, 0.9)
    noise_centroid = 2.8 + rng.normal(0.0, 0.3, steps)
    centroid = snr * (speaker["centroid"] + d_centroid) + (1 - snr) * noise_centroid
    centroid += rng.normal(0.0, 0.08 * jitter, steps)
    bandwidth = 1.5 + 0.5 * (centroid - 1.4) + rng.normal(0.0, 0.08, steps)
    rolloff = 2.8 + 1.6 * (centroid - 1.4) + rng.normal(0.0, 0.15, steps)
    flatness = np.clip(0.02 + 0.35 * (1 - snr) + rng.normal(0.0, 0.01, steps), 0.0, 1.0)
    zcr = np.clip(0.04 + 0.03 * (centroid - 1.4) + 0.08 * (1 - voicing)
                  + rng.normal(0.0, 0.005, steps), 0.0, 1.0)
    onset_rate = np.maximum(s * speaker["rate"] * (1.0 + d_rate) + rng.normal(0, 0.5, steps), 0)
    energy_std = np.maximum(3.0 + 6.0 * s * (1 - s) + 0.3 * d_energy
                            + rng.normal(0.0, 0.7, steps), 0.1)
    speech_prob = np.clip(s * (0.55 + 0.45 * quality) + (1 - quality) * rng.uniform(0, 0.3, steps)
                          + rng.normal(0.0, 0.03, steps), 0.0, 1.0)
    mfcc_mean = np.repeat(speaker["timbre"][None], steps, axis=0)
    mfcc_mean[:, 0] += 12.0 * (energy + 30.0)         # c0 follows log energy
    mfcc_mean[:, 1] += -40.0 * (centroid - 1.4)       # c1 follows spectral tilt
    mfcc_mean[:, 2:] += 6.0 * d_centroid[:, None] * rng.normal(0.0, 1.0, MFCC_COUNT - 2)
    mfcc_mean += rng.normal(0.0, 1.0, mfcc_mean.shape) * (2.0 + 8.0 * (1 - quality))[:, None]
    mfcc_std = (np.array([40.0, 20.0] + [10.0] * (MFCC_COUNT - 2))[None]
                * (0.5 + s[:, None] * (1.0 + 0.1 * d_energy[:, None] / 3.0))
                * np.exp(rng.normal(0.0, 0.1, (steps, MFCC_COUNT))))
    prosody = np.stack([speech_prob, f0, f0_range, f0_std, voicing, energy, energy_std, zcr,
                        centroid, bandwidth, rolloff, flatness, onset_rate], axis=1)
    return np.concatenate([prosody, mfcc_mean, mfcc_std], axis=1).astype(np.float32)
