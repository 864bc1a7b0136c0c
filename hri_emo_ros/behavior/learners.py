# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The learner kinds the agent can host, and checked loading of their saved state."""

from __future__ import annotations

from hri_emo_ros.behavior.errors import CorruptState
from hri_emo_ros.behavior.learner import BasalGangliaLearner
from hri_emo_ros.behavior.policy import Learner
from hri_emo_ros.behavior.q_learning import QLearningLearner, RandomLearner
from hri_emo_ros.behavior.serialization import require

AGENT_FORMAT = "hri_emo.behavior.agent/1"
LEARNER_KINDS = {
    "basal_ganglia": BasalGangliaLearner,
    "q_learning": QLearningLearner,
    "random": RandomLearner,
}


def make_learner(kind: str, n_states: int, names: tuple[str, ...], config: object) -> Learner:
    return LEARNER_KINDS[kind](n_states, names, config)


def load_learner(kind: str, data: object, n_states: int, names: tuple[str, ...],
                 config: object) -> Learner:
    """Rebuild a learner from a person state dict {"kind", "learner"}; raises CorruptState."""
    stored_kind = require(data, "kind")
    if stored_kind != kind:
        raise CorruptState("wrong_format", f"state of a '{stored_kind}' learner, this agent "
                           f"uses '{kind}'")
    return LEARNER_KINDS[kind].from_dict(require(data, "learner"), n_states, names, config)


def person_states(data: object) -> dict:
    """The per-person entries of an agent state dict, checked at the top level."""
    if require(data, "format") != AGENT_FORMAT:
        raise CorruptState("wrong_format", f"format {data['format']!r}, expected {AGENT_FORMAT!r}")
    persons = require(data, "persons")
    if not isinstance(persons, dict) or not all(isinstance(p, str) and p for p in persons):
        raise CorruptState("not_a_mapping", "'persons' must map person ids to learned states")
    return persons
