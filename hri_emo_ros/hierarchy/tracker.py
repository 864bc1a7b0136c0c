# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Many people at once: one `PersonFilter` each, one shared model, learning and persistence.

    tracker = HierarchyTracker(HierarchyConfig.from_dict(yaml_dict))
    result = tracker.update(observation, now=clock_seconds)   # AffectiveStateResult | None
    ...
    tracker.close()                                            # persists everything

`update` raises InvalidObservation for malformed content (NaN, out-of-range, ...) and returns
None for frames dropped because of their stamp (duplicates, late frames, clock jumps awaiting
confirmation); both are counted in `counters`. Problems with stored files are reported in
`issues` (drain them with `drain_issues`). The work per call is bounded: at most half a
learning step (gradients on one call, optimiser on the next, new maps on the one after) and
one file write, each switchable to the caller's own timer (`learning.inline: false` and
`learn_step()`, `persistence.inline: false` and `persist_due()`).
"""

from __future__ import annotations

import json
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from hri_emo_ros.hierarchy.config import HierarchyConfig
from hri_emo_ros.hierarchy.errors import CorruptParameters, InvalidObservation
from hri_emo_ros.hierarchy.latent_maps import LatentMaps
from hri_emo_ros.hierarchy.learner import OnlineLearner, StepReport
from hri_emo_ros.hierarchy.memory import deep_size
from hri_emo_ros.hierarchy.model import HierarchyModel
from hri_emo_ros.hierarchy.observation import (
    EmotionObservation,
    check_person_id,
    coerce_observation,
    observation_vector,
)
from hri_emo_ros.hierarchy.persistence import HierarchyStore, fingerprint
from hri_emo_ros.hierarchy.person import PersonFilter
from hri_emo_ros.hierarchy.person_codec import person_from_dict, person_to_dict, rebase
from hri_emo_ros.hierarchy.readings import Transition
from hri_emo_ros.hierarchy.results import AffectiveStateResult
from hri_emo_ros.hierarchy.shared_model import SharedModel
from hri_emo_ros.hierarchy.stamps import REANCHORED, StampGuard

_IDLE_SWEEP_EVERY = 64
_PURGE_EVERY_S = 3600.0


@dataclass
class TrackedPerson:
    guard: StampGuard
    filter: PersonFilter | None = None
    restored: dict[str, Any] | None = None     # stored record, used on the first frame
    last_stamp: float = 0.0
    saved_wall: float = 0.0
    dirty: bool = False


class HierarchyTracker:
    def __init__(self, config: HierarchyConfig | Mapping[str, Any] | None = None,
                 model: HierarchyModel | None = None,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.config = config if isinstance(config, HierarchyConfig) else \
            HierarchyConfig.from_dict(dict(config or {}))
        self.wall_clock = wall_clock
        self.counters: Counter[str] = Counter()
        self.issues: list[str] = []
        persistence = self.config.persistence
        self.store = None if persistence.directory is None else \
            HierarchyStore(persistence.directory, persistence.retention_days)
        learning = self.config.learning
        if model is None:
            torch.manual_seed(learning.seed)
            model = HierarchyModel(learning.hidden, learning.residual_scale)
        self.base = fingerprint(model)
        if self.store is not None:
            self.store.purge_expired(wall_clock())
            stored = self.store.load_model(self.base)
            if stored is not None:
                model = stored[0]
                self.counters["model_restored"] += 1
            self._collect_store_issues()
        self.shared = SharedModel(model, self.config)
        self.persons: OrderedDict[str, TrackedPerson] = OrderedDict()
        self.clock_stamp: float | None = None
        self._updates = 0
        self._model_saved_wall = wall_clock()
        self._next_persist_check = 0.0
        self._next_purge = wall_clock() + _PURGE_EVERY_S

    # ------------------------------------------------------------------ updates
    def update(self, observation: EmotionObservation | Mapping[str, Any],
               now: float | None = None) -> AffectiveStateResult | None:
        try:
            obs = coerce_observation(observation)
            x, confidence, unknown = observation_vector(obs)
        except InvalidObservation as err:
            self.counters[f"rejected_{err.reason}"] += 1
            raise
        if unknown:
            self.counters["unknown_labels"] += unknown
        tracked = self._tracked(obs.person_id, obs.stamp)
        verdict = tracked.guard.check(obs.stamp, self.config.stamps, now)
        if verdict.superseded:
            self.counters[f"dropped_{verdict.superseded}"] += 1
        if not verdict.accepted:
            self.counters[f"dropped_{verdict.outcome}"] += 1
            self._forget_if_empty(obs.person_id, tracked)
            return None
        person = tracked.filter
        if person is None:
            person = tracked.filter = self._first_filter(obs.person_id, tracked, x, obs.stamp)
        else:
            rebase(person, self.current_maps())
            if verdict.outcome == REANCHORED:
                self.counters["clock_reanchored"] += 1
                person.reanchor(obs.stamp)
        transitions: list[Transition] | None = [] if self.shared.learning else None
        result = person.step(x, confidence, obs.stamp, verdict.dt, transitions)
        if transitions:
            self.shared.record(transitions)
        tracked.last_stamp, tracked.dirty = obs.stamp, True
        self.persons.move_to_end(obs.person_id)
        self.clock_stamp = obs.stamp
        self._updates += 1
        if self._updates % _IDLE_SWEEP_EVERY == 0:
            self._forget_idle()
        self.shared.after_update()
        if self.store is not None and self.config.persistence.inline:
            self.persist_due()
        return result

    def learn_step(self) -> StepReport | None:
        """One guarded learning step on the shared model (call from a timer if not inline)."""
        return self.shared.learn_step()

    def current_maps(self) -> LatentMaps:
        return self.shared.current_maps()

    @property
    def model(self) -> HierarchyModel:
        return self.shared.model

    @property
    def learner(self) -> OnlineLearner | None:
        return self.shared.learner

    # ------------------------------------------------------------------ people
    def forget(self, person_id: str, persist: bool = True) -> bool:
        """Stop tracking a person (saving them first unless persist=False)."""
        tracked = self.persons.pop(person_id, None)
        if tracked is None:
            return False
        if persist:
            self._save(person_id, tracked)
        return True

    def erase(self, person_id: str) -> bool:
        """Forget a person and delete what is stored about them (privacy requests)."""
        check_person_id(person_id)
        tracked = self.persons.pop(person_id, None) is not None
        stored = self.store is not None and self.store.forget_person(person_id)
        return tracked or stored

    def person_state_json(self, person_id: str) -> str:
        """The person's beliefs in observation space (tracked, else as stored); KeyError if
        unknown."""
        check_person_id(person_id)
        tracked = self.persons.get(person_id)
        if tracked is not None and tracked.filter is not None:
            rebase(tracked.filter, self.current_maps())
            record = self._record(tracked)
        elif tracked is not None and tracked.restored is not None:
            record = tracked.restored
        elif self.store is not None and (record := self.store.load_person(person_id)):
            self._collect_store_issues()
        else:
            self._collect_store_issues()
            raise KeyError(person_id)
        return json.dumps(record, sort_keys=True)

    def tracked_ids(self) -> list[str]:
        return list(self.persons)

    # ------------------------------------------------------------------ persistence
    def persist_due(self) -> int:
        """Save at most one person (and the model) whose save interval has passed."""
        if self.store is None:
            return 0
        wall = self.wall_clock()
        if wall < self._next_persist_check:
            return 0
        interval = self.config.persistence.interval_s
        written = 0
        if self.shared.changed and wall - self._model_saved_wall >= interval:
            self._save_model(wall)
            written += 1
        else:
            due = next((pid for pid, t in self.persons.items()
                        if t.dirty and wall - t.saved_wall >= interval), None)
            if due is not None:
                written += self._save(due, self.persons[due])
        self._next_persist_check = wall if written else wall + 1.0
        if wall >= self._next_purge:
            self._next_purge = wall + _PURGE_EVERY_S
            self.counters["purged"] += self.store.purge_expired(wall)
        return written

    def persist_now(self) -> int:
        """Save every tracked person and the learned parameters now; returns files written."""
        if self.store is None:
            return 0
        written = sum(self._save(pid, t) for pid, t in list(self.persons.items()))
        if self.shared.changed:
            self._save_model(self.wall_clock())
            written += 1
        return written

    def close(self) -> None:
        self.persist_now()

    def drain_issues(self) -> list[str]:
        self._collect_store_issues()
        issues, self.issues = self.issues, []
        return issues

    def memory_report(self) -> dict[str, int]:
        sizes = [deep_size(t.filter) for t in self.persons.values() if t.filter is not None]
        shared = sum(p.numel() * p.element_size() for p in self.model.parameters())
        if self.learner is not None:
            shared += sum(b.nbytes for b in self.learner.buffers.values())
        return {"persons": len(sizes), "max_bytes_per_person": max(sizes, default=0),
                "shared_bytes": int(shared)}

    # ------------------------------------------------------------------ internals
    def _tracked(self, person_id: str, stamp: float) -> TrackedPerson:
        tracked = self.persons.get(person_id)
        if tracked is not None:
            return tracked
        while len(self.persons) >= self.config.max_persons:
            oldest = next(iter(self.persons))
            self.counters["evicted"] += 1
            self.forget(oldest)
        tracked = TrackedPerson(StampGuard(), last_stamp=stamp)
        if self.store is not None:
            record = self.store.load_person(person_id)
            self._collect_store_issues()
            if record is not None:
                last = record.get("last_stamp")
                if isinstance(last, (int, float)) and np.isfinite(last):
                    tracked.guard.last = float(last)
                tracked.restored, tracked.saved_wall = record, self.wall_clock()
        self.persons[person_id] = tracked
        return tracked

    def _first_filter(self, person_id: str, tracked: TrackedPerson, x: np.ndarray,
                      stamp: float) -> PersonFilter:
        if tracked.restored is not None:
            try:
                person = person_from_dict(tracked.restored, self.config, self.current_maps())
                person.person_id = person_id
                self.counters["person_restored"] += 1
                if stamp < person.pattern.tick_stamp:
                    person.reanchor(stamp)
                return person
            except CorruptParameters as err:
                self.store.reject_person(person_id, str(err))
                self._collect_store_issues()
            finally:
                tracked.restored = None
        return PersonFilter.start(person_id, self.config, self.current_maps(), x, stamp)

    def _forget_if_empty(self, person_id: str, tracked: TrackedPerson) -> None:
        if tracked.filter is None and tracked.restored is None and tracked.guard.last is None:
            self.persons.pop(person_id, None)

    def _forget_idle(self) -> None:
        limit = self.config.idle_forget_s
        idle = [pid for pid, t in self.persons.items()
                if abs(self.clock_stamp - t.last_stamp) > limit]
        for pid in idle:
            self.counters["forgotten_idle"] += 1
            self.forget(pid)

    def _record(self, tracked: TrackedPerson) -> dict[str, Any]:
        record = person_to_dict(tracked.filter)
        record["last_stamp"] = tracked.guard.last
        return record

    def _save(self, person_id: str, tracked: TrackedPerson) -> int:
        person = tracked.filter
        if self.store is None or person is None or not tracked.dirty or \
                person.frames < self.config.persistence.min_frames:
            return 0
        rebase(person, self.current_maps())
        saved = self.store.save_person(person_id, self._record(tracked))
        tracked.saved_wall = self.wall_clock()       # a refused write is retried next interval
        self._collect_store_issues()
        if not saved:
            self.counters["save_failed"] += 1
            return 0
        tracked.dirty = False
        self.counters["person_saved"] += 1
        return 1

    def _save_model(self, wall: float) -> None:
        steps = 0 if self.learner is None else self.learner.counters["steps"]
        self._model_saved_wall = wall
        if self.store.save_model(self.model, self.base, {"steps": int(steps)}):
            self.shared.changed = False
            self.counters["model_saved"] += 1
        else:
            self.counters["save_failed"] += 1
            self._collect_store_issues()

    def _collect_store_issues(self) -> None:
        if self.store is not None and self.store.issues:
            self.counters["store_issues"] += len(self.store.issues)
            self.issues.extend(self.store.issues)
            self.store.issues.clear()

