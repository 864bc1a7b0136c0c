# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""When the fusion node fuses whom: its timing and attribution rules, without ROS.

Fusion is driven by the data. Time (`now`) is the newest step stamp received, so a
recording replayed at any speed, or a file analysed offline, gives the same windows.
Each `add` buffers one message's steps in a FeatureSynchroniser (voice and text without a
person id first go to the only face with fresh video, when there is exactly one); `due`
then gives the windows of the persons who received data and whose last fusion is at least
1/rate seconds old; `fused` records that their windows went through the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps
from hri_emo_ros.fusion.sync import FeatureSynchroniser, SyncConfig

ANONYMOUS = "anonymous"
# Stamps are float seconds: 0.3 - 0.2 < 0.1, so a 10 Hz stream would miss its 10 Hz fusions.
STAMP_TOLERANCE_S = 1e-6


@dataclass(frozen=True)
class FusionSchedule:
    """The fusion node's parameters of the same names (config/hri_emo.yaml)."""

    rate: float = 10.0                  # fusions per second per person (stamp time)
    window: float = 2.0                 # seconds of audio/video features fused
    stale_after: float = 1.0            # audio/video older than this is left out [s]
    text_window: float = 8.0            # seconds of words fused and kept fresh
    anonymous_to_single_face: bool = True

    def __post_init__(self) -> None:
        for name in ("rate", "window", "stale_after", "text_window"):
            value = getattr(self, name)
            if not value > 0.0 or value == float("inf"):
                raise InvalidInput("bad_parameter", f"{name} must be a positive number of "
                                   f"seconds (or Hz), got {value}")

    def sync_config(self, max_steps: Mapping[str, int]) -> SyncConfig:
        return SyncConfig(window_s=self.window, stale_after_s=self.stale_after,
                          max_steps=dict(max_steps),
                          modality_window_s={"text": self.text_window},
                          modality_stale_after_s={"text": self.text_window})


class FusionScheduler:
    def __init__(self, schedule: FusionSchedule, max_steps: Mapping[str, int]) -> None:
        self.schedule = schedule
        self.sync = FeatureSynchroniser(schedule.sync_config(max_steps))
        self.now = float("-inf")
        self.last_fused: dict[str, float] = {}
        self.pending: set[str] = set()

    def add(self, steps: ModalitySteps) -> None:
        """Buffer one message's steps; InvalidInput (with a reason) when they are refused."""
        self.now = max(self.now, steps.stamp)
        steps = self.attribute(steps)
        self.sync.add(steps, self.now)
        self.pending.add(steps.person_id)

    def attribute(self, steps: ModalitySteps) -> ModalitySteps:
        """Voice/text without identity go to the single visible face, if there is one."""
        if (steps.person_id != ANONYMOUS or steps.modality == "video"
                or not self.schedule.anonymous_to_single_face):
            return steps
        faces = [pid for pid in self.sync.persons()
                 if pid != ANONYMOUS and self.sync.has_fresh(pid, "video", self.now)]
        if len(faces) == 1:
            steps.person_id = faces[0]
        return steps

    def due(self) -> tuple[list[FusionWindow], list[InvalidInput]]:
        """Windows of the pending persons whose fusion is due at `now`, and why any due
        person has none (nothing fresh: no output rather than a guess)."""
        period = 1.0 / self.schedule.rate - STAMP_TOLERANCE_S
        due = [pid for pid in sorted(self.pending)
               if self.now - self.last_fused.get(pid, float("-inf")) >= period]
        windows, refusals = [], []
        for person_id in due:
            self.pending.discard(person_id)
            try:
                windows.append(self.sync.window(person_id, self.now))
            except InvalidInput as error:
                refusals.append(error)
        return windows, refusals

    def fused(self, person_id: str) -> None:
        """`person_id`'s window went through the model at `now`."""
        self.last_fused[person_id] = self.now
