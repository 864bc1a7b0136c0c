# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Prosodic and spectral features of one audio window, exactly `AUDIO_FEATURES`.

Frame-level measures (32 ms Hann frames, 10 ms hop; YIN frames for F0) are summarised
over the window:
- F0 statistics in semitones re 100 Hz over voiced frames; 0 when no frame is voiced
  (then `voicing_ratio` is 0 too, which says so);
- energy (frame RMS in dBFS, floor -100) mean and std over all frames;
- zero-crossing rate and spectral shape (centroid, bandwidth, 85 % roll-off on the
  magnitude spectrum; flatness on the power spectrum) averaged over the active frames
  (within 40 dB of the window's loudest frame), so pauses do not drag them to the noise;
- onset rate: peaks of the smoothed energy envelope (>= 4 dB prominence, >= 80 ms apart)
  per second, a speaking-rate proxy;
- 13 MFCCs (40 HTK-mel bands 0-8 kHz, log power in dB, orthonormal DCT-II) mean and std
  over all frames.
"""

from __future__ import annotations

import numpy as np
from scipy.fft import dct, rfft
from scipy.signal import find_peaks

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, MFCC_COUNT
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, InvalidAudio
from hri_emo_ros.perception.pitch import PitchEstimator

FRAME_SAMPLES = 512
HOP_SAMPLES = 160
MEL_BANDS = 40
ENERGY_FLOOR_DB = -100.0
ACTIVE_RANGE_DB = 40.0
ROLLOFF_FRACTION = 0.85
ONSET_PROMINENCE_DB = 4.0
ONSET_MIN_DISTANCE_S = 0.08


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def mel_filterbank(bands: int, fft_size: int, sample_rate: int) -> np.ndarray:
    """Triangular HTK-mel filters, shape (bands, fft_size // 2 + 1)."""
    bin_hz = np.fft.rfftfreq(fft_size, 1.0 / sample_rate)
    edges = _mel_to_hz(np.linspace(0.0, _hz_to_mel(np.array(sample_rate / 2.0)), bands + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bin_hz - lower) / (centre - lower)
    falling = (upper - bin_hz) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


class ProsodyExtractor:
    def __init__(self, sample_rate: int = SAMPLE_RATE) -> None:
        self.sample_rate = sample_rate
        self._window = np.hanning(FRAME_SAMPLES + 2)[1:-1]
        self._power_scale = 1.0 / np.sum(self._window) ** 2
        self._bin_khz = np.fft.rfftfreq(FRAME_SAMPLES, 1.0 / sample_rate) / 1000.0
        self._mel = mel_filterbank(MEL_BANDS, FRAME_SAMPLES, sample_rate)
        self._pitch = PitchEstimator(sample_rate=sample_rate)
        self.min_samples = max(FRAME_SAMPLES, self._pitch.frame_samples)

    def extract(self, samples: np.ndarray, speech_prob: float) -> np.ndarray:
        """Feature vector of one window (float32 mono), in `AUDIO_FEATURES` order."""
        if samples.ndim != 1 or samples.size < self.min_samples:
            raise InvalidAudio(
                "too_short",
                f"a feature window needs >= {self.min_samples} mono samples, got {samples.shape}",
            )
        frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME_SAMPLES)[::HOP_SAMPLES]
        values: dict[str, float] = {"speech_prob": float(speech_prob)}
        values.update(self._pitch_stats(samples))
        energy_db = 10.0 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-10)
        energy_db = np.maximum(energy_db, ENERGY_FLOOR_DB)
        values["energy_db"] = float(energy_db.mean())
        values["energy_std_db"] = float(energy_db.std())
        active = energy_db >= energy_db.max() - ACTIVE_RANGE_DB

        crossings = np.count_nonzero(np.diff(np.signbit(frames), axis=1), axis=1)
        values["zero_crossing_rate"] = float(np.mean(crossings[active]) / (FRAME_SAMPLES - 1))
        power = np.abs(rfft(frames * self._window, axis=1)) ** 2 * self._power_scale
        values.update(self._spectral_shape(power[active]))
        values["onset_rate_hz"] = self._onset_rate(energy_db, samples.size)

        log_mel = 10.0 * np.log10(power @ self._mel.T + 1e-10)
        mfcc = dct(log_mel, type=2, norm="ortho", axis=1)[:, :MFCC_COUNT]
        for i, (mean, std) in enumerate(zip(mfcc.mean(axis=0), mfcc.std(axis=0), strict=True)):
            values[f"mfcc_mean_{i}"] = float(mean)
            values[f"mfcc_std_{i}"] = float(std)
        return np.array([values[name] for name in AUDIO_FEATURES], dtype=np.float32)

    def _pitch_stats(self, samples: np.ndarray) -> dict[str, float]:
        f0, voiced = self._pitch.estimate(samples)
        stats = {"f0_mean_st": 0.0, "f0_range_st": 0.0, "f0_std_st": 0.0, "voicing_ratio": 0.0}
        if voiced.any():
            semitones = 12.0 * np.log2(f0[voiced] / 100.0)
            low, high = np.percentile(semitones, [10.0, 90.0])
            stats.update(
                f0_mean_st=float(semitones.mean()),
                f0_range_st=float(high - low),
                f0_std_st=float(semitones.std()),
                voicing_ratio=float(voiced.mean()),
            )
        return stats

    def _spectral_shape(self, power: np.ndarray) -> dict[str, float]:
        magnitude = np.sqrt(power)
        total = magnitude.sum(axis=1) + 1e-10
        centroid = magnitude @ self._bin_khz / total
        spread = (self._bin_khz[None, :] - centroid[:, None]) ** 2
        bandwidth = np.sqrt(np.sum(magnitude * spread, axis=1) / total)
        cumulative = np.cumsum(magnitude, axis=1)
        rolloff_bin = np.argmax(cumulative >= ROLLOFF_FRACTION * cumulative[:, -1:], axis=1)
        padded = power + 1e-10
        flatness = np.exp(np.mean(np.log(padded), axis=1)) / np.mean(padded, axis=1)
        return {
            "spectral_centroid_khz": float(centroid.mean()),
            "spectral_bandwidth_khz": float(bandwidth.mean()),
            "spectral_rolloff_khz": float(self._bin_khz[rolloff_bin].mean()),
            "spectral_flatness": float(flatness.mean()),
        }

    def _onset_rate(self, energy_db: np.ndarray, sample_count: int) -> float:
        padded = np.pad(energy_db, 1, mode="edge")
        envelope = np.convolve(padded, np.ones(3) / 3.0, mode="valid")
        hop_s = HOP_SAMPLES / self.sample_rate
        peaks, _ = find_peaks(
            envelope,
            prominence=ONSET_PROMINENCE_DB,
            distance=max(1, round(ONSET_MIN_DISTANCE_S / hop_s)),
            height=envelope.max() - ACTIVE_RANGE_DB,
        )
        return float(peaks.size / (sample_count / self.sample_rate))
