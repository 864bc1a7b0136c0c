# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Fundamental frequency (F0) per frame with a vectorised YIN estimator.

YIN (de Cheveigné & Kawahara, 2002): the cumulative-mean-normalised difference function
of each frame is searched for its first dip below a threshold; the dip's minimum, refined
by parabolic interpolation, is the period. Frames without such a dip, or too quiet, are
unvoiced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.fft import irfft, rfft

from hri_emo_ros.perception.audio_decode import SAMPLE_RATE


@dataclass(frozen=True)
class PitchConfig:
    fmin_hz: float = 60.0
    fmax_hz: float = 500.0
    integration_samples: int = 400  # 25 ms at 16 kHz, longer than the longest period
    hop_samples: int = 160  # 10 ms
    dip_threshold: float = 0.15
    min_energy_db: float = -55.0  # frames quieter than this [dBFS] are unvoiced


class PitchEstimator:
    def __init__(self, config: PitchConfig | None = None, sample_rate: int = SAMPLE_RATE):
        self.config = config or PitchConfig()
        self.sample_rate = sample_rate
        self.min_lag = int(np.floor(sample_rate / self.config.fmax_hz))
        self.max_lag = int(np.ceil(sample_rate / self.config.fmin_hz))
        self.frame_samples = self.config.integration_samples + self.max_lag
        self._fft_size = 1 << int(np.ceil(np.log2(self.frame_samples)))

    def frame_count(self, sample_count: int) -> int:
        if sample_count < self.frame_samples:
            return 0
        return (sample_count - self.frame_samples) // self.config.hop_samples + 1

    def estimate(self, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(f0 in Hz, voiced flags) per frame; f0 is 0 where unvoiced."""
        count = self.frame_count(samples.size)
        if count == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=bool)
        window = self.config.integration_samples
        frames = np.lib.stride_tricks.sliding_window_view(
            samples.astype(np.float32, copy=False), self.frame_samples
        )[:: self.config.hop_samples][:count]
        lags = self.max_lag + 1
        # Cross term r(tau) = sum_j x[j] x[j + tau], j < window, by FFT correlation.
        spectrum_head = rfft(frames[:, :window], self._fft_size, axis=1)
        spectrum_frame = rfft(frames, self._fft_size, axis=1)
        cross = irfft(np.conj(spectrum_head) * spectrum_frame, self._fft_size, axis=1)[:, :lags]
        squares = np.zeros((count, self.frame_samples + 1))
        np.cumsum(np.square(frames, dtype=np.float64), axis=1, out=squares[:, 1:])
        energy_head = squares[:, window][:, np.newaxis]
        energy_shifted = squares[:, window:window + lags] - squares[:, :lags]
        difference = np.maximum(energy_head + energy_shifted - 2.0 * cross, 0.0)
        difference[:, 0] = 0.0
        running_mean = np.cumsum(difference[:, 1:], axis=1) / np.arange(1, lags)
        normalised = np.ones_like(difference)
        normalised[:, 1:] = difference[:, 1:] / np.maximum(running_mean, 1e-12)

        lag_index = np.arange(lags)
        searchable = lag_index >= self.min_lag
        below = (normalised < self.config.dip_threshold) & searchable
        has_dip = below.any(axis=1)
        first = np.argmax(below, axis=1)[:, np.newaxis]
        after_first = lag_index >= first
        # The dip is the run of below-threshold lags that starts at the first one.
        ended = after_first & ~below
        dip_end = np.where(ended.any(axis=1), np.argmax(ended, axis=1), lags)[:, np.newaxis]
        in_dip = after_first & (lag_index < dip_end)
        best = np.argmin(np.where(in_dip, normalised, np.inf), axis=1)

        rows = np.arange(count)
        left = normalised[rows, np.maximum(best - 1, 0)]
        centre = normalised[rows, best]
        right = normalised[rows, np.minimum(best + 1, lags - 1)]
        curvature = left - 2.0 * centre + right
        safe_curvature = np.where(np.abs(curvature) > 1e-12, curvature, np.inf)
        shift = 0.5 * (left - right) / safe_curvature
        period = best + np.clip(shift, -0.5, 0.5)

        energy_db = 10.0 * np.log10(energy_head[:, 0] / window + 1e-12)
        voiced = has_dip & (energy_db > self.config.min_energy_db) & (best > 0)
        f0 = np.where(voiced, self.sample_rate / np.maximum(period, 1.0), 0.0)
        return f0.astype(np.float32), voiced
