# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Offline pre-training of the hierarchy on recorded EmotionState streams.

`pretrain(streams, config) -> stats` runs every stream through the same filters that run
online (one filter per person id within a stream), stores the transitions they produce and
trains the shared model on them with the same guarded learner, faster (higher learning rate,
a step every few frames) and with the EMA momentum ramped from `momentum_start` to
`momentum_end`. A held-out share of the streams measures each level's error in predicting its
next input (mean squared, in observation space) before and after training, on the same
transitions. `hri-emo train hierarchy` calls this.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from hri_emo_ros.hierarchy.config import MAX_LEARNING_RATE, HierarchyConfig, build_dataclass
from hri_emo_ros.hierarchy.errors import ConfigError, InvalidObservation
from hri_emo_ros.hierarchy.learner import OnlineLearner
from hri_emo_ros.hierarchy.model import HierarchyModel
from hri_emo_ros.hierarchy.observation import (
    OBS_DIM,
    EmotionObservation,
    coerce_observation,
    observation_vector,
)
from hri_emo_ros.hierarchy.person import PersonFilter
from hri_emo_ros.hierarchy.person_codec import rebase
from hri_emo_ros.hierarchy.readings import Transition
from hri_emo_ros.hierarchy.replay import TransitionBuffer
from hri_emo_ros.hierarchy.results import LEVEL_NAMES
from hri_emo_ros.hierarchy.stamps import REANCHORED, StampGuard

# Steps between two refreshes of the maps the replaying filters use (the transitions they
# produce are stored in observation space, so slightly older maps do no harm).
_SNAPSHOT_EVERY = 10


@dataclass
class PretrainConfig:
    epochs: int = 3
    learn_every: int = 4                 # frames between two optimiser steps
    learning_rate: float = 1e-3
    momentum_start: float = 0.996
    momentum_end: float = 1.0
    validation_fraction: float = 0.2     # share of streams held out (at least one if >= 2)
    output: str | None = None            # checkpoint path; None: not written
    seed: int = 0
    hierarchy: HierarchyConfig = field(default_factory=HierarchyConfig)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PretrainConfig:
        data = dict(data or {})
        hierarchy = HierarchyConfig.from_dict(data.pop("hierarchy", None))
        config = build_dataclass(cls, data, "pretrain.")
        config.hierarchy = hierarchy
        if config.epochs < 1 or config.learn_every < 1:
            raise ConfigError("bad_value", "pretrain: epochs and learn_every must be >= 1")
        if not 0 < config.learning_rate <= MAX_LEARNING_RATE:
            raise ConfigError("bad_value", f"pretrain: learning_rate must be in "
                              f"(0, {MAX_LEARNING_RATE}]")
        if not 0.0 <= config.validation_fraction < 1.0:
            raise ConfigError("bad_value", "pretrain: validation_fraction must be in [0, 1)")
        return config


Stream = Iterable[EmotionObservation | Mapping[str, Any]]


def pretrain(streams: Iterable[Stream], config: PretrainConfig | Mapping[str, Any] | None = None,
             model: HierarchyModel | None = None) -> dict[str, Any]:
    """Train `model` (a new one if None) in place on `streams`; return statistics."""
    cfg = config if isinstance(config, PretrainConfig) else PretrainConfig.from_dict(config)
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    learning = cfg.hierarchy.learning
    model = model or HierarchyModel(learning.hidden, learning.residual_scale)
    learner = OnlineLearner(model, learning, cfg.hierarchy.filter)
    counts: Counter[str] = Counter()
    training, validation = _split(streams, cfg, counts)
    held_out = _transitions(validation, cfg.hierarchy, model, learning.buffer_size, counts)
    before = {n: learner.observation_error(n, held_out[n]) for n in LEVEL_NAMES}
    trainer = _Trainer(cfg, model, learner, sum(len(s) for s in training))
    rng = np.random.default_rng(cfg.seed)
    for _ in range(cfg.epochs):
        for index in rng.permutation(len(training)):
            trainer.run(training[index], counts)
    stats: dict[str, Any] = {
        "streams_train": len(training), "streams_validation": len(validation),
        "frames_train": sum(len(s) for s in training), "steps": trainer.steps,
        "validation_transitions": {n: held_out[n].size for n in LEVEL_NAMES},
        "validation_error_before": before,
        "validation_error_after": {n: learner.observation_error(n, held_out[n])
                                   for n in LEVEL_NAMES},
        "last_train_loss": trainer.last_losses,
        "skipped_steps": {k: v for k, v in learner.counters.items() if k != "steps"},
        "dropped_frames": dict(counts), "seconds": time.perf_counter() - started,
        "checkpoint": None}
    if cfg.output:
        stats["checkpoint"] = str(model.save(cfg.output, extra={"pretrain": _finite(stats)}))
    return stats


class _Trainer:
    """Replays training streams through the filters, learning every few frames with the EMA
    momentum ramped from `momentum_start` to `momentum_end` over the planned steps."""

    def __init__(self, cfg: PretrainConfig, model: HierarchyModel, learner: OnlineLearner,
                 frames: int) -> None:
        self.cfg, self.model, self.learner = cfg, model, learner
        self.planned = max(1, cfg.epochs * frames // cfg.learn_every)
        self.maps = model.snapshot()
        self.frame = 0
        self.steps = 0
        self.last_losses: dict[str, float] = {}

    def run(self, stream: Sequence[EmotionObservation], counts: Counter[str]) -> None:
        cfg = self.cfg
        for transitions in _replay(stream, cfg.hierarchy, lambda: self.maps, counts):
            for t in transitions:
                self.learner.record(t.level, t.context, t.prior, t.following, t.dt)
            self.frame += 1
            if self.frame % cfg.learn_every:
                continue
            progress = min(1.0, self.steps / self.planned)
            momentum = cfg.momentum_start + (cfg.momentum_end - cfg.momentum_start) * progress
            report = self.learner.step(momentum=momentum, learning_rate=cfg.learning_rate)
            if report is not None and report.applied:
                self.steps += 1
                self.last_losses[report.level] = report.loss
                if self.steps % _SNAPSHOT_EVERY == 0:
                    self.maps = self.model.snapshot()


def _split(streams: Iterable[Stream], cfg: PretrainConfig,
           counts: Counter[str]) -> tuple[list[list[EmotionObservation]], ...]:
    """Valid observations of each non-empty stream, split into (training, validation)."""
    loaded = [[o for o in (_checked(item, counts) for item in s) if o is not None]
              for s in streams]
    loaded = [s for s in loaded if s]
    order = np.random.default_rng(cfg.seed).permutation(len(loaded))
    held = int(round(cfg.validation_fraction * len(loaded)))
    if cfg.validation_fraction > 0 and len(loaded) >= 2:
        held = max(held, 1)
    return [loaded[i] for i in order[held:]], [loaded[i] for i in order[:held]]


def _transitions(streams: list[list[EmotionObservation]], config: HierarchyConfig,
                 model: HierarchyModel, capacity: int,
                 counts: Counter[str]) -> dict[str, TransitionBuffer]:
    buffers = {n: TransitionBuffer(capacity, OBS_DIM) for n in LEVEL_NAMES}
    maps = model.snapshot()
    for stream in streams:
        for transitions in _replay(stream, config, lambda: maps, counts):
            for t in transitions:
                buffers[t.level].push(t.context, t.prior, t.following, t.dt)
    return buffers


def _checked(item: Any, counts: Counter[str]) -> EmotionObservation | None:
    try:
        obs = coerce_observation(item)
        observation_vector(obs)
        return obs
    except InvalidObservation as err:
        counts[f"rejected_{err.reason}"] += 1
        return None


def _replay(stream: Sequence[EmotionObservation], config: HierarchyConfig,
            maps_now: Any, counts: Counter[str]) -> Iterable[list[Transition]]:
    """Run one recorded stream through per-person filters; yield each frame's transitions."""
    people: dict[str, tuple[StampGuard, PersonFilter | None]] = {}
    for obs in stream:
        x, confidence, _ = observation_vector(obs)
        guard, person = people.get(obs.person_id, (StampGuard(), None))
        verdict = guard.check(obs.stamp, config.stamps)
        if not verdict.accepted:
            counts[f"dropped_{verdict.outcome}"] += 1
            people[obs.person_id] = (guard, person)
            continue
        maps = maps_now()
        if person is None:
            person = PersonFilter.start(obs.person_id, config, maps, x, obs.stamp)
        else:
            rebase(person, maps)
            if verdict.outcome == REANCHORED:
                person.reanchor(obs.stamp)
        transitions: list[Transition] = []
        person.step(x, confidence, obs.stamp, verdict.dt, transitions)
        people[obs.person_id] = (guard, person)
        yield transitions


def _finite(stats: dict[str, Any]) -> dict[str, Any]:
    """Stats with NaN replaced by None (checkpoints are loaded with weights_only)."""
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value
    return clean(stats)
