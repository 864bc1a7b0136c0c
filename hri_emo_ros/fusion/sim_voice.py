# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Simulated voice feature trajectories in the exact AUDIO_FEATURES space.

Neutral voice, measured: `CALM` is what our voice pipeline (perception/voice_pipeline.py:
silero VAD, YIN prosody, MFCC) computes on real calm read speech: 128 speech steps of 11
recordings, 7 speakers (the librivox reader's 5 files pooled, every other file counted as
its own speaker), all with a male voice (mean F0 87-127 Hz), in the Debian package
pocketsphinx-testdata (librivox/*.wav, cards/002.wav and 004.wav, goforward.raw,
numbers.raw, something.raw, tidigits/dhd.2934z.raw; never cards/001, 003 or 005, which are
in the sample session).
Reproduce the table with `python -m hri_emo_ros.fusion.voice_calibration`. Per feature it
holds the mean, the spread between speakers (std of the speaker means) and within a speaker
(std of the 0.5 s steps around their speaker's mean). A simulated speaker draws its
baseline from the between-speaker spread; every step adds the within-speaker spread.
`COUPLINGS` are the within-speaker regression slopes on the same steps: the coupled
features follow their driver (MFCC c0 follows the energy, c1, bandwidth, roll-off,
zero-crossing rate and flatness follow the spectral centroid, F0 std follows the F0 range,
MFCC c0's std follows the energy std) plus their own residual spread, so the simulated
steps keep the real correlations and an emotion that moves a driver moves them too.
Not measured here, our choices: half the speakers are women, with F0 +9 semitones
(Peterson & Barney 1952, J. Acoust. Soc. Am. 24(2): mean F0 223 vs 132 Hz) and a spectral
centroid 0.25 kHz higher; the speaker level spreads 4 dB (microphones and distances differ
more than these recordings, 2.35 dB); silence and low quality (noise floor, pitch errors)
push the features towards noise.

Emotion, as offsets from the neutral baseline. Directions follow the reviews of Scherer
(2003) "Vocal communication of emotion: a review of research paradigms", Speech
Communication 40, and Juslin & Laukka (2003) "Communication of emotions in vocal
expression and music performance", Psychological Bulletin 129(5), with Banse & Scherer
(1996), JPSP 70(3):
- arousal raises F0 level and range, intensity (energy), speaking rate and high-frequency
  energy (spectral centroid); the episode's `arousal_offset` moves all of these together;
- anger (hot): high F0, wide range, loud, fast, much high-frequency energy;
- happiness: high F0 with wide range, fairly loud, fast;
- fear: very high F0, narrow or irregular contour (more F0 std relative to range), fast;
- sadness: low F0, narrow range, soft, slow, little high-frequency energy;
- disgust: low F0, slow; surprise: high F0 with a wide range.
Magnitudes (semitones, dB, kHz, rate factors in `EFFECTS`) are our approximations; louder
speech also varies more in level (energy std +0.3 dB per dB) and spectrum (MFCC stds +3 %
per dB). Steps follow AUDIO_WINDOW_S / AUDIO_HOP_S.
"""

from __future__ import annotations

import numpy as np

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, AUDIO_WINDOW_S
from hri_emo_ros.fusion.sim_affect import Episode

# feature: (mean, between-speaker std, within-speaker std) on real calm read speech.
CALM: dict[str, tuple[float, float, float]] = {
    "speech_prob": (0.9419, 0.0927, 0.0999),
    "f0_mean_st": (0.2076, 1.8, 2.75),
    "f0_range_st": (2.689, 1.47, 2.69),
    "f0_std_st": (1.129, 0.614, 1.09),
    "voicing_ratio": (0.3948, 0.122, 0.219),
    "energy_db": (-28.32, 2.35, 4.44),
    "energy_std_db": (6.548, 2.72, 2.25),
    "zero_crossing_rate": (0.1143, 0.0312, 0.0624),
    "spectral_centroid_khz": (1.366, 0.292, 0.488),
    "spectral_bandwidth_khz": (1.235, 0.196, 0.187),
    "spectral_rolloff_khz": (2.499, 0.606, 0.709),
    "spectral_flatness": (0.0199, 0.0193, 0.0174),
    "onset_rate_hz": (2.482, 0.558, 1.38),
    "mfcc_mean_0": (-389.4, 27.2, 26.5),
    "mfcc_mean_1": (59.4, 11.8, 22.9),
    "mfcc_mean_2": (-1.987, 5.48, 8.3),
    "mfcc_mean_3": (29.39, 7.58, 10.2),
    "mfcc_mean_4": (-9.27, 7.73, 6.2),
    "mfcc_mean_5": (3.471, 6.9, 6.96),
    "mfcc_mean_6": (-3.531, 3.74, 5.31),
    "mfcc_mean_7": (0.2021, 2.43, 4.28),
    "mfcc_mean_8": (-0.01854, 2.96, 4.21),
    "mfcc_mean_9": (4.271, 1.81, 3.53),
    "mfcc_mean_10": (-2.756, 1.33, 3.16),
    "mfcc_mean_11": (2.888, 2.87, 3.01),
    "mfcc_mean_12": (-3.179, 3.01, 2.47),
    "mfcc_std_0": (44.91, 14.8, 13.3),
    "mfcc_std_1": (35.54, 6.95, 15.7),
    "mfcc_std_2": (16.95, 4.17, 3.88),
    "mfcc_std_3": (14.07, 0.722, 5.03),
    "mfcc_std_4": (11.62, 1.88, 3.47),
    "mfcc_std_5": (10.63, 2.55, 2.76),
    "mfcc_std_6": (8.419, 1.57, 2.08),
    "mfcc_std_7": (7.911, 1.77, 2.04),
    "mfcc_std_8": (7.107, 1.22, 1.75),
    "mfcc_std_9": (6.674, 1.24, 1.69),
    "mfcc_std_10": (5.418, 0.767, 1.3),
    "mfcc_std_11": (5.669, 0.747, 1.3),
    "mfcc_std_12": (4.866, 0.319, 1.01),
}
# target: (driver, within-speaker slope) on the same steps.
COUPLINGS: dict[str, tuple[str, float]] = {
    "f0_std_st": ("f0_range_st", 0.3991),
    "mfcc_mean_0": ("energy_db", 5.376),
    "mfcc_mean_1": ("spectral_centroid_khz", -42.95),
    "spectral_bandwidth_khz": ("spectral_centroid_khz", 0.2797),
    "spectral_rolloff_khz": ("spectral_centroid_khz", 1.367),
    "zero_crossing_rate": ("spectral_centroid_khz", 0.1235),
    "spectral_flatness": ("spectral_centroid_khz", 0.02336),
    "mfcc_std_0": ("energy_std_db", 3.817),
}
FEMALE_SHIFT = {"f0_mean_st": 9.0, "spectral_centroid_khz": 0.25}
LEVEL_SPREAD_DB = 4.0
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

if tuple(CALM) != AUDIO_FEATURES:
    raise RuntimeError("sim_voice does not match AUDIO_FEATURES; update it with feature_spec")
COLUMN = {name: i for i, name in enumerate(AUDIO_FEATURES)}
MEAN = np.array([v[0] for v in CALM.values()])
BETWEEN = np.array([v[1] for v in CALM.values()])
WITHIN = np.array([v[2] for v in CALM.values()])
BETWEEN[COLUMN["energy_db"]] = LEVEL_SPREAD_DB
COUPLED = np.array([COLUMN[t] for t in COUPLINGS])
DRIVERS = np.array([COLUMN[d] for d, _ in COUPLINGS.values()])
SLOPES = np.array([s for _, s in COUPLINGS.values()])


def _residual(spread: np.ndarray) -> np.ndarray:
    """Spread of the coupled features around their driver's line (at least a quarter)."""
    out = spread.copy()
    explained = (SLOPES * spread[DRIVERS]) ** 2
    out[COUPLED] = np.sqrt(np.maximum(spread[COUPLED] ** 2 - explained,
                                      (0.25 * spread[COUPLED]) ** 2))
    return out


BETWEEN_RESIDUAL, WITHIN_RESIDUAL = _residual(BETWEEN), _residual(WITHIN)
MFCC_STD = np.array([name.startswith("mfcc_std_") and name != "mfcc_std_0"
                     for name in AUDIO_FEATURES])


def draw_speaker(rng: np.random.Generator) -> dict:
    """A speaker's baseline: offsets from CALM (coupled features: residual offsets)."""
    female = bool(rng.random() < 0.5)
    offset = rng.normal(0.0, 1.0, MEAN.size) * BETWEEN_RESIDUAL
    if female:
        for name, shift in FEMALE_SHIFT.items():
            offset[COLUMN[name]] += shift
    return {"female": female, "offset": offset}


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
    s, q = speaking_fraction, quality
    x = MEAN + speaker["offset"] + rng.normal(0.0, 1.0, (steps, MEAN.size)) * WITHIN_RESIDUAL
    c = {name: x[:, i] for name, i in COLUMN.items()}  # views: writes go into x
    degraded = 1.0 - q
    voiced = (s > 0.1) & (c["voicing_ratio"] * s > 0.02)
    noise_floor = -58.0 + 28.0 * degraded + rng.normal(0.0, 2.0, steps)
    level = c["energy_db"] + d_energy
    c["energy_db"][:] = 10.0 * np.log10(s * 10 ** (level / 10) + 10 ** (noise_floor / 10))
    voice_level = MEAN[COLUMN["energy_db"]] + speaker["offset"][COLUMN["energy_db"]] + d_energy
    snr = np.clip((voice_level - noise_floor) / 25.0, 0.0, 1.0) * (s > 0.1)  # 1: as in CALM
    c["energy_std_db"][:] = np.maximum(c["energy_std_db"] + 0.3 * d_energy
                                       + 6.0 * s * (1.0 - s), 0.3)
    pitch_error = 3.0 * degraded
    c["f0_mean_st"][:] = voiced * (c["f0_mean_st"] + d_f0
                                   + rng.normal(0.0, 0.8, steps) * pitch_error)
    c["f0_range_st"][:] = voiced * np.maximum(
        c["f0_range_st"] + d_range + rng.normal(0.0, 1.0, steps) * pitch_error, 0.0)
    c["voicing_ratio"][:] = voiced * np.clip(c["voicing_ratio"], 0.0, 0.95) * s
    noise_centroid = 2.8 + rng.normal(0.0, 0.3, steps)
    c["spectral_centroid_khz"][:] = (snr * (c["spectral_centroid_khz"] + d_centroid)
                                     + (1.0 - snr) * noise_centroid
                                     + rng.normal(0.0, 0.24, steps) * degraded)
    rate = np.maximum(c["onset_rate_hz"] * (1.0 + d_rate) * s, 0.0)
    c["onset_rate_hz"][:] = np.round(rate * AUDIO_WINDOW_S) / AUDIO_WINDOW_S  # peak counts
    c["speech_prob"][:] = np.clip(s * (0.55 + 0.45 * q) + degraded * rng.uniform(0, 0.3, steps)
                                  + rng.normal(0.0, 0.03, steps), 0.0, 1.0)
    driven = (x[:, DRIVERS] - MEAN[DRIVERS]) * SLOPES
    x[:, COUPLED] += driven
    c["f0_std_st"][:] = voiced * np.maximum(c["f0_std_st"] + 0.3 * d_f0_std, 0.0)
    c["spectral_flatness"][:] += 0.35 * (1.0 - snr)
    mfcc = slice(COLUMN["mfcc_mean_2"], COLUMN["mfcc_mean_12"] + 1)
    x[:, mfcc] += rng.normal(0.0, 1.0, x[:, mfcc].shape) * (8.0 * degraded)[:, None]
    x[:, MFCC_STD] *= ((0.5 + 0.5 * s) * (1.0 + 0.03 * d_energy))[:, None]
    for name, low, high in (("zero_crossing_rate", 0.0, 1.0), ("spectral_flatness", 0.0, 1.0),
                            ("spectral_bandwidth_khz", 0.2, 8.0),
                            ("spectral_rolloff_khz", 0.1, 8.0)):
        c[name][:] = np.clip(c[name], low, high)
    std_columns = MFCC_STD | (np.arange(MEAN.size) == COLUMN["mfcc_std_0"])
    x[:, std_columns] = np.maximum(x[:, std_columns], 0.3)
    return x.astype(np.float32)
