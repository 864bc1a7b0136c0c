# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Per-person stamp checks: what to do with duplicate, late, jumping or far-future stamps.

    duplicate                     same stamp as the last accepted frame: dropped
    out_of_order                  up to `backward_tolerance_s` older: dropped
    jump                          older than that (bag loop, sim clock reset) or newer by more
                                  than `max_gap_s` (a long absence, or a corrupt stamp): held
                                  back until the next frame confirms the new clock by following
                                  it within `confirm_window_s`; confirmed jumps re-anchor the
                                  clock, unconfirmed ones are dropped as `outlier_stamp`
    future_stamp                  more than `max_future_s` ahead of the caller's `now`: dropped
A dropped frame never touches the person's beliefs.
"""

from __future__ import annotations

from dataclasses import dataclass

from hri_emo_ros.hierarchy.config import StampConfig

ACCEPTED = "accepted"
REANCHORED = "reanchored"       # accepted after a confirmed jump of the clock


@dataclass(frozen=True)
class StampVerdict:
    outcome: str                # ACCEPTED, REANCHORED, or the reason the frame was dropped
    dt: float = 0.0             # seconds since the previous accepted frame (for accepted ones)
    superseded: str = ""        # reason for an earlier held-back stamp that turned out wrong

    @property
    def accepted(self) -> bool:
        return self.outcome in (ACCEPTED, REANCHORED)


@dataclass
class StampGuard:
    last: float | None = None
    pending: float | None = None

    def check(self, stamp: float, config: StampConfig, now: float | None = None) -> StampVerdict:
        if now is not None and stamp > now + config.max_future_s:
            return StampVerdict("future_stamp")
        if self.last is None:
            self.last = stamp
            return StampVerdict(ACCEPTED, config.nominal_frame_s)
        step = stamp - self.last
        if -config.backward_tolerance_s <= step <= config.max_gap_s:
            superseded = "outlier_stamp" if self.pending is not None else ""
            self.pending = None
            if step == 0.0:
                return StampVerdict("duplicate", superseded=superseded)
            if step < 0.0:
                return StampVerdict("out_of_order", superseded=superseded)
            self.last = stamp
            return StampVerdict(ACCEPTED, step, superseded)
        pending = self.pending
        if pending is not None and 0.0 < stamp - pending <= config.confirm_window_s:
            forward = stamp > self.last
            self.last, self.pending = stamp, None
            return StampVerdict(REANCHORED, step if forward else stamp - pending)
        self.pending = stamp
        return StampVerdict("clock_jump_unconfirmed",
                            superseded="outlier_stamp" if pending is not None else "")
