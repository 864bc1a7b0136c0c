# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Pitch and prosodic features on signals whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, InvalidAudio
from hri_emo_ros.perception.pitch import PitchEstimator
from hri_emo_ros.perception.prosody import ProsodyExtractor

INDEX = {name: i for i, name in enumerate(AUDIO_FEATURES)}
TIME = np.arange(8000) / SAMPLE_RATE


def _harmonic_tone(f0: float, amplitude: float = 0.3) -> np.ndarray:
    # A voice-like tone: fundamental plus decaying harmonics.
    wave = sum(np.sin(2 * np.pi * k * f0 * TIME) / k for k in range(1, 6))
    return (amplitude * wave / np.max(np.abs(wave))).astype(np.float32)


@pytest.mark.parametrize("f0", [70.0, 98.0, 123.5, 185.0, 262.0, 349.0, 466.0])
def test_pitch_of_a_harmonic_tone_is_within_one_semitone(f0):
    estimates, voiced = PitchEstimator().estimate(_harmonic_tone(f0))
    assert voiced.mean() > 0.9
    error_semitones = 12 * np.log2(np.median(estimates[voiced]) / f0)
    assert abs(error_semitones) < 1.0


def test_pitch_of_a_missing_fundamental_tone_is_the_fundamental():
    # Harmonics 2-4 of 150 Hz only: the period is still that of 150 Hz.
    wave = sum(np.sin(2 * np.pi * k * 150.0 * TIME) for k in (2, 3, 4))
    estimates, voiced = PitchEstimator().estimate((0.2 * wave).astype(np.float32))
    assert abs(12 * np.log2(np.median(estimates[voiced]) / 150.0)) < 1.0


def test_noise_and_silence_are_unvoiced():
    noise = (0.1 * np.random.default_rng(0).standard_normal(8000)).astype(np.float32)
    assert PitchEstimator().estimate(noise)[1].mean() < 0.05
    assert not PitchEstimator().estimate(np.zeros(8000, np.float32))[1].any()


def test_feature_vector_follows_the_contract_for_a_tone():
    amplitude = 0.5
    vector = ProsodyExtractor().extract(
        (amplitude * np.sin(2 * np.pi * 200.0 * TIME)).astype(np.float32), 0.8
    )
    assert vector.shape == (len(AUDIO_FEATURES),) and vector.dtype == np.float32
    assert np.isfinite(vector).all()
    assert vector[INDEX["speech_prob"]] == pytest.approx(0.8)
    assert vector[INDEX["f0_mean_st"]] == pytest.approx(12 * np.log2(2.0), abs=0.2)
    assert vector[INDEX["f0_range_st"]] < 0.3
    assert vector[INDEX["voicing_ratio"]] > 0.95
    expected_db = 20 * np.log10(amplitude / np.sqrt(2))
    assert vector[INDEX["energy_db"]] == pytest.approx(expected_db, abs=0.5)
    assert vector[INDEX["energy_std_db"]] < 0.5
    assert vector[INDEX["spectral_centroid_khz"]] == pytest.approx(0.2, abs=0.1)
    assert vector[INDEX["spectral_rolloff_khz"]] < 0.4
    assert vector[INDEX["spectral_flatness"]] < 0.01
    assert vector[INDEX["zero_crossing_rate"]] == pytest.approx(2 * 200 / SAMPLE_RATE, rel=0.1)
    assert vector[INDEX["onset_rate_hz"]] == 0.0


def test_white_noise_is_flat_and_bright():
    noise = (0.1 * np.random.default_rng(1).standard_normal(8000)).astype(np.float32)
    vector = ProsodyExtractor().extract(noise, 0.0)
    assert vector[INDEX["spectral_flatness"]] > 0.4
    assert vector[INDEX["spectral_centroid_khz"]] == pytest.approx(4.0, abs=0.5)
    assert vector[INDEX["voicing_ratio"]] < 0.05


def test_syllable_like_bursts_give_their_rate():
    # Syllable-like 150 Hz bursts, 4 per second: 120 ms raised-cosine swells whose peaks lie
    # inside the 0.5 s window (at 0.11 s and 0.36 s), so the window holds two of them.
    phase = (TIME - 0.05) % 0.25
    envelope = np.where(phase < 0.12, np.sin(np.pi * phase / 0.12) ** 2, 0.0)
    bursts = (0.3 * envelope * np.sin(2 * np.pi * 150.0 * TIME)).astype(np.float32)
    vector = ProsodyExtractor().extract(bursts, 1.0)
    assert vector[INDEX["onset_rate_hz"]] == pytest.approx(4.0)
    assert vector[INDEX["energy_std_db"]] > 10.0


def test_too_short_or_wrong_shape_window_is_rejected():
    extractor = ProsodyExtractor()
    for bad in (np.zeros(100, np.float32), np.zeros((2, 8000), np.float32)):
        with pytest.raises(InvalidAudio) as caught:
            extractor.extract(bad, 0.5)
        assert caught.value.reason == "too_short"
