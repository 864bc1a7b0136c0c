# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Configuration of the hierarchy as plain dataclasses, loadable from a (YAML) dict.

`HierarchyConfig.from_dict({"filter": {"micro_time_constant_s": 0.1}})` overrides only the
named fields; unknown keys and wrong types raise `ConfigError` naming the dotted key.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field
from typing import Any

from hri_emo_ros.hierarchy.errors import ConfigError

# Online learning never runs faster than this, whatever the configuration says.
MAX_LEARNING_RATE = 1e-2


@dataclass
class FilterConfig:
    """Time constants and priors of the three Gaussian filters (units in the names)."""

    micro_time_constant_s: float = 0.15        # micro deviations relax to the state in ~this
    state_reversion_s: float = 300.0           # the state relaxes to the pattern baseline
    state_diffusion_per_s: float = 5e-5        # prior variance growth of the state
    state_shift_time_constant_s: float = 30.0  # learned state drift acts over this
    pattern_tick_s: float = 10.0               # the pattern level updates this often
    pattern_baseline_diffusion_per_h: float = 0.001
    pattern_trend_diffusion_per_h3: float = 2.0   # (latent units/h)^2 per hour
    pattern_initial_baseline_sd: float = 0.5
    pattern_initial_trend_sd_per_h: float = 1.0
    pattern_trend_time_constant_s: float = 1800.0  # a trend fades over this (damped trend)
    pattern_shift_time_constant_s: float = 3600.0  # learned baseline shift acts over this
    micro_precision_time_constant_s: float = 5.0
    state_precision_time_constant_s: float = 60.0
    pattern_precision_time_constant_s: float = 1800.0
    variance_floor: float = 1e-4
    pattern_noise_floor: float = 0.01          # tick means are not independent samples of the
                                               # baseline (the state wanders for minutes)
    variance_ceiling: float = 4.0
    min_confidence: float = 0.05               # confidence 0 still counts as this much
    engagement_time_constant_s: float = 5.0
    engagement_full_rate_hz: float = 10.0      # confident frames per second = engagement 1

    def time_constants(self, level: str) -> tuple[float | None, float]:
        """(relaxation, learned-shift) time constants of a level's prediction [s]; the
        pattern level does not relax (it extrapolates its trend instead): None."""
        if level == "micro":
            return self.micro_time_constant_s, self.micro_time_constant_s
        if level == "state":
            return self.state_reversion_s, self.state_shift_time_constant_s
        return None, self.pattern_shift_time_constant_s


@dataclass
class EventConfig:
    micro_threshold_sigma: float = 4.0         # open an excursion above this many sigma
    micro_release_sigma: float = 2.0           # close it below this
    micro_max_duration_s: float = 0.5          # longer excursions are not micro-expressions
    micro_min_score_rise: float = 0.1          # smaller score rises name no emotion
    state_change_delta: float = 0.3            # valence/arousal move that is a state change


@dataclass
class StampConfig:
    nominal_frame_s: float = 1.0 / 30.0        # assumed gap before the first / after a reset
    max_gap_s: float = 10.0                    # larger forward jumps need confirmation
    backward_tolerance_s: float = 2.0          # smaller backward steps are out-of-order frames
    confirm_window_s: float = 2.0              # a jump is confirmed by a frame within this
    max_future_s: float = 5.0                  # stamps further ahead of `now` are rejected


@dataclass
class LearningConfig:
    enabled: bool = True
    inline: bool = True                        # learn inside update(); else call learn_step()
    learn_every: int = 256                     # updates between two learning steps
    batch_size: int = 64
    buffer_size: int = 4096                    # transitions kept per level (shared by persons)
    learning_rate: float = 1e-4
    ema_momentum: float = 0.999                # target encoder = EMA of the context encoder
    grad_clip: float = 1.0
    hidden: int = 16                           # predictor width
    residual_scale: float = 0.25               # bound of the learned attractor shift
    singular_value_min: float = 0.5            # encoders stay invertible and non-collapsed
    singular_value_max: float = 2.0
    micro_sample_every: int = 4                # frames between two stored micro transitions
    state_sample_s: float = 1.0                # horizon of the state level's transitions
    loss_spike_factor: float = 20.0            # skip steps whose loss exceeds this x average
    device: str = "cpu"                        # tiny networks: the CPU is faster than a GPU
    torch_threads: int = 1                     # intra-op threads during a step (0: leave as is);
                                               # tiny batches get slower with more, much under load
    seed: int = 0


@dataclass
class PersistenceConfig:
    directory: str | None = None               # None: nothing is persisted
    interval_s: float = 60.0                   # wall-clock seconds between saves of a person
    retention_days: float = 30.0               # people not seen for longer are deleted
    min_frames: int = 30                       # people seen for fewer frames are not saved
    inline: bool = True                        # save inside update(); else call persist_due()


@dataclass
class HierarchyConfig:
    filter: FilterConfig = field(default_factory=FilterConfig)
    events: EventConfig = field(default_factory=EventConfig)
    stamps: StampConfig = field(default_factory=StampConfig)
    learning: LearningConfig = field(default_factory=LearningConfig)
    persistence: PersistenceConfig = field(default_factory=PersistenceConfig)
    max_persons: int = 64                      # least recently seen people are set aside
    idle_forget_s: float = 600.0               # people unseen this long (stamp clock) too

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> HierarchyConfig:
        config = build_dataclass(cls, data or {}, "")
        config.validate()
        return config

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def validate(self) -> None:
        for prefix, section in (("filter", self.filter), ("events", self.events),
                                ("stamps", self.stamps)):
            for item in dataclasses.fields(section):
                _require(getattr(section, item.name) > 0, f"{prefix}.{item.name}", "must be > 0")
        f, lrn = self.filter, self.learning
        _require(f.variance_floor < f.variance_ceiling, "filter.variance_floor",
                 "must be below filter.variance_ceiling")
        _require(f.min_confidence <= 1.0, "filter.min_confidence", "must be <= 1")
        _require(self.events.micro_release_sigma < self.events.micro_threshold_sigma,
                 "events.micro_release_sigma", "must be below events.micro_threshold_sigma")
        _require(0 < lrn.learning_rate <= MAX_LEARNING_RATE, "learning.learning_rate",
                 f"must be in (0, {MAX_LEARNING_RATE}]")
        _require(0.0 <= lrn.ema_momentum <= 1.0, "learning.ema_momentum", "must be in [0, 1]")
        _require(0 < lrn.singular_value_min < 1.0 < lrn.singular_value_max,
                 "learning.singular_value_min", "need 0 < min < 1 < max")
        _require(lrn.torch_threads >= 0, "learning.torch_threads", "must be >= 0")
        for name in ("learn_every", "batch_size", "buffer_size", "hidden", "micro_sample_every"):
            _require(getattr(lrn, name) >= 1, f"learning.{name}", "must be >= 1")
        for name in ("grad_clip", "residual_scale", "state_sample_s", "loss_spike_factor"):
            _require(getattr(lrn, name) > 0, f"learning.{name}", "must be > 0")
        _require(lrn.batch_size <= lrn.buffer_size, "learning.batch_size",
                 "must not exceed learning.buffer_size")
        p = self.persistence
        _require(p.interval_s > 0, "persistence.interval_s", "must be > 0")
        _require(p.retention_days >= 0, "persistence.retention_days", "must be >= 0")
        _require(self.max_persons >= 1, "max_persons", "must be >= 1")
        _require(self.idle_forget_s > 0, "idle_forget_s", "must be > 0")


def _require(ok: bool, key: str, what: str) -> None:
    if not ok:
        raise ConfigError("bad_value", f"hierarchy config: {key} {what}")


def build_dataclass(cls: type, data: Any, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError("wrong_type", f"hierarchy config: {prefix or 'root'} must be a mapping")
    hints = typing.get_type_hints(cls)
    known = {item.name for item in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError("unknown_key", f"hierarchy config: unknown key {prefix}{unknown[0]}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            values[name] = build_dataclass(hint, value, key + ".")
        else:
            values[name] = _coerce(hint, value, key)
    return cls(**values)


def _coerce(hint: Any, value: Any, key: str) -> Any:
    allowed = typing.get_args(hint) or (hint,)
    if value is None and type(None) in allowed:
        return None
    if bool in allowed:
        if isinstance(value, bool):
            return value
    elif int in allowed and isinstance(value, int) and not isinstance(value, bool):
        return value
    elif float in allowed and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ConfigError("bad_value", f"hierarchy config: {key} must be finite")
        return float(value)
    elif str in allowed and isinstance(value, str):
        return value
    names = " or ".join(getattr(a, "__name__", str(a)) for a in allowed)
    raise ConfigError("wrong_type", f"hierarchy config: {key} must be {names}, got {value!r}")
