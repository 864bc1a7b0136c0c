# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The feature contract between the perception stage and the fusion stage.

Every `ModalityFeatures` message carries vectors whose dimensions are named here, in this
order. Perception cores produce them, the fusion model consumes them, and the bootstrap
corpus simulates them; changing a list here changes the checkpoint format.
"""

from __future__ import annotations

MODALITIES: tuple[str, ...] = ("audio", "text", "video")

EMOTIONS: tuple[str, ...] = (
    "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised",
)

# FER2013 class order of the mini-Xception model, mapped onto our emotion names.
FER_CLASSES: tuple[str, ...] = (
    "angry", "disgusted", "fearful", "happy", "sad", "surprised", "neutral",
)

VIDEO_FEATURES: tuple[str, ...] = tuple(f"expr_{name}" for name in FER_CLASSES) + (
    "mouth_open",        # inner-lip gap / face height
    "mouth_width",       # lip-corner distance / inter-ocular distance
    "lip_corner_pull",   # lip corners above (+) or below (-) the lip centre / face height
    "brow_raise",        # brow-to-eye distance / face height
    "brow_furrow",       # 1 - inner-brow distance / inter-ocular distance
    "eye_open_left",     # eye aspect ratio
    "eye_open_right",
    "head_yaw",          # radians
    "head_pitch",
    "head_roll",
    "detection_score",   # face detector confidence in [0, 1]
)

MFCC_COUNT = 13
AUDIO_FEATURES: tuple[str, ...] = (
    "speech_prob",         # silero-vad speech probability in [0, 1]
    "f0_mean_st",          # mean F0 in semitones re 100 Hz over voiced frames
    "f0_range_st",         # 90th - 10th percentile of F0 [semitones]
    "f0_std_st",
    "voicing_ratio",       # voiced frames / frames
    "energy_db",           # mean RMS energy [dBFS]
    "energy_std_db",
    "zero_crossing_rate",
    "spectral_centroid_khz",
    "spectral_bandwidth_khz",
    "spectral_rolloff_khz",
    "spectral_flatness",
    "onset_rate_hz",       # energy-envelope peaks per second (speaking-rate proxy)
) + tuple(f"mfcc_mean_{i}" for i in range(MFCC_COUNT)) + tuple(
    f"mfcc_std_{i}" for i in range(MFCC_COUNT)
)

TEXT_EMBEDDING_DIM = 384  # all-MiniLM-L6-v2
TEXT_FEATURES: tuple[str, ...] = tuple(f"emb_{i}" for i in range(TEXT_EMBEDDING_DIM)) + (
    "word_vader_valence",   # VADER lexicon valence of the word, scaled to [-1, 1]
    "sentence_valence",     # text valence head output for the whole utterance, [-1, 1]
)

FEATURE_NAMES: dict[str, tuple[str, ...]] = {
    "audio": AUDIO_FEATURES,
    "text": TEXT_FEATURES,
    "video": VIDEO_FEATURES,
}
FEATURE_DIMS: dict[str, int] = {name: len(names) for name, names in FEATURE_NAMES.items()}

# Seconds of signal summarised by one audio feature step, and the hop between steps.
AUDIO_WINDOW_S = 0.5
AUDIO_HOP_S = 0.25
