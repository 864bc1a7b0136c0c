# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One benchmark run: a policy meets one simulated person for many encounters.

Every policy runs inside the same BehaviorAgent shell (state encoding, safety rules,
rewards), so only the learner differs. Encounter k of seed s uses the same random stream
for every policy (common random numbers). The score of an encounter is the person's mean
true well-being (valence + 0.5 engagement) after each of the robot's actions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from hri_emo_ros.behavior.agent import AgentConfig, BehaviorAgent
from hri_emo_ros.behavior.decision import Decision
from hri_emo_ros.behavior.dreaming import DreamReport
from hri_emo_ros.behavior.learner import BasalGangliaConfig
from hri_emo_ros.behavior.policy import Choice, LearnReport
from hri_emo_ros.behavior.repertoire import Repertoire
from hri_emo_ros.behavior.simulated_person import SimulatedPerson

PERSON = "simulated"
METHODS = ("agent", "agent_no_dreaming", "agent_no_empowerment", "agent_no_generalisation",
           "q_learning", "random", "oracle", "tabular_oracle")
# Encounters the tabular oracle watches the oracle for (disjoint from the scored ones).
DISTIL_OFFSET = 50_000


@dataclass(frozen=True)
class EpisodeConfig:
    episodes: int = 150
    steps_per_episode: int = 12
    dream_budget: int = 400
    response_window_s: float = 10.0
    distil_episodes: int = 100


class OracleLearner:
    """Knows the person's hidden model and plans with it (the best-achievable reference)."""

    def __init__(self, person: SimulatedPerson, names: tuple[str, ...]) -> None:
        self.person = person
        self.action_names = names

    def choose(self, state: int, allowed: np.ndarray, seconds_since_use: np.ndarray,
               rng: np.random.Generator) -> Choice:
        options = [self.action_names[i] for i in np.flatnonzero(allowed)]
        action = self.action_names.index(self.person.oracle_action(options))
        probabilities = np.zeros(len(self.action_names))
        probabilities[action] = 1.0
        return Choice(action, probabilities, 0.0, 0.0, False)

    def learn(self, state: int, action: int, reward: float, next_state: int) -> LearnReport:
        return LearnReport(0.0, 0.0)

    def intrinsic_reward(self, state: int) -> float:
        return 0.0

    def dream(self, budget: int, rng: np.random.Generator) -> DreamReport:
        return DreamReport()


class TabularOracleLearner(OracleLearner):
    """The oracle's choices distilled onto the agent's discrete states: per state, the
    allowed action the oracle chose most often there. It sees only what the agent sees,
    so it estimates the best return reachable with this state encoding."""

    def __init__(self, votes: np.ndarray, names: tuple[str, ...]) -> None:
        self.votes = votes
        self.action_names = names

    def choose(self, state: int, allowed: np.ndarray, seconds_since_use: np.ndarray,
               rng: np.random.Generator) -> Choice:
        score = np.where(allowed, self.votes[state] + 1e-3 * self.votes.sum(axis=0), -1.0)
        action = int(np.argmax(score))
        probabilities = np.zeros(len(self.action_names))
        probabilities[action] = 1.0
        return Choice(action, probabilities, 0.0, 0.0, False)


def make_agent(method: str, repertoire: Repertoire, seed: int,
               config: EpisodeConfig) -> BehaviorAgent:
    kind = {"q_learning": "q_learning", "random": "random", "oracle": "random",
            "tabular_oracle": "random"}.get(method, "basal_ganglia")
    learner = {"agent_no_empowerment": BasalGangliaConfig(use_empowerment=False),
               "agent_no_generalisation": BasalGangliaConfig(generalise=False)}.get(method)
    return BehaviorAgent(repertoire, AgentConfig(
        response_window_s=config.response_window_s, learner_kind=kind, learner=learner,
        seed=seed))


def run_method(method: str, repertoire: Repertoire, seed: int, config: EpisodeConfig
               ) -> np.ndarray:
    """Per-encounter scores of `method` for the simulated person of `seed`."""
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}'; expected one of {', '.join(METHODS)}")
    person = SimulatedPerson(PERSON, repertoire.names, seed)
    agent = make_agent(method, repertoire, seed * 7919 + METHODS.index(method), config)
    if method in ("oracle", "tabular_oracle"):
        agent.set_learner(PERSON, OracleLearner(person, repertoire.names))
    if method == "tabular_oracle":
        votes = np.zeros((agent.encoder.n_states, len(repertoire.names)))
        watch = replace(config, episodes=config.distil_episodes)
        for decision in play(agent, person, seed, DISTIL_OFFSET, watch):
            votes[decision.state.index, repertoire.names.index(decision.action)] += 1
        agent = make_agent(method, repertoire, seed, config)
        agent.set_learner(PERSON, TabularOracleLearner(votes, repertoire.names))
    dreams = method.startswith("agent") and method != "agent_no_dreaming"
    dream_budget = config.dream_budget if dreams else 0
    scores = np.zeros(config.episodes)
    for _ in play(agent, person, seed, 0, config, scores, dream_budget):
        pass
    return scores


def play(agent: BehaviorAgent, person: SimulatedPerson, seed: int, first_episode: int,
         config: EpisodeConfig, scores: np.ndarray | None = None, dream_budget: int = 0
         ) -> Iterator[Decision]:
    """Run config.episodes encounters; yield every decision, write scores if given."""
    now = 0.0
    for episode in range(config.episodes):
        person.reseed(seed * 100_003 + first_episode + episode)
        now += 3600.0
        obs = person.start_session(now)
        agent.observe_outcome(PERSON, obs, now)
        total = 0.0
        for _ in range(config.steps_per_episode):
            decision = agent.decide(PERSON, obs, now)
            if decision is None:
                raise RuntimeError("agent is still waiting for a response it should have read")
            yield decision
            now += config.response_window_s
            obs = person.respond(decision.action, now)
            total += person.wellbeing()
            agent.observe_outcome(PERSON, obs, now)
        if scores is not None:
            scores[episode] = total / config.steps_per_episode
        if dream_budget:
            agent.dream(dream_budget)
