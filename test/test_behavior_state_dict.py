# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Persistence of learned values: round trip, corrupt input, repertoire changes, store."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from hri_emo_ros.behavior.agent import AgentConfig, BehaviorAgent
from hri_emo_ros.behavior.errors import CorruptState
from hri_emo_ros.behavior.repertoire import load_repertoire
from hri_emo_ros.behavior.simulated_person import SimulatedPerson
from hri_emo_ros.common.state_store import StateStore

DEFAULT = Path(__file__).resolve().parents[1] / "config" / "behaviors.yaml"


def _trained_agent(kind: str = "basal_ganglia") -> BehaviorAgent:
    repertoire = load_repertoire(DEFAULT)
    agent = BehaviorAgent(repertoire, AgentConfig(seed=3, learner_kind=kind))
    person = SimulatedPerson("ann", repertoire.names, seed=4)
    now = 0.0
    for _ in range(6):
        now += 3600.0
        obs = person.start_session(now)
        for _ in range(10):
            decision = agent.decide("ann", obs, now)
            now += 10.0
            obs = person.respond(decision.action, now)
            agent.observe_outcome("ann", obs, now)
        agent.dream(100)
    return agent


def _probabilities(agent: BehaviorAgent, person: str) -> list:
    learner = agent._learner(person)
    allowed = np.ones(len(agent.repertoire.names), bool)
    never = np.full(len(allowed), np.inf)
    return [learner.choose(s, allowed, never, np.random.default_rng(0)).probabilities.tolist()
            for s in range(agent.encoder.n_states)]


@pytest.mark.parametrize("kind", ["basal_ganglia", "q_learning"])
def test_round_trip_through_json_keeps_behaviour(kind):
    agent = _trained_agent(kind)
    payload = json.loads(json.dumps(agent.to_state_dict()))
    fresh = BehaviorAgent(agent.repertoire, AgentConfig(seed=3, learner_kind=kind))
    fresh.from_state_dict(payload)
    assert fresh.person_ids() == ["ann"]
    assert _probabilities(fresh, "ann") == _probabilities(agent, "ann")
    assert fresh.to_state_dict() == payload


def test_learned_state_survives_the_state_store(tmp_path):
    agent = _trained_agent()
    store = StateStore(tmp_path)
    store.save("ann", agent.person_state_dict("ann"))
    restored = BehaviorAgent(agent.repertoire, AgentConfig(seed=3))
    assert restored.restore_person("ann", store.load("ann").json()) is None
    assert _probabilities(restored, "ann") == _probabilities(agent, "ann")


def _corrupt(payload: dict, path: list, value: object) -> dict:
    broken = copy.deepcopy(payload)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return broken


@pytest.mark.parametrize("path, value, reason", [
    (["learner", "format"], "something/2", "wrong_format"),
    (["learner", "n_states"], 7, "state_space_mismatch"),
    (["learner", "go"], [[[float("nan")] * 8] * 60, [[0.0] * 8] * 10], "nan_values"),
    (["learner", "nogo"], [[[-1.0] * 8] * 60, [[0.0] * 8] * 10], "negative_values"),
    (["learner", "critic"], [[0.0] * 59, [0.0] * 10], "wrong_shape"),
    (["learner", "transitions"], [[0, 0, 99, 1.0]], "wrong_shape"),
    (["learner", "transitions"], "garbage", "wrong_shape"),
    (["learner", "actions"], ["greet", "greet"], "action_mismatch"),
    (["kind"], "q_learning", "wrong_format"),
    (["learner"], 42, "not_a_mapping"),
])
def test_corrupt_state_is_detected_with_a_reason(path, value, reason):
    agent = _trained_agent()
    payload = agent.person_state_dict("ann")
    fresh = BehaviorAgent(agent.repertoire)
    with pytest.raises(CorruptState) as info:
        fresh.load_person_state("ann", _corrupt(payload, path, value))
    assert info.value.reason == reason


def test_corrupt_state_is_reset_with_a_warning(caplog):
    agent = _trained_agent()
    payload = _corrupt(agent.person_state_dict("ann"), ["learner", "go"], "oops")
    fresh = BehaviorAgent(agent.repertoire)
    warning = fresh.restore_person("ann", payload)
    assert warning is not None and "corrupt" in warning and "ann" in warning
    assert "corrupt" in caplog.text
    assert fresh.person_ids() == []           # nothing half-loaded; learns afresh
    with pytest.raises(CorruptState):
        fresh.from_state_dict({"format": "hri_emo.behavior.agent/1", "persons": [1, 2]})


def test_values_follow_action_names_when_the_repertoire_changes():
    agent = _trained_agent()
    learner = agent._learner("ann")
    old_names = agent.repertoire.names
    before = {name: learner.striatum.go[0][:, i].copy() for i, name in enumerate(old_names)}
    text = DEFAULT.read_text().replace("  - name: give_space", "  - name: tell_joke\n"
                                       "    utterances: [\"Why did the robot cross?\"]\n"
                                       "  - name: give_space_renamed")
    ok, message = agent.set_repertoire_from_yaml(text)
    assert ok, message
    new_names = agent.repertoire.names
    assert "tell_joke" in new_names and "give_space" not in new_names
    for i, name in enumerate(new_names):
        column = learner.striatum.go[0][:, i]
        if name in before:
            assert np.array_equal(column, before[name])
        else:
            assert not column.any()
    payload = agent.person_state_dict("ann")
    assert payload["learner"]["actions"] == list(new_names)


def test_reset_one_person_or_everyone():
    agent = _trained_agent()
    agent.restore_person("bob", agent.person_state_dict("ann"))
    assert agent.person_ids() == ["ann", "bob"]
    assert agent.reset("bob") == ["bob"] and agent.person_ids() == ["ann"]
    assert sorted(agent.reset("*")) == ["ann"] and agent.person_ids() == []
