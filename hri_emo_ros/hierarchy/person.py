# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One person's beliefs at the three levels and the per-frame update (numpy, no autograd).

Per frame, with dt the time since the previous accepted frame (see the package docstring
for the model): the pattern level's extrapolated baseline is sent down as the state's prior,
the state's prediction is sent down as the micro level's prior, the frame updates the micro
belief, the micro posterior is the state's input (its error goes up), and the state's
posterior is averaged into the pattern level's next input. Everything here has a fixed size:
memory per person does not grow with time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy import gaussian as g
from hri_emo_ros.hierarchy.config import HierarchyConfig
from hri_emo_ros.hierarchy.events import MicroEventDetector, StateChangeDetector, chi_square_sigma
from hri_emo_ros.hierarchy.latent_maps import LatentMaps
from hri_emo_ros.hierarchy.observation import ANCHORED_DIMS, OBS_DIM
from hri_emo_ros.hierarchy.pattern_level import PatternLevel
from hri_emo_ros.hierarchy.readings import LevelReading, Transition, rate
from hri_emo_ros.hierarchy.results import (
    LEVEL_MICRO,
    LEVEL_NAMES,
    LEVEL_PATTERN,
    LEVEL_STATE,
    AffectiveEventResult,
    AffectiveStateResult,
    LevelStateResult,
)


@dataclass
class PersonFilter:
    person_id: str
    config: HierarchyConfig
    maps: LatentMaps
    micro_mean: np.ndarray
    micro_var: np.ndarray
    micro_noise: np.ndarray         # 1/precision of the micro level (sensor noise)
    state_mean: np.ndarray
    state_var: np.ndarray
    state_noise: np.ndarray         # 1/precision of the state level (transient variance)
    pattern: PatternLevel
    engagement_evidence: float = 0.0
    frames: int = 0
    readings: dict[str, LevelReading] = field(
        default_factory=lambda: {name: LevelReading() for name in LEVEL_NAMES})
    micro_events: MicroEventDetector = field(default_factory=MicroEventDetector)
    state_changes: StateChangeDetector = field(default_factory=StateChangeDetector)
    pending_events: list[AffectiveEventResult] = field(default_factory=list)
    state_snapshot: tuple[float, np.ndarray, np.ndarray] | None = None

    @classmethod
    def start(cls, person_id: str, config: HierarchyConfig, maps: LatentMaps, x: np.ndarray,
              stamp: float) -> PersonFilter:
        """Beliefs centred on the first observation with broad uncertainty."""
        f = config.filter
        x = np.where(np.isnan(x), _neutral_observation(), x)
        broad = np.full(OBS_DIM, f.pattern_initial_baseline_sd ** 2)
        pattern = PatternLevel.start(maps.levels[LEVEL_PATTERN].from_obs.apply(x), stamp, f)
        return cls(person_id, config, maps, maps.levels[LEVEL_MICRO].from_obs.apply(x),
                   broad.copy(), np.full(OBS_DIM, 0.01),
                   maps.levels[LEVEL_STATE].from_obs.apply(x), broad.copy(),
                   np.full(OBS_DIM, 0.01), pattern)

    def step(self, x: np.ndarray, confidence: float, stamp: float, dt: float,
             transitions: list[Transition] | None = None) -> AffectiveStateResult:
        """Absorb one frame (NaN entries: no score came) taken dt seconds after the last."""
        f = self.config.filter
        maps = self.maps.levels
        micro_maps, state_maps, pattern_maps = (maps[n] for n in LEVEL_NAMES)
        dt = max(dt, 1e-6)
        # Top-down: the pattern's extrapolated baseline is the state's prior.
        pattern_prior = self.pattern.prediction(stamp, self.maps, f)
        state_top = pattern_maps.target_inv.apply(pattern_prior.baseline)
        state_top_var = pattern_maps.target_inv.apply_var(pattern_prior.var_bb)
        state_prior, state_prior_var = self._relax(
            LEVEL_STATE, self.state_mean, self.state_var, state_top, state_top_var, dt)
        state_prior_var += f.state_diffusion_per_s * dt
        # The state's prediction is the micro level's prior.
        micro_top = state_maps.target_inv.apply(state_prior)
        micro_top_var = state_maps.target_inv.apply_var(state_prior_var)
        transient_var = state_maps.target_inv.apply_var(self.state_noise)
        micro_prior, micro_prior_var = self._relax(
            LEVEL_MICRO, self.micro_mean, self.micro_var, micro_top, micro_top_var, dt,
            stationary_var=transient_var)
        predicted_x = micro_maps.to_obs.apply(micro_prior)
        missing = np.isnan(x)
        if missing.any():
            x = np.where(missing, predicted_x, x)
        # Micro update by the frame.
        z = micro_maps.from_obs.apply(x)
        weight = max(confidence, f.min_confidence)
        obs_var = self.micro_noise / weight
        micro = g.diagonal_update(micro_prior, micro_prior_var, z, obs_var)
        self._read(LEVEL_MICRO, micro, z, obs_var, micro_prior, micro_prior_var, dt)
        self.micro_noise = self._clamp(g.noise_variance_step(
            self.micro_noise, z, micro.mean, micro.var,
            rate(dt, f.micro_precision_time_constant_s), weight))
        # Bottom-up: the micro posterior is the state's input.
        u = state_maps.target.apply(micro.mean)
        u_var = self.state_noise + state_maps.target.apply_var(micro.var)
        state = g.diagonal_update(state_prior, state_prior_var, u, u_var)
        self._read(LEVEL_STATE, state, u, u_var, state_prior, state_prior_var, dt)
        self.state_noise = self._clamp(g.noise_variance_step(
            self.state_noise, u, state.mean, state.var,
            rate(dt, f.state_precision_time_constant_s)))
        if transitions is not None:
            self._collect(transitions, x, micro.mean, micro_top, state.mean, state_top, stamp, dt)
        self.micro_mean, self.micro_var = micro.mean, self._clamp(micro.var)
        self.state_mean, self.state_var = state.mean, self._clamp(state.var)
        # The state posterior feeds the pattern level's next tick.
        self.pattern.accumulate(state.mean, weight)
        if stamp - self.pattern.tick_stamp >= f.pattern_tick_s:
            self.pattern.tick(stamp, self.maps, f, self.readings[LEVEL_PATTERN], transitions)
        decay = math.exp(-dt / f.engagement_time_constant_s)
        self.engagement_evidence = self.engagement_evidence * decay + confidence
        self.frames += 1
        top_error = z - micro_top
        self._detect_events(top_error * top_error / (micro_top_var + transient_var + obs_var),
                            x - predicted_x, state.mean, stamp)
        return self._result(stamp, pattern_prior)

    def reanchor(self, stamp: float) -> None:
        """The input clock jumped (and the jump was confirmed): keep the beliefs, restart
        what measures time on the old clock."""
        if stamp < self.pattern.tick_stamp:
            self.pattern.tick_stamp = stamp
        self.micro_events.reset()
        self.state_changes.drift_onset = None
        self.state_snapshot = None

    # ---------------------------------------------------------------- levels
    def _relax(self, level: str, mean: np.ndarray, var: np.ndarray, top: np.ndarray,
               top_var: np.ndarray, dt: float,
               stationary_var: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Prior of a level: relax towards the top-down prediction plus a learned shift."""
        level_maps = self.maps.levels[level]
        relax_tau, shift_tau = self.config.filter.time_constants(level)
        rho = math.exp(-dt / relax_tau)
        shift = level_maps.predictor.shift(level_maps.context_of_latent.apply(mean), top)
        prior = top + rho * (mean - top) + (1.0 - math.exp(-dt / shift_tau)) * shift
        prior_var = rho * rho * var + (1.0 - rho) ** 2 * top_var
        if stationary_var is not None:
            prior_var = prior_var + (1.0 - rho * rho) * stationary_var
        return prior, prior_var

    # ---------------------------------------------------------------- outputs
    def _read(self, level: str, post: g.DiagonalPosterior, u: np.ndarray, obs_var: np.ndarray,
              prior: np.ndarray, prior_var: np.ndarray, dt: float) -> None:
        free_energy = g.diagonal_free_energy(u, obs_var, post.mean, post.var, prior, prior_var)
        self.readings[level].record(post.error, post.predictive_var, post.gain, free_energy, dt)

    def _detect_events(self, weighted_error: np.ndarray, rise: np.ndarray,
                       state_mean: np.ndarray, stamp: float) -> None:
        """Micro-expressions: the frame departs from the state level's prediction by more
        than the transient precision allows, and comes back within the maximum duration."""
        events = self.config.events
        sigma = chi_square_sigma(float(np.sum(weighted_error)), OBS_DIM)
        event = self.micro_events.step(sigma, rise, stamp, events)
        if event is not None:
            self.pending_events.append(event)
        scores = self.maps.levels[LEVEL_STATE].to_obs.apply(state_mean)[ANCHORED_DIMS:]
        change = self.state_changes.step(float(state_mean[0]), float(state_mean[1]), sigma,
                                         EMOTIONS[int(np.argmax(scores))], stamp, events)
        if change is not None:
            self.pending_events.append(change)

    def _result(self, stamp: float, pattern_prior: g.TrendBelief) -> AffectiveStateResult:
        beliefs = {LEVEL_MICRO: self.micro_mean, LEVEL_STATE: self.state_mean,
                   LEVEL_PATTERN: pattern_prior.baseline}
        levels = []
        for name in LEVEL_NAMES:
            r = self.readings[name]
            mean = beliefs[name]
            levels.append(LevelStateResult(
                name, r.time_scale, _unit(mean[0]), _unit(mean[1]), r.error, r.precision,
                r.free_energy, r.surprise))
        events, self.pending_events = tuple(self.pending_events), []
        f = self.config.filter
        engagement = min(1.0, self.engagement_evidence
                         / (f.engagement_full_rate_hz * f.engagement_time_constant_s))
        return AffectiveStateResult(
            self.person_id, stamp, tuple(levels),
            float(sum(self.readings[n].free_energy for n in LEVEL_NAMES)), events,
            float(self.pattern.trend_per_hour[0]), engagement)

    def _collect(self, transitions: list[Transition], x: np.ndarray, micro_mean: np.ndarray,
                 micro_top: np.ndarray, state_mean: np.ndarray, state_top: np.ndarray,
                 stamp: float, dt: float) -> None:
        maps = self.maps.levels
        learning = self.config.learning
        if self.frames % learning.micro_sample_every == 0:
            to_obs = maps[LEVEL_MICRO].to_obs
            transitions.append(Transition(LEVEL_MICRO, to_obs.apply(self.micro_mean),
                                          to_obs.apply(micro_top), x.copy(), dt))
        snapshot = self.state_snapshot
        if snapshot is not None and stamp - snapshot[0] >= learning.state_sample_s:
            transitions.append(Transition(LEVEL_STATE, snapshot[1], snapshot[2],
                                          maps[LEVEL_MICRO].to_obs.apply(micro_mean),
                                          stamp - snapshot[0]))
            snapshot = None
        if snapshot is None:
            to_obs = maps[LEVEL_STATE].to_obs
            self.state_snapshot = (stamp, to_obs.apply(state_mean), to_obs.apply(state_top))

    def bound_variances(self) -> None:
        """Keep every variance in [floor, ceiling] (after updates, re-expression in new latent
        spaces and restoring)."""
        self.micro_var, self.state_var = self._clamp(self.micro_var), self._clamp(self.state_var)
        self.micro_noise, self.state_noise = (self._clamp(self.micro_noise),
                                              self._clamp(self.state_noise))
        self.pattern.bound(self.config.filter)

    def _clamp(self, var: np.ndarray) -> np.ndarray:
        f = self.config.filter
        return np.clip(var, f.variance_floor, f.variance_ceiling)


def _unit(value: float) -> float:
    return float(min(max(value, -1.0), 1.0))


def _neutral_observation() -> np.ndarray:
    x = np.zeros(OBS_DIM)
    x[ANCHORED_DIMS + EMOTIONS.index("neutral")] = 1.0
    return x

