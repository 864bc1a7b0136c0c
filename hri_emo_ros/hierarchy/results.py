# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What the hierarchy publishes, as plain dataclasses shaped like the ROS messages.

`AffectiveStateResult` maps field by field onto `hri_emo_msgs/AffectiveState`,
`LevelStateResult` onto `LevelState` and `AffectiveEventResult` onto `AffectiveEvent`.
Times are float seconds on the clock of the input stamps (the node converts them to
`builtin_interfaces/Time`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LEVEL_MICRO = "micro"
LEVEL_STATE = "state"
LEVEL_PATTERN = "pattern"
LEVEL_NAMES = (LEVEL_MICRO, LEVEL_STATE, LEVEL_PATTERN)

TYPE_MICRO_EXPRESSION = "micro_expression"
TYPE_STATE_CHANGE = "state_change"


@dataclass(frozen=True)
class LevelStateResult:
    """One level: posterior valence/arousal, its prediction error, precision and energies."""

    name: str
    time_scale: float          # time constant of the level's valence/arousal filter now [s]
    valence: float
    arousal: float
    prediction_error: float    # |u - prediction| in the level's latent space
    precision: float           # 1 / mean predictive variance of that error
    free_energy: float         # [nats]
    surprise: float            # -ln p(u | prediction) [nats]


@dataclass(frozen=True)
class AffectiveEventResult:
    type: str                  # TYPE_MICRO_EXPRESSION or TYPE_STATE_CHANGE
    emotion: str               # e.g. "surprised"; "" when no emotion stands out
    onset: float               # [s], input clock
    duration: float            # [s]
    magnitude: float           # peak precision-weighted prediction error [sigma]


@dataclass(frozen=True)
class AffectiveStateResult:
    person_id: str
    stamp: float
    levels: tuple[LevelStateResult, ...]       # micro, state, pattern
    total_free_energy: float
    events: tuple[AffectiveEventResult, ...] = field(default_factory=tuple)
    valence_trend: float = 0.0                 # pattern valence slope [1/hour]
    engagement: float = 0.0                    # [0, 1]

    def level(self, name: str) -> LevelStateResult:
        for level in self.levels:
            if level.name == name:
                return level
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
