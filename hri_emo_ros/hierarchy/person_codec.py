# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A person's beliefs in model-independent form: re-expression and (de)serialisation.

Beliefs live in the latent spaces of the encoders current when they were written. When
the encoders learn, `rebase` re-expresses them exactly (means) or to first order (diagonal
variances). Persisted state is written in observation space, so it stays valid for any
later model; `person_from_dict` re-encodes it with the model of the day.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hri_emo_ros.hierarchy import gaussian as g
from hri_emo_ros.hierarchy.config import HierarchyConfig
from hri_emo_ros.hierarchy.errors import CorruptParameters
from hri_emo_ros.hierarchy.latent_maps import LatentMaps, TailAffine
from hri_emo_ros.hierarchy.observation import OBS_DIM
from hri_emo_ros.hierarchy.pattern_level import SECONDS_PER_HOUR, PatternLevel
from hri_emo_ros.hierarchy.person import PersonFilter
from hri_emo_ros.hierarchy.results import LEVEL_MICRO, LEVEL_NAMES, LEVEL_PATTERN, LEVEL_STATE

PERSON_FORMAT = "hri_emo.hierarchy.person/1"
# (attribute, level, kind): kind "mean" is affine, "rate" linear, "var" a diagonal variance.
_FIELDS = (
    ("micro_mean", LEVEL_MICRO, "mean"), ("micro_var", LEVEL_MICRO, "var"),
    ("micro_noise", LEVEL_MICRO, "var"),
    ("state_mean", LEVEL_STATE, "mean"), ("state_var", LEVEL_STATE, "var"),
    ("state_noise", LEVEL_STATE, "var"),
)
_TREND_FIELDS = (("baseline", "mean"), ("trend", "rate"), ("var_bb", "var"), ("var_br", "var"),
                 ("var_rr", "var"))


def rebase(person: PersonFilter, maps: LatentMaps) -> None:
    """Re-express every latent quantity of `person` in `maps` (no-op if already there)."""
    old = person.maps
    if old.version == maps.version:
        return
    change = {level: maps.change_from(old, level) for level in LEVEL_NAMES}
    for attribute, level, kind in _FIELDS:
        setattr(person, attribute, _apply(change[level], kind, getattr(person, attribute)))
    pattern = person.pattern
    pattern.belief = g.TrendBelief(*(_apply(change[LEVEL_PATTERN], kind,
                                            getattr(pattern.belief, name))
                                     for name, kind in _TREND_FIELDS))
    pattern.noise = change[LEVEL_PATTERN].apply_var(pattern.noise)
    if pattern.input_weight > 0.0:
        mean = pattern.input_sum / pattern.input_weight
        pattern.input_sum = change[LEVEL_STATE].apply(mean) * pattern.input_weight
    person.maps = maps
    person.bound_variances()


def person_to_dict(person: PersonFilter) -> dict[str, Any]:
    levels = person.maps.levels
    pattern = person.pattern
    out: dict[str, Any] = {"format": PERSON_FORMAT, "person_id": person.person_id,
                           "tick_stamp": pattern.tick_stamp, "frames": person.frames,
                           "engagement_evidence": person.engagement_evidence}
    for attribute, level, kind in _FIELDS:
        out[attribute] = _apply(levels[level].to_obs, kind, getattr(person, attribute)).tolist()
    for name, kind in _TREND_FIELDS:
        out[f"pattern_{name}"] = _apply(levels[LEVEL_PATTERN].to_obs, kind,
                                        getattr(pattern.belief, name)).tolist()
    out["pattern_noise"] = levels[LEVEL_PATTERN].to_obs.apply_var(pattern.noise).tolist()
    weight = pattern.input_weight
    out["pattern_input_mean"] = None if weight <= 0 else levels[LEVEL_STATE].to_obs.apply(
        pattern.input_sum / weight).tolist()
    out["pattern_input_weight"] = weight
    out["summary"] = _summary(out)
    return out


def person_from_dict(data: Any, config: HierarchyConfig, maps: LatentMaps) -> PersonFilter:
    """Rebuild a person; raise CorruptParameters naming the first bad field."""
    if not isinstance(data, dict) or data.get("format") != PERSON_FORMAT:
        raise CorruptParameters("wrong_format", f"not a {PERSON_FORMAT} record")
    levels = maps.levels
    values = {attribute: _apply(levels[level].from_obs, kind,
                                _vector(data, attribute, positive=kind == "var"))
              for attribute, level, kind in _FIELDS}
    to_pattern = levels[LEVEL_PATTERN].from_obs
    belief = g.TrendBelief(*(_apply(to_pattern, kind, _vector(
        data, f"pattern_{name}", positive=kind == "var" and name != "var_br"))
        for name, kind in _TREND_FIELDS))
    pattern = PatternLevel(belief, to_pattern.apply_var(
        _vector(data, "pattern_noise", positive=True)), _number(data, "tick_stamp"))
    weight = _number(data, "pattern_input_weight")
    if weight > 0.0:
        mean = levels[LEVEL_STATE].from_obs.apply(_vector(data, "pattern_input_mean"))
        pattern.input_sum, pattern.input_weight = mean * weight, weight
    person = PersonFilter(str(data.get("person_id", "")), config, maps, pattern=pattern,
                          **values)
    person.bound_variances()
    person.frames = int(_number(data, "frames"))
    person.engagement_evidence = _number(data, "engagement_evidence")
    return person


def _summary(record: dict[str, Any]) -> dict[str, float]:
    """Readable headline figures (ignored when loading)."""
    return {"baseline_valence": record["pattern_baseline"][0],
            "baseline_arousal": record["pattern_baseline"][1],
            "valence_trend_per_hour": record["pattern_trend"][0] * SECONDS_PER_HOUR,
            "state_valence": record["state_mean"][0], "state_arousal": record["state_mean"][1]}


def _apply(affine: TailAffine, kind: str, value: np.ndarray) -> np.ndarray:
    if kind == "var":
        return affine.apply_var(value)
    return affine.apply_linear(value) if kind == "rate" else affine.apply(value)


def _vector(data: dict[str, Any], key: str, positive: bool = False) -> np.ndarray:
    if key not in data:
        raise CorruptParameters("missing_key", f"person record lacks '{key}'")
    try:
        value = np.asarray(data[key], dtype=float)
    except (TypeError, ValueError):
        raise CorruptParameters("wrong_shape", f"person record '{key}' is not numeric") from None
    if value.shape != (OBS_DIM,):
        raise CorruptParameters("wrong_shape", f"person record '{key}' has shape {value.shape}")
    if not np.isfinite(value).all():
        raise CorruptParameters("nan_values", f"person record '{key}' holds NaN or Inf")
    if positive and not (value > 0).all():
        raise CorruptParameters("negative_values", f"person record '{key}' is not positive")
    return value


def _number(data: dict[str, Any], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CorruptParameters("missing_key", f"person record '{key}' is not a finite number")
    return float(value)
