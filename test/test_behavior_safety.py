# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Safety rules of the behaviour agent: cooldowns, never-do, rate limit, per-encounter
limits, inhibition of recent actions, and safe idling on missing or bad input."""

from __future__ import annotations

import numpy as np

from hri_emo_ros.behavior.agent import AgentConfig, BehaviorAgent
from hri_emo_ros.behavior.decision import STATUS_ACTED, STATUS_NO_STATE, render_utterance
from hri_emo_ros.behavior.observation import simple_observation
from hri_emo_ros.behavior.repertoire import parse_repertoire
from hri_emo_ros.behavior.selection import (
    SelectionConfig,
    action_distribution,
    recency_inhibition,
)

REPERTOIRE = """\
idle_action: idle
safety:
  rate_limit: {max_actions: 3, window_s: 60}
  never_do: [hug]
outputs:
  tts: {topic: /say, source: utterance}
  face: {topic: /face, source: expression, enabled: false}
actions:
  - name: talk
    utterances: ["Hi {name}, how are you?"]
    expression: happy
    cooldown_s: 45
  - name: nod
    gesture: nod
  - name: hug
    gesture: hug
  - name: greet
    utterances: ["Hello!"]
    max_per_session: 1
  - name: idle
"""


def _agent(text: str = REPERTOIRE, seed: int = 0) -> BehaviorAgent:
    return BehaviorAgent(parse_repertoire(text), AgentConfig(seed=seed))


def _obs(person: str, t: float, valence: float = 0.3) -> object:
    return simple_observation(person, t, valence, 0.2, 0.7)


def _run(agent: BehaviorAgent, persons: list[str], steps: int, period: float = 10.0):
    decisions = []
    for k in range(steps):
        t = k * period
        for person in persons:
            agent.observe_outcome(person, _obs(person, t), t)
            decision = agent.decide(person, _obs(person, t), t)
            if decision is not None:
                decisions.append(decision)
    return decisions


def test_cooldown_and_never_do_are_honoured():
    decisions = _run(_agent(), ["ann"], 120)
    talk_times = [d.stamp for d in decisions if d.action == "talk"]
    assert len(talk_times) >= 3
    for d in decisions:
        assert d.action != "hug" and "hug" not in d.candidate_actions
        if any(0 < d.stamp - t < 45 for t in talk_times):
            assert "talk" not in d.candidate_actions
    assert all(b - a >= 45 for a, b in zip(talk_times, talk_times[1:], strict=False))


def test_never_do_beats_learned_values():
    agent = _agent(REPERTOIRE.replace("never_do: [hug]", "never_do: []"))
    learner = agent._learner("ann")
    hug = agent.repertoire.names.index("hug")
    for _ in range(50):
        learner.learn(0, hug, 1.0, 0)
    ok, message = agent.set_repertoire_from_yaml(REPERTOIRE)
    assert ok, message
    assert all(d.action != "hug" for d in _run(agent, ["ann"], 60))


def test_rate_limit_is_robot_wide():
    agent = _agent()
    decisions = _run(agent, ["ann", "bob"], 60, period=10.0)
    expressive = [d.stamp for d in decisions if agent.repertoire.action(d.action).is_expressive]
    assert len(expressive) > 10
    for t in expressive:
        assert sum(1 for u in expressive if t - 60 < u <= t) <= 3
    limited = [d for d in decisions if d.candidate_actions == ("idle",)]
    assert limited, "the rate limit should sometimes leave only the idle action"


def test_greet_once_per_encounter():
    agent = _agent()
    greets = [d.stamp for d in _run(agent, ["ann"], 60) if d.action == "greet"]
    assert len(greets) <= 1
    later = 10_000.0    # after the session gap, a new encounter may greet again
    for k in range(40):
        t = later + 10 * k
        agent.observe_outcome("ann", _obs("ann", t), t)
        decision = agent.decide("ann", _obs("ann", t), t)
        if decision and decision.action == "greet":
            break
    else:
        raise AssertionError("greet never allowed again in a new encounter")


def test_inhibition_lowers_recently_used_actions():
    config = SelectionConfig(inhibition_strength=0.1, inhibition_time_s=30.0)
    inhibition = recency_inhibition(np.array([0.0, 30.0, np.inf]), config)
    assert inhibition[0] > inhibition[1] > inhibition[2] == 0.0
    p = action_distribution(np.zeros(3), np.ones(3, bool), inhibition, 0.05)
    assert p[0] < p[1] < p[2]
    assert np.isclose(p.sum(), 1.0)
    masked = action_distribution(np.zeros(3), np.array([True, False, True]), inhibition, 0.05)
    assert masked[1] == 0.0


def test_missing_stale_or_invalid_state_gives_safe_idle():
    agent = _agent()
    decision = agent.decide("ann", None, 100.0)
    assert decision.action == "idle" and decision.status == STATUS_NO_STATE
    assert "no affective state" in decision.rationale and decision.utterance == ""
    assert agent.decide("ann", None, 101.0) is None     # not repeated within the window
    stale = agent.decide("bob", _obs("bob", 90.0), 100.0)
    assert stale.action == "idle" and "stale" in stale.rationale
    bad = simple_observation("cid", 100.0, float("nan"), 0.0, 0.5)
    assert "nan_values" in agent.decide("cid", bad, 100.0).rationale
    wrong = agent.decide("dan", _obs("eve", 100.0), 100.0)
    assert wrong.action == "idle" and "eve" in wrong.rationale
    out_of_range = simple_observation("fay", 100.0, 3.0, 0.0, 0.5)
    assert "out_of_range" in agent.decide("fay", out_of_range, 100.0).rationale
    fresh = agent.decide("ann", _obs("ann", 102.0), 102.0)
    assert fresh is not None and fresh.status == STATUS_ACTED


def test_stale_state_mid_action_switches_to_idle_without_learning():
    agent = _agent()
    first = agent.decide("ann", _obs("ann", 0.0), 0.0)
    assert first.status == STATUS_ACTED
    assert agent.decide("ann", _obs("ann", 5.0), 5.0) is None     # awaiting the response
    idle = agent.decide("ann", _obs("ann", 5.0), 20.0)
    assert idle.action == "idle" and idle.status == STATUS_NO_STATE
    assert agent._learner("ann").model.counts.sum() == 0


def test_decision_fields_and_outputs():
    agent = _agent()
    for k in range(30):
        t = 10.0 * k
        agent.observe_outcome("ann", _obs("ann", t), t)
        decision = agent.decide("ann", _obs("ann", t), t, name="Ann")
        if decision.action == "talk":
            break
    assert decision.utterance == "Hi Ann, how are you?"
    assert [(o.channel, o.topic, o.data) for o in decision.outputs] == [
        ("tts", "/say", "Hi Ann, how are you?")]
    assert len(decision.candidate_actions) == len(decision.probabilities)
    assert np.isclose(sum(decision.probabilities), 1.0)
    assert decision.rationale.startswith("talk: ")
    assert 0.0 <= decision.intensity <= 1.0


def test_utterance_without_name_is_tidy():
    assert render_utterance("Hi {name}, how are you?", "") == "Hi, how are you?"
    assert render_utterance("I'm sorry, {name}.", "") == "I'm sorry."
    assert render_utterance("Hello {name}!", "Bo") == "Hello Bo!"
