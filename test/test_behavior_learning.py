# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Learning: Go/NoGo with dopamine, empowerment, dreaming, and the whole agent learning a
simulated person's hidden preference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hri_emo_ros.behavior.agent import AgentConfig, BehaviorAgent
from hri_emo_ros.behavior.empowerment import (
    EmpowermentConfig,
    EmpowermentEstimator,
    blahut_arimoto,
    sequence_channel,
)
from hri_emo_ros.behavior.learner import BasalGangliaConfig, BasalGangliaLearner
from hri_emo_ros.behavior.repertoire import parse_repertoire
from hri_emo_ros.behavior.simulated_person import PersonProfile, SimulatedPerson
from hri_emo_ros.behavior.state_encoding import QUADRANTS
from hri_emo_ros.behavior.striatum import Striatum
from hri_emo_ros.behavior.transition_model import TransitionModel


def test_dopamine_bursts_build_go_and_dips_build_nogo():
    striatum = Striatum(3, 2)
    for _ in range(30):
        striatum.learn(0, 0, 1.0, None)
        striatum.learn(0, 1, -1.0, None)
    assert striatum.go[0][0, 0] > 0 and striatum.nogo[0][0, 0] < striatum.go[0][0, 0]
    assert striatum.nogo[0][0, 1] > 0 and striatum.go[0][0, 1] < striatum.nogo[0][0, 1]
    values = striatum.values(0)
    assert values[0] > 0.5 > -0.5 > values[1]
    # The critic learns the state's value under the mix of both actions.
    assert abs(striatum.state_value(0)) < 0.5
    # An untried action in a state where everything pays is "as usual": advantage 0.
    assert striatum.advantages(1).tolist() == [0.0, 0.0]


def test_prediction_error_vanishes_once_reward_is_predicted():
    striatum = Striatum(2, 1)
    errors = [striatum.learn(0, 0, 0.7, None) for _ in range(200)]
    assert errors[0] == pytest.approx(0.7)
    assert abs(errors[-1]) < 1e-3


def test_blahut_arimoto_matches_closed_forms():
    e = 0.1
    binary_symmetric = np.array([[1 - e, e], [e, 1 - e]])
    expected = math.log(2) + e * math.log(e) + (1 - e) * math.log(1 - e)
    assert blahut_arimoto(binary_symmetric, tolerance=1e-9) == pytest.approx(expected, abs=1e-6)
    z_channel = np.array([[1.0, 0.0], [0.5, 0.5]])
    assert blahut_arimoto(z_channel, tolerance=1e-9) == pytest.approx(math.log(1.25), abs=1e-6)
    batch = np.stack([np.eye(4), np.full((4, 4), 0.25)])
    assert blahut_arimoto(batch) == pytest.approx([math.log(4), 0.0], abs=1e-3)


def test_empowerment_is_high_where_actions_control_the_outcome():
    n_states, n_actions = 6, 3
    model = TransitionModel(n_states, n_actions)
    for _ in range(20):
        for action in range(n_actions):
            model.update(0, action, 1 + action, 0.0)       # state 0: each action its own place
            model.update(4, action, 5, 0.0)                # state 4: nothing the robot does matters
            for source in (1, 2, 3, 5):
                model.update(source, action, source, 0.0)
    table = EmpowermentEstimator(EmpowermentConfig(horizon=1)).table(model)
    assert table[0] == pytest.approx(1.0, abs=0.05)
    assert table[4] == pytest.approx(0.0, abs=0.02)
    channel = sequence_channel(model.probabilities(), np.array([0]), 2)
    assert channel.shape == (1, n_actions ** 2, n_states)
    assert np.allclose(channel.sum(axis=2), 1.0)


def test_dreaming_propagates_value_along_a_chain():
    # 0 -> 1 -> 2 -> 3 with a reward only on the last step, each experienced once.
    config = BasalGangliaConfig(use_empowerment=False, generalise=False)
    learner = BasalGangliaLearner(5, ("go", "stay"), config)
    for state in range(3):
        learner.learn(state, 0, 1.0 if state == 2 else 0.0, state + 1)
    before = learner.striatum.values(0)[0]
    report = learner.dream(3000, np.random.default_rng(0))
    after = learner.striatum.values(0)[0]
    assert report.updates == 3000 and report.rollouts > 0
    assert before == pytest.approx(0.0)
    gamma = config.striatum.discount
    assert after == pytest.approx(gamma ** 2, abs=0.05)
    assert learner.dreamed[0, 0] and not learner.dreamed[0, 1]
    only_go = np.array([True, False])
    assert learner.choose(0, only_go, np.full(2, np.inf), np.random.default_rng(0)).from_planning


PREFERENCE_REPERTOIRE = """\
actions:
  - {name: encourage, utterances: ["Well done!"]}
  - {name: joke, utterances: ["Knock knock."]}
  - {name: lecture, utterances: ["Let me explain."]}
  - {name: idle}
"""


def _person_who_loves(action: str, names: tuple[str, ...], seed: int) -> SimulatedPerson:
    effects = np.zeros((len(names), len(QUADRANTS), 3))
    effects[:, :, 0] = -0.03
    effects[names.index(action), :, 0] = 0.12
    effects[names.index("idle")] = 0.0
    profile = PersonProfile((-0.3, -0.3, 0.8), effects, action, "lecture")
    return SimulatedPerson("p", names, seed, profile=profile)


@pytest.mark.parametrize("favourite, seed", [("encourage", 1), ("joke", 2)])
def test_agent_learns_the_hidden_preference(favourite, seed):
    """A sad person who responds well only to one action: after 30 encounters the agent
    picks it most of the time (a random policy: 25 %) and rarely the disliked one."""
    repertoire = parse_repertoire(PREFERENCE_REPERTOIRE)
    person = _person_who_loves(favourite, repertoire.names, seed=seed)
    agent = BehaviorAgent(repertoire, AgentConfig(seed=seed))
    now, early, late = 0.0, [], []
    for episode in range(40):
        now += 3600.0
        obs = person.start_session(now)
        for _ in range(12):
            decision = agent.decide("p", obs, now)
            now += 10.0
            obs = person.respond(decision.action, now)
            agent.observe_outcome("p", obs, now)
            (early if episode < 5 else late if episode >= 30 else []).append(decision.action)
        agent.dream(400)
    share = late.count(favourite) / len(late)
    assert share > 0.55, f"{favourite} chosen {share:.0%} of the time"
    assert share > early.count(favourite) / len(early) + 0.2
    assert max(set(late), key=late.count) == favourite
    assert late.count("lecture") / len(late) < 0.15
