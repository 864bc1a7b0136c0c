# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The agent's view of an `hri_emo_msgs/AffectiveState` message, as plain dataclasses.

Field names follow AffectiveState, LevelState and AffectiveEvent; times are float seconds
(the node converts `builtin_interfaces/Time`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hri_emo_ros.behavior.errors import InvalidInput

LEVEL_MICRO = "micro"
LEVEL_STATE = "state"
LEVEL_PATTERN = "pattern"
# Level whose valence/arousal describe "now" for behaviour, most preferred first.
LEVEL_PREFERENCE = (LEVEL_STATE, LEVEL_MICRO, LEVEL_PATTERN)


@dataclass(frozen=True)
class LevelSnapshot:
    """One LevelState: posterior valence/arousal in [-1, 1] and its precision."""

    name: str
    valence: float
    arousal: float
    precision: float = 1.0


@dataclass(frozen=True)
class EventSnapshot:
    """One AffectiveEvent; `onset` in seconds on the same clock as the observation stamp."""

    type: str
    emotion: str = ""
    onset: float = 0.0
    duration: float = 0.0
    magnitude: float = 0.0


@dataclass(frozen=True)
class AffectiveObservation:
    """One AffectiveState for one person; `stamp` is the header stamp in seconds."""

    person_id: str
    stamp: float
    levels: tuple[LevelSnapshot, ...]
    events: tuple[EventSnapshot, ...] = field(default_factory=tuple)
    valence_trend: float = 0.0
    engagement: float = 0.0

    def current_level(self) -> LevelSnapshot:
        """The level that best describes the present (state, else micro, else pattern)."""
        by_name = {level.name: level for level in self.levels}
        for name in LEVEL_PREFERENCE:
            if name in by_name:
                return by_name[name]
        return self.levels[0]


def simple_observation(person_id: str, stamp: float, valence: float, arousal: float,
                       engagement: float,
                       events: tuple[EventSnapshot, ...] = ()) -> AffectiveObservation:
    """An observation with only a state level (what simulations and tests need)."""
    level = LevelSnapshot(LEVEL_STATE, valence, arousal)
    return AffectiveObservation(person_id, stamp, (level,), tuple(events), 0.0, engagement)


def _check_number(value: float, name: str, low: float, high: float) -> None:
    if math.isnan(value):
        raise InvalidInput("nan_values", f"{name} is NaN")
    if math.isinf(value):
        raise InvalidInput("inf_values", f"{name} is infinite")
    if not low <= value <= high:
        raise InvalidInput("out_of_range", f"{name}={value:g} outside [{low:g}, {high:g}]")


def validate_observation(obs: AffectiveObservation) -> None:
    """Raise InvalidInput naming the first field the agent cannot use."""
    if not obs.person_id:
        raise InvalidInput("empty_person_id", "observation has an empty person_id")
    _check_number(float(obs.stamp), "stamp", -math.inf, math.inf)
    if not obs.levels:
        raise InvalidInput("no_levels", "observation has no levels")
    for level in obs.levels:
        _check_number(float(level.valence), f"levels[{level.name}].valence", -1.0, 1.0)
        _check_number(float(level.arousal), f"levels[{level.name}].arousal", -1.0, 1.0)
    _check_number(float(obs.engagement), "engagement", 0.0, 1.0)
    _check_number(float(obs.valence_trend), "valence_trend", -math.inf, math.inf)
    for index, event in enumerate(obs.events):
        _check_number(float(event.onset), f"events[{index}].onset", -math.inf, math.inf)
