# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Per-person time synchronisation of modality features before fusion.

Each person has a buffer per modality. `add` validates a message's steps (no NaN/Inf, right
dimension, known modality, stamps in order, none in the future) and appends them. `window`
returns the steps of every modality whose newest step is fresh (not older than
`stale_after_s`), restricted to the last `window_s` seconds and to at most `max_steps` steps
(uniformly thinned, newest kept). A person with nothing fresh gets InvalidInput
('no_features'): no output rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.common.feature_spec import MODALITIES
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps
from hri_emo_ros.fusion.validation import DEFAULT_FUTURE_TOLERANCE_S, check_modality_steps


@dataclass
class SyncConfig:
    window_s: float = 2.0
    stale_after_s: float = 1.0
    max_steps: dict[str, int] = field(
        default_factory=lambda: {"audio": 16, "text": 32, "video": 32})
    # Transcripts arrive once per utterance, so words stay usable longer than frames.
    modality_window_s: dict[str, float] = field(default_factory=lambda: {"text": 8.0})
    modality_stale_after_s: dict[str, float] = field(default_factory=lambda: {"text": 8.0})
    future_tolerance_s: float = DEFAULT_FUTURE_TOLERANCE_S
    forget_after_s: float = 30.0

    def window_of(self, modality: str) -> float:
        return self.modality_window_s.get(modality, self.window_s)

    def stale_of(self, modality: str) -> float:
        return self.modality_stale_after_s.get(modality, self.stale_after_s)

    @classmethod
    def from_dict(cls, data: Mapping) -> SyncConfig:
        return cls(**dict(data))


def thin_newest(count: int, keep: int) -> np.ndarray:
    """Indices of `keep` of `count` steps, evenly spread, always including the newest."""
    if count <= keep:
        return np.arange(count)
    return np.unique(np.round(np.linspace(count - 1, 0, keep)).astype(int))


class FeatureSynchroniser:
    def __init__(self, config: SyncConfig | None = None) -> None:
        self.config = config or SyncConfig()
        self._buffers: dict[str, dict[str, ModalitySteps]] = {}

    def persons(self) -> list[str]:
        return sorted(self._buffers)

    def forget(self, person_id: str) -> None:
        self._buffers.pop(person_id, None)

    def add(self, steps: ModalitySteps, now: float) -> None:
        """Validate and buffer one message's steps; raises InvalidInput with a reason."""
        steps = check_modality_steps(steps, now, self.config.future_tolerance_s)
        steps.features, steps.step_times, steps.quality = (  # the buffer owns its data
            steps.features.copy(), steps.step_times.copy(), steps.quality.copy())
        person = self._buffers.setdefault(steps.person_id, {})
        old = person.get(steps.modality)
        if old is not None and steps.step_times[0] < old.step_times[-1]:
            raise InvalidInput(
                "out_of_order_stamps",
                f"{steps.modality} of '{steps.person_id}': step at {steps.step_times[0]:.3f} "
                f"is older than the buffered {old.step_times[-1]:.3f}",
            )
        if old is not None:
            labels = (old.step_labels or [""] * old.steps) + (
                steps.step_labels or [""] * steps.steps)
            steps = ModalitySteps(
                steps.modality, np.concatenate([old.features, steps.features]),
                np.concatenate([old.step_times, steps.step_times]),
                np.concatenate([old.quality, steps.quality]),
                labels if any(labels) else [], steps.person_id, steps.extractor,
            )
        person[steps.modality] = self._prune(steps, now)

    def _prune(self, steps: ModalitySteps, now: float) -> ModalitySteps:
        keep = steps.step_times >= now - self.config.window_of(steps.modality)
        if keep.all():
            return steps
        if not keep.any():
            keep[-1] = True  # keep the newest so staleness can still be judged
        labels = ([lab for lab, k in zip(steps.step_labels, keep, strict=True) if k]
                  if steps.step_labels else [])
        return ModalitySteps(steps.modality, steps.features[keep], steps.step_times[keep],
                             steps.quality[keep], labels, steps.person_id, steps.extractor)

    def has_fresh(self, person_id: str, modality: str, now: float) -> bool:
        """Whether `person_id` has `modality` steps that are not stale at `now`."""
        steps = self._buffers.get(person_id, {}).get(modality)
        return steps is not None and steps.stamp >= now - self.config.stale_of(modality)

    def window(self, person_id: str, now: float) -> FusionWindow:
        """The fresh, windowed steps of `person_id` at time `now`."""
        person = self._buffers.get(person_id)
        if person is None:
            raise InvalidInput("no_features", f"no features ever received for '{person_id}'")
        fresh: dict[str, ModalitySteps] = {}
        stale: list[str] = []
        for modality in MODALITIES:
            steps = person.get(modality)
            if steps is None:
                continue
            if steps.stamp < now - self.config.stale_of(modality):
                stale.append(f"{modality} ({now - steps.stamp:.2f} s old)")
                continue
            in_window = steps.step_times >= now - self.config.window_of(modality)
            index = np.nonzero(in_window)[0]
            index = index[thin_newest(index.size, self.config.max_steps.get(modality, 10**6))]
            labels = [steps.step_labels[i] for i in index] if steps.step_labels else []
            fresh[modality] = ModalitySteps(
                modality, steps.features[index], steps.step_times[index], steps.quality[index],
                labels, person_id, steps.extractor,
            )
        if not fresh:
            detail = ", ".join(stale) if stale else "nothing buffered"
            raise InvalidInput("no_features", f"'{person_id}' has no fresh modality: {detail}")
        stamp = max(s.stamp for s in fresh.values())
        return FusionWindow(person_id, stamp, fresh, checked=True)

    def ready(self, now: float) -> tuple[list[FusionWindow], dict[str, str]]:
        """Windows of every person with fresh features, and why the others were skipped.

        Persons silent for longer than `forget_after_s` are forgotten.
        """
        windows, skipped = [], {}
        for person_id in self.persons():
            newest = max(s.stamp for s in self._buffers[person_id].values())
            if newest < now - self.config.forget_after_s:
                self.forget(person_id)
                continue
            try:
                windows.append(self.window(person_id, now))
            except InvalidInput as error:
                skipped[person_id] = str(error)
        return windows, skipped
