# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Which EmotionStates the decoder explains.

An explanation costs a backward pass through the decoder for every emotion (about as much
as the rest of the graph's work for that state), while the people and programs that read
explanations need them far less often than behaviour needs states. So a person's state is
explained when `period_s` seconds (stamp time) have passed since their last explanation, when
the dominant emotion changed, and when time went backwards; period 0 explains every state.
"""

from __future__ import annotations

import math

# Stamps are float seconds: 10 Hz states would otherwise miss a 0.2 s period by rounding.
STAMP_TOLERANCE_S = 1e-6
MAX_PERSONS = 256   # the persons remembered, most recently explained first


class ExplanationSchedule:
    def __init__(self) -> None:
        self._last: dict[str, tuple[float, str]] = {}   # person -> (stamp, dominant)

    def due(self, person_id: str, stamp: float, dominant: str, period_s: float) -> bool:
        """Whether to explain this state; if so, it counts as the person's last one."""
        if not (period_s >= 0.0 and math.isfinite(period_s)):
            raise ValueError(f"explain_period must be >= 0 s, got {period_s}")
        last = self._last.get(person_id)
        if (last is not None and last[1] == dominant
                and 0.0 <= stamp - last[0] < period_s - STAMP_TOLERANCE_S):
            return False
        self._last.pop(person_id, None)
        self._last[person_id] = (stamp, dominant)
        if len(self._last) > MAX_PERSONS:
            del self._last[next(iter(self._last))]
        return True
