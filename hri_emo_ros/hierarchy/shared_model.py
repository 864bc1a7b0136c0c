# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The model all people share, its online learner and the numpy maps the filters read.

Inline learning is spread over calls so that no single update pays for a whole step: every
`learn_every` updates the gradients of one level are computed, the next update applies them
(optimiser, EMA target), and the one after copies the new maps for the filters.
"""

from __future__ import annotations

from hri_emo_ros.hierarchy.config import HierarchyConfig
from hri_emo_ros.hierarchy.latent_maps import LatentMaps
from hri_emo_ros.hierarchy.learner import OnlineLearner, PreparedStep, StepReport
from hri_emo_ros.hierarchy.model import HierarchyModel
from hri_emo_ros.hierarchy.readings import Transition


class SharedModel:
    def __init__(self, model: HierarchyModel, config: HierarchyConfig) -> None:
        self.model = model
        self.config = config.learning
        self.learner = OnlineLearner(model, config.learning, config.filter) \
            if config.learning.enabled else None
        self.maps = model.snapshot()
        self.changed = False            # learned since the parameters were last saved
        self._stale_levels: set[str] = set()
        self._prepared: PreparedStep | None = None
        self._updates = 0

    @property
    def learning(self) -> bool:
        return self.learner is not None

    @property
    def half_done(self) -> bool:
        """Gradients are computed and wait for the next update to be applied."""
        return self._prepared is not None

    def record(self, transitions: list[Transition]) -> None:
        for t in transitions:
            self.learner.record(t.level, t.context, t.prior, t.following, t.dt)

    def after_update(self) -> None:
        """The inline learning schedule; called once per accepted update."""
        self._updates += 1
        if self.learner is None or not self.config.inline:
            return
        if self._prepared is not None:
            self._finish()
        elif self._updates % self.config.learn_every == 0:
            prepared = self.learner.prepare()
            if isinstance(prepared, PreparedStep):
                self._prepared = prepared

    def learn_step(self) -> StepReport | None:
        """One whole guarded learning step (finishing a half-done one first)."""
        if self.learner is None:
            return None
        if self._prepared is not None:
            return self._finish()
        report = self.learner.step()
        if report is not None and report.applied:
            self._stale_levels.add(report.level)
            self.changed = True
        return report

    def current_maps(self) -> LatentMaps:
        """The maps of the latest parameters, copied from torch when first asked for."""
        if self._stale_levels:
            changed = next(iter(self._stale_levels)) if len(self._stale_levels) == 1 else None
            self.maps = self.model.snapshot(changed, self.maps)
            self._stale_levels.clear()
        return self.maps

    def _finish(self) -> StepReport:
        report = self.learner.apply(self._prepared)
        self._prepared = None
        if report.applied:
            self._stale_levels.add(report.level)
            self.changed = True
        return report
