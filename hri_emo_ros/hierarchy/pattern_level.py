# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The pattern level of one person: baseline and damped trend, updated every tick.

Between ticks it averages the state level's posterior (weighted by confidence); at each tick
it updates its trend belief with that average (gaussian.trend_update) and learns its
precision. Its extrapolated baseline, shifted by its JEPA predictor, is the prior it sends
down to the state level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.hierarchy import gaussian as g
from hri_emo_ros.hierarchy.config import FilterConfig
from hri_emo_ros.hierarchy.latent_maps import LatentMaps
from hri_emo_ros.hierarchy.observation import OBS_DIM
from hri_emo_ros.hierarchy.readings import LevelReading, Transition, rate
from hri_emo_ros.hierarchy.results import LEVEL_PATTERN, LEVEL_STATE

SECONDS_PER_HOUR = 3600.0
_MIN_TREND_VAR = 1e-18        # [1/s^2]: a slope known to 1e-9 per second is known exactly


@dataclass
class PatternLevel:
    belief: g.TrendBelief
    noise: np.ndarray               # 1/precision: spread of tick means around the baseline
    tick_stamp: float
    input_sum: np.ndarray = field(default_factory=lambda: np.zeros(OBS_DIM))
    input_weight: float = 0.0

    @classmethod
    def start(cls, baseline: np.ndarray, stamp: float, f: FilterConfig) -> PatternLevel:
        trend_var = (f.pattern_initial_trend_sd_per_h / SECONDS_PER_HOUR) ** 2
        belief = g.TrendBelief(baseline, np.zeros(OBS_DIM),
                               np.full(OBS_DIM, f.pattern_initial_baseline_sd ** 2),
                               np.zeros(OBS_DIM), np.full(OBS_DIM, trend_var))
        return cls(belief, np.full(OBS_DIM, max(0.01, f.pattern_noise_floor)), stamp)

    @property
    def trend_per_hour(self) -> np.ndarray:
        return self.belief.trend * SECONDS_PER_HOUR

    def prediction(self, stamp: float, maps: LatentMaps, f: FilterConfig) -> g.TrendBelief:
        """The belief extrapolated to `stamp`, its baseline shifted by the learned predictor."""
        since = max(stamp - self.tick_stamp, 0.0)
        base = g.trend_predict(self.belief, since, *_diffusions(f), f.pattern_trend_time_constant_s)
        if since == 0.0:
            return base
        level_maps = maps.levels[LEVEL_PATTERN]
        context = level_maps.context_of_latent.apply(self.belief.baseline)
        shift = level_maps.predictor.shift(context, base.baseline)
        keep = math.exp(-since / f.pattern_shift_time_constant_s)
        return base._replace(baseline=base.baseline + (1.0 - keep) * shift)

    def accumulate(self, state_mean: np.ndarray, weight: float) -> None:
        self.input_sum += weight * state_mean
        self.input_weight += weight

    def tick(self, stamp: float, maps: LatentMaps, f: FilterConfig, reading: LevelReading,
             transitions: list[Transition] | None) -> None:
        """Update with the average state since the last tick, then start a new average."""
        since = max(stamp - self.tick_stamp, 1e-6)
        if self.input_weight > 0.0:
            prior = self.prediction(stamp, maps, f)
            mean_state = self.input_sum / self.input_weight
            u = maps.levels[LEVEL_PATTERN].target.apply(mean_state)
            update = g.trend_update(prior, u, self.noise)
            reading.record(update.error, update.predictive_var, update.gain,
                           g.trend_free_energy(u, self.noise, update.belief, prior), since)
            if transitions is not None:
                to_obs = maps.levels[LEVEL_PATTERN].to_obs
                extrapolated = g.trend_predict(self.belief, since, 0.0, 0.0,
                                               f.pattern_trend_time_constant_s).baseline
                transitions.append(Transition(
                    LEVEL_PATTERN, to_obs.apply(self.belief.baseline), to_obs.apply(extrapolated),
                    maps.levels[LEVEL_STATE].to_obs.apply(mean_state), since))
            self.belief = update.belief
            self.noise = g.noise_variance_step(self.noise, u, self.belief.baseline,
                                               self.belief.var_bb,
                                               rate(since, f.pattern_precision_time_constant_s))
            self.bound(f)
        self.tick_stamp = stamp
        self.input_sum = np.zeros(OBS_DIM)
        self.input_weight = 0.0

    def bound(self, f: FilterConfig) -> None:
        """Variances in range and the 2x2 trend covariances positive definite."""
        b, r, pbb, pbr, prr = self.belief
        pbb = np.clip(pbb, f.variance_floor, f.variance_ceiling)
        prr = np.clip(prr, _MIN_TREND_VAR, f.variance_ceiling / SECONDS_PER_HOUR ** 2)
        limit = 0.999 * np.sqrt(pbb * prr)
        self.belief = g.TrendBelief(b, r, pbb, np.clip(pbr, -limit, limit), prr)
        self.noise = np.clip(self.noise, f.pattern_noise_floor, f.variance_ceiling)


def _diffusions(f: FilterConfig) -> tuple[float, float]:
    """Baseline and trend diffusions per second."""
    return (f.pattern_baseline_diffusion_per_h / SECONDS_PER_HOUR,
            f.pattern_trend_diffusion_per_h3 / SECONDS_PER_HOUR ** 3)
