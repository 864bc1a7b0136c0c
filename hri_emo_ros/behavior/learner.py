# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The basal-ganglia learner of one person: striatum, transition model, empowerment,
dreaming and selection, wired together.

The dopamine signal combines the extrinsic reward (the person's response) with an
intrinsic reward: the empowerment of the state reached, weighted less as that state
becomes familiar (weight / (1 + visits / half_visits)). Dreams replay the learned model
with rewards shrunk towards the coarse view's, so sparse experience is not over-trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.behavior.dreaming import DreamConfig, DreamReport, dream
from hri_emo_ros.behavior.empowerment import EmpowermentConfig, EmpowermentEstimator
from hri_emo_ros.behavior.policy import Choice, LearnReport
from hri_emo_ros.behavior.selection import (
    SelectionConfig,
    action_distribution,
    recency_inhibition,
    sample_action,
)
from hri_emo_ros.behavior.serialization import (
    array_field,
    check_header,
    dense_counts,
    list_field,
    remap_columns,
    sparse_counts,
)
from hri_emo_ros.behavior.state_encoding import N_STATES, coarse_groups
from hri_emo_ros.behavior.striatum import Striatum, StriatumConfig
from hri_emo_ros.behavior.transition_model import TransitionModel, TransitionModelConfig

FORMAT = "hri_emo.behavior.basal_ganglia/1"


@dataclass(frozen=True)
class BasalGangliaConfig:
    striatum: StriatumConfig = field(default_factory=StriatumConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)
    model: TransitionModelConfig = field(default_factory=TransitionModelConfig)
    empowerment: EmpowermentConfig = field(default_factory=EmpowermentConfig)
    dreaming: DreamConfig = field(default_factory=DreamConfig)
    intrinsic_weight: float = 0.05
    intrinsic_half_visits: float = 10.0
    use_empowerment: bool = True
    # Also learn values on the coarse view of the state (quadrant x engagement).
    generalise: bool = True
    # Dreams use a (state, action)'s mean reward shrunk towards the mean of the same action
    # in the coarse view, as if this many coarse-view rewards had also been seen there; one
    # unlucky moment then cannot make an action look terrible in every dream.
    reward_shrinkage: float = 2.0


class BasalGangliaLearner:
    def __init__(self, n_states: int, action_names: tuple[str, ...],
                 config: BasalGangliaConfig | None = None) -> None:
        self.config = config or BasalGangliaConfig()
        self.n_states = n_states
        self.action_names = tuple(action_names)
        self._build(len(self.action_names))

    def _build(self, n_actions: int) -> None:
        groupings = [np.arange(self.n_states)]
        if self.config.generalise and self.n_states == N_STATES:
            groupings.append(coarse_groups())
        self.striatum = Striatum(self.n_states, n_actions, self.config.striatum, groupings)
        self.model = TransitionModel(self.n_states, n_actions, self.config.model)
        self.empowerment = EmpowermentEstimator(self.config.empowerment)
        self.dreamed = np.zeros((self.n_states, n_actions), dtype=bool)

    def dream_rewards(self) -> np.ndarray:
        """Mean extrinsic reward per (state, action), shrunk towards the coarse view's mean."""
        visits = self.model.counts.sum(axis=2)
        grouping = self.striatum.groupings[-1]
        group_sums = np.zeros((grouping.max() + 1, visits.shape[1]))
        group_visits = np.zeros_like(group_sums)
        np.add.at(group_sums, grouping, self.model.reward_sum)
        np.add.at(group_visits, grouping, visits)
        prior = (group_sums / np.maximum(group_visits, 1e-12))[grouping]
        k = self.config.reward_shrinkage
        return (self.model.reward_sum + k * prior) / np.maximum(visits + k, 1e-12)

    def intrinsic_weights(self) -> np.ndarray:
        """Intrinsic reward per next state: weighted, familiarity-discounted empowerment."""
        if not self.config.use_empowerment:
            return np.zeros(self.n_states)
        familiarity = self.model.state_visits() / self.config.intrinsic_half_visits
        weight = self.config.intrinsic_weight / (1.0 + familiarity)
        return weight * self.empowerment.table(self.model)

    def intrinsic_reward(self, state: int) -> float:
        return float(self.intrinsic_weights()[state])

    def choose(self, state: int, allowed: np.ndarray, seconds_since_use: np.ndarray,
               rng: np.random.Generator) -> Choice:
        values = self.striatum.advantages(state)
        inhibition = recency_inhibition(seconds_since_use, self.config.selection)
        probabilities = action_distribution(values, allowed, inhibition,
                                            self.config.selection.temperature)
        action = sample_action(probabilities, rng)
        return Choice(action, probabilities, float(self.striatum.values(state)[action]),
                      self.model.visits(state, action), bool(self.dreamed[state, action]))

    def learn(self, state: int, action: int, reward: float, next_state: int) -> LearnReport:
        self.model.update(state, action, next_state, reward)
        intrinsic = self.intrinsic_reward(next_state)
        rpe = self.striatum.learn(state, action, reward + intrinsic, next_state)
        self.dreamed[state, action] = False
        return LearnReport(rpe, intrinsic)

    def dream(self, budget: int, rng: np.random.Generator) -> DreamReport:
        if budget <= 0:
            return DreamReport()
        self.empowerment.table(self.model, max_age=1)
        return dream(self.striatum, self.model, self.dream_rewards(), self.intrinsic_weights(),
                     rng, budget, self.config.dreaming, self.dreamed)

    def remap_actions(self, names: tuple[str, ...]) -> None:
        """Keep what was learned per action name; new actions start from zero."""
        old, names = self.action_names, tuple(names)
        go = [remap_columns(table, old, names, 1) for table in self.striatum.go]
        nogo = [remap_columns(table, old, names, 1) for table in self.striatum.nogo]
        critic = self.striatum.critic
        counts = remap_columns(self.model.counts, old, names, 1)
        rewards = remap_columns(self.model.reward_sum, old, names, 1)
        dreamed = remap_columns(self.dreamed, old, names, 1)
        self.action_names = names
        self._build(len(names))
        self.striatum.critic, self.striatum.go, self.striatum.nogo = critic, go, nogo
        self.dreamed = dreamed
        self.model.counts, self.model.reward_sum = counts, rewards

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "n_states": self.n_states, "actions": list(self.action_names),
            "critic": [table.tolist() for table in self.striatum.critic],
            "go": [table.tolist() for table in self.striatum.go],
            "nogo": [table.tolist() for table in self.striatum.nogo],
            "dreamed": self.dreamed.astype(int).tolist(),
            "transitions": sparse_counts(self.model.counts),
            "reward_sum": self.model.reward_sum.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict, n_states: int, action_names: tuple[str, ...],
                  config: BasalGangliaConfig | None = None) -> BasalGangliaLearner:
        """Rebuild from `to_dict` output (raises CorruptState), then map onto action_names."""
        stored = check_header(data, FORMAT, n_states)
        shape = (n_states, len(stored))
        learner = cls(n_states, stored, config)
        striatum = learner.striatum
        sizes = [len(table) for table in striatum.critic]
        striatum.critic = list_field(data, "critic", [(n,) for n in sizes])
        striatum.go = list_field(data, "go", [(n, len(stored)) for n in sizes], True)
        striatum.nogo = list_field(data, "nogo", [(n, len(stored)) for n in sizes], True)
        learner.dreamed = array_field(data, "dreamed", shape, non_negative=True) > 0
        learner.model.counts = dense_counts(data, "transitions", (n_states, len(stored), n_states))
        learner.model.reward_sum = array_field(data, "reward_sum", shape)
        if tuple(action_names) != stored:
            learner.remap_actions(tuple(action_names))
        return learner
