# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Slow, guarded online learning of the shared model from the transitions of all people.

Each call to `step` trains one level (round robin) on one minibatch drawn from that level's
ring buffer; `prepare` and `apply` are its two halves, for callers that spread the cost
over two calls. Guards: the learning rate is capped (`config.MAX_LEARNING_RATE`), gradients are
clipped, a non-finite loss or gradient skips the step, a loss far above its running average
skips the step (the average then adapts, so a real change of input is learned slowly), and
parameters that became non-finite are restored from the last good copy. Encoders keep their
singular values in range, so they can neither collapse nor blow up.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from hri_emo_ros.common.device import resolve_device
from hri_emo_ros.hierarchy.config import MAX_LEARNING_RATE, FilterConfig, LearningConfig
from hri_emo_ros.hierarchy.model import HierarchyModel
from hri_emo_ros.hierarchy.observation import OBS_DIM
from hri_emo_ros.hierarchy.replay import TransitionBuffer
from hri_emo_ros.hierarchy.results import LEVEL_NAMES

_BACKUP_EVERY = 50
_ERROR_VAR_RATE = 0.01
_MIN_ERROR_VAR = 1e-4
# Steps between two projections of the encoders' singular values and checks for non-finite
# parameters; in between, singular values move by at most learning rate x gradient clip per
# step, and finite gradients (checked every step) keep the parameters finite.
_CHECK_EVERY = 4


@dataclass(frozen=True)
class PreparedStep:
    """A step whose gradients are computed but not yet applied."""

    level: str
    loss: float
    errors: torch.Tensor        # latent prediction errors of the batch


@dataclass(frozen=True)
class StepReport:
    level: str
    loss: float
    applied: bool
    reason: str = ""            # why a step was not applied


class OnlineLearner:
    def __init__(self, model: HierarchyModel, learning: LearningConfig,
                 filter_config: FilterConfig) -> None:
        self.model = model
        self.config = learning
        self.filter_config = filter_config
        self.device = resolve_device(learning.device)
        model.to(self.device)
        self.buffers = {name: TransitionBuffer(learning.buffer_size, OBS_DIM)
                        for name in LEVEL_NAMES}
        self.error_var = {name: np.full(OBS_DIM, 0.01) for name in LEVEL_NAMES}
        self.loss_average: dict[str, float | None] = {name: None for name in LEVEL_NAMES}
        self.rng = np.random.default_rng(learning.seed)
        self.counters: Counter[str] = Counter()
        self._params = {name: list(itertools.chain(model.level(name).context_encoder.parameters(),
                                                   model.level(name).predictor.parameters()))
                        for name in LEVEL_NAMES}
        self.optimizers = {name: _adam(self._params[name], learning.learning_rate)
                           for name in LEVEL_NAMES}
        self._all_params = {name: list(model.level(name).parameters()) for name in LEVEL_NAMES}
        self._backup = copy.deepcopy(model.state_dict())
        self._turn = 0
        self._steps_since_check = dict.fromkeys(LEVEL_NAMES, 0)
        self._warm_up()

    def record(self, level: str, context: np.ndarray, prior: np.ndarray, following: np.ndarray,
               dt: float) -> None:
        self.buffers[level].push(context, prior, following, dt)

    def step(self, level: str | None = None, momentum: float | None = None,
             learning_rate: float | None = None) -> StepReport | None:
        """One optimiser step on `level` (default: the next level with enough data)."""
        prepared = self.prepare(level)
        if not isinstance(prepared, PreparedStep):
            return prepared
        return self.apply(prepared, momentum, learning_rate)

    def prepare(self, level: str | None = None) -> PreparedStep | StepReport | None:
        """First half of a step: loss and clipped gradients, left on the parameters for
        `apply` (None: no level has enough data; a StepReport: the step was skipped)."""
        name = level or self._next_ready_level()
        if name is None or self.buffers[name].size < self.config.batch_size:
            return None
        with torch_threads(self.config.torch_threads):
            batch = self._batch(name, self.buffers[name].sample(self.config.batch_size, self.rng))
            loss, errors = self.model.level(name).loss(*batch, weights=self._weights(name))
            value = float(loss.detach())
            if not math.isfinite(value):
                return self._skip(name, value, "nonfinite_loss")
            average = self.loss_average[name]
            factor = self.config.loss_spike_factor
            if average is not None and value > factor * average:
                self.loss_average[name] = average + 0.05 * (factor * average - average)
                return self._skip(name, value, "loss_spike")
            self.loss_average[name] = value if average is None else 0.95 * average + 0.05 * value
            for param in self._params[name]:
                param.grad = None
            loss.backward()
            if not _clip_gradients(self._params[name], self.config.grad_clip):
                return self._skip(name, value, "nonfinite_gradient")
        return PreparedStep(name, value, errors)

    def apply(self, prepared: PreparedStep, momentum: float | None = None,
              learning_rate: float | None = None) -> StepReport:
        """Second half of a step: optimiser, EMA of the target encoder, periodic checks."""
        name, jepa = prepared.level, self.model.level(prepared.level)
        with torch_threads(self.config.torch_threads):
            optimizer = self.optimizers[name]
            for group in optimizer.param_groups:
                group["lr"] = min(learning_rate or self.config.learning_rate, MAX_LEARNING_RATE)
            optimizer.step()
            jepa.update_target(self.config.ema_momentum if momentum is None else momentum)
            self._steps_since_check[name] += 1
            if self._steps_since_check[name] >= _CHECK_EVERY:
                self._steps_since_check[name] = 0
                low, high = self.config.singular_value_min, self.config.singular_value_max
                jepa.context_encoder.project_(low, high)
                jepa.target_encoder.project_(low, high)
                flat = torch.cat([p.detach().reshape(-1) for p in self._all_params[name]])
                if not bool(torch.isfinite(flat).all()):
                    self.model.load_state_dict(self._backup)
                    return self._skip(name, prepared.loss, "restored_nonfinite_parameters")
            squared = prepared.errors.square().mean(dim=0).cpu().numpy()
        self.error_var[name] += _ERROR_VAR_RATE * (squared - self.error_var[name])
        self.counters["steps"] += 1
        if self.counters["steps"] % _BACKUP_EVERY == 0 and all(
                bool(torch.isfinite(p).all()) for p in self.model.parameters()):
            self._backup = copy.deepcopy(self.model.state_dict())
        return StepReport(name, prepared.loss, True)

    @torch.no_grad()
    def observation_error(self, name: str, buffer: TransitionBuffer) -> float:
        """Mean squared error, in observation space, of `name`'s prediction of its next input
        over every transition in `buffer`: comparable across models (encoders may rescale
        the latent spaces, so latent losses are not)."""
        if buffer.size == 0:
            return math.nan
        rows = buffer.rows[:buffer.size]
        d = buffer.dim
        sample = (rows[:, :d], rows[:, d:2 * d], rows[:, 2 * d:3 * d], rows[:, 3 * d])
        with torch_threads(self.config.torch_threads):
            context, prior, _, rho_relax, rho_shift = self._batch(name, sample)
            jepa = self.model.level(name)
            predicted = jepa.predict(context, prior, rho_relax, rho_shift)
            for level in reversed(LEVEL_NAMES[:LEVEL_NAMES.index(name) + 1]):
                predicted = self.model.level(level).target_encoder.inverse(predicted)
            following = torch.as_tensor(sample[2], device=self.device)
            return float(((predicted - following) ** 2).mean())

    def _warm_up(self) -> None:
        """Run each level's forward and backward pass once on zeros, so the first real step
        does not pay torch's one-off initialisation (~0.2 s) in the middle of a stream."""
        with torch_threads(self.config.torch_threads):
            zeros = np.zeros((2, OBS_DIM), dtype=np.float32)
            for name in LEVEL_NAMES:
                batch = self._batch(name, (zeros, zeros, zeros, np.ones(2, dtype=np.float32)))
                loss, _ = self.model.level(name).loss(*batch, weights=self._weights(name))
                loss.backward()
                for param in self._params[name]:
                    param.grad = None

    def _next_ready_level(self) -> str | None:
        for offset in range(len(LEVEL_NAMES)):
            name = LEVEL_NAMES[(self._turn + offset) % len(LEVEL_NAMES)]
            if self.buffers[name].size >= self.config.batch_size:
                self._turn = (self._turn + offset + 1) % len(LEVEL_NAMES)
                return name
        return None

    def _batch(self, name: str, sample: tuple[np.ndarray, ...]) -> tuple[torch.Tensor, ...]:
        """Encode stored observation-space rows into `name`'s input and target spaces."""
        context, prior, following, dt = sample
        vectors = torch.as_tensor(np.stack((context, prior, following)), dtype=torch.float32,
                                  device=self.device)
        with torch.no_grad():
            for below in LEVEL_NAMES[:LEVEL_NAMES.index(name)]:
                vectors = self.model.level(below).target_encoder(vectors)
            context, prior, following = vectors.unbind(0)
            prior = self.model.level(name).target_encoder(prior)
        relax_tau, shift_tau = self.filter_config.time_constants(name)
        dt = np.maximum(np.asarray(dt, dtype=np.float64), 0.0)[:, None]
        relax = np.zeros_like(dt) if relax_tau is None else np.exp(-dt / relax_tau)
        rhos = torch.as_tensor(np.concatenate((relax, np.exp(-dt / shift_tau)), axis=1),
                               dtype=torch.float32, device=self.device)
        return context, prior, following, rhos[:, :1], rhos[:, 1:]

    def _weights(self, name: str) -> torch.Tensor:
        """Precisions of the latent errors, estimated from recent batches: the loss is then
        about chi-square per dimension, whatever the encoders' scale (no gain in shrinking)."""
        precision = 1.0 / np.maximum(self.error_var[name], _MIN_ERROR_VAR)
        return torch.as_tensor(precision, dtype=torch.float32, device=self.device)

    def _skip(self, name: str, value: float, reason: str) -> StepReport:
        self.counters[reason] += 1
        return StepReport(name, value, False, reason)


@contextlib.contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run a block with `count` intra-op threads (0: unchanged), then restore the setting."""
    previous = torch.get_num_threads()
    if count <= 0 or count == previous:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _adam(params: list[torch.nn.Parameter], rate: float) -> torch.optim.Optimizer:
    """Adam, fused where this torch build has it (a third of the cost on tiny tensors)."""
    try:
        return torch.optim.Adam(params, lr=rate, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(params, lr=rate)


@torch.no_grad()
def _clip_gradients(params: list[torch.nn.Parameter], max_norm: float) -> bool:
    """Scale gradients to a total norm <= max_norm; False if any gradient is not finite."""
    grads = [p.grad for p in params if p.grad is not None]
    norm = float(torch.cat([g.reshape(-1) for g in grads]).norm())
    if not math.isfinite(norm):
        return False
    if norm > max_norm:
        for g in grads:
            g.mul_(max_norm / norm)
    return True
