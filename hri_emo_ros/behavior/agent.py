# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The behaviour agent: per person, encode the affective state, respect the safety rules,
let the learner choose, and learn from the person's response a window later.

Call pattern of a node: `observe_outcome` on every AffectiveState, `decide` on a timer
(or on every message) and publish the Decision when it is not None; `dream` while nobody
is present or the robot is idle. Nothing here raises on bad observations: a missing,
stale or invalid affective state yields a safe idle Decision with the reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np

from hri_emo_ros.behavior.decision import (
    STATUS_ACTED,
    STATUS_NO_STATE,
    STATUS_NOTHING_ALLOWED,
    Decision,
    Outcome,
    explain,
    output_messages,
    pick_utterance,
)
from hri_emo_ros.behavior.dreaming import DreamReport
from hri_emo_ros.behavior.errors import InvalidInput, RepertoireError
from hri_emo_ros.behavior.learners import (
    AGENT_FORMAT,
    LEARNER_KINDS,
    load_learner,
    make_learner,
    person_states,
)
from hri_emo_ros.behavior.observation import AffectiveObservation, validate_observation
from hri_emo_ros.behavior.policy import Learner
from hri_emo_ros.behavior.repertoire import Repertoire, parse_repertoire
from hri_emo_ros.behavior.reward import RewardConfig, extrinsic_reward
from hri_emo_ros.behavior.safety import RateLimiter, UsageLog, allowed_actions
from hri_emo_ros.behavior.sessions import Pending, Session
from hri_emo_ros.behavior.state_encoding import EncodedState, EncoderConfig, StateEncoder

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentConfig:
    # An affective state older than this is "stale": the agent idles instead of acting.
    stale_after_s: float = 3.0
    # The person's response is read this long after an action; no new action before.
    response_window_s: float = 10.0
    # Responses read later than this multiple of the window are not attributed.
    max_response_delay: float = 3.0
    learner_kind: str = "basal_ganglia"
    # Config object of that learner kind (None: its defaults).
    learner: object | None = None
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    seed: int | None = None


class BehaviorAgent:
    def __init__(self, repertoire: Repertoire, config: AgentConfig | None = None) -> None:
        self.config = config or AgentConfig()
        if self.config.learner_kind not in LEARNER_KINDS:
            raise ValueError(f"unknown learner_kind '{self.config.learner_kind}'; "
                             f"expected one of {', '.join(LEARNER_KINDS)}")
        self.encoder = StateEncoder(self.config.encoder)
        self.rng = np.random.default_rng(self.config.seed)
        self._learners: dict[str, Learner] = {}
        self._sessions: dict[str, Session] = {}
        self.repertoire = repertoire
        self.rate_limiter = RateLimiter(repertoire.max_actions_per_window,
                                        repertoire.rate_window_s)

    # ------------------------------------------------------------------ deciding
    def decide(self, person_id: str, affective_obs: AffectiveObservation | None, now: float,
               name: str = "") -> Decision | None:
        """A new decision for this person, or None while awaiting the response to the last."""
        session = self._session(person_id, now)
        problem = self._problem(person_id, affective_obs, now)
        if problem is not None:
            session.pending = None
            if session.last_status == STATUS_NO_STATE and \
                    now - session.last_decision_time < self.config.response_window_s:
                return None
            return self._safe_idle(person_id, session, now, problem)
        state = self._observe(session, affective_obs)
        self._close(person_id, session, state, now)
        if session.pending is not None:
            return None
        return self._choose(person_id, session, state, now, name)

    def observe_outcome(self, person_id: str, affective_obs: AffectiveObservation | None,
                        now: float) -> Outcome | None:
        """Record an affective state; when an action's response window is over, learn from it."""
        session = self._session(person_id, now)
        if self._problem(person_id, affective_obs, now) is not None:
            return None
        return self._close(person_id, session, self._observe(session, affective_obs), now)

    def _problem(self, person_id: str, obs: AffectiveObservation | None, now: float
                 ) -> str | None:
        if obs is None:
            return "no affective state received"
        try:
            validate_observation(obs)
        except InvalidInput as exc:
            return f"invalid affective state ({exc.reason}: {exc})"
        if obs.person_id != person_id:
            return f"affective state is for '{obs.person_id}', not '{person_id}'"
        age = now - obs.stamp
        if age > self.config.stale_after_s:
            return f"affective state is stale ({age:.1f} s old)"
        return None

    def _observe(self, session: Session, obs: AffectiveObservation) -> EncodedState:
        session.history.add(obs, self.encoder.config)
        return self.encoder.encode(obs, session.history)

    def _close(self, person_id: str, session: Session, state: EncodedState, now: float
               ) -> Outcome | None:
        pending = session.pending
        window = self.config.response_window_s
        if pending is None or now - pending.time < window:
            return None
        session.pending = None
        if now - pending.time > window * self.config.max_response_delay:
            return None
        reward = extrinsic_reward(pending.state, state, self.config.reward)
        report = self._learner(person_id).learn(pending.state.index, pending.action, reward,
                                                state.index)
        session.last_reward = reward
        name = self.repertoire.names[pending.action]
        return Outcome(person_id, name, reward, report.intrinsic_reward, report.rpe,
                       pending.state, state)

    def _choose(self, person_id: str, session: Session, state: EncodedState, now: float,
                name: str) -> Decision:
        rep = self.repertoire
        mask, reasons = allowed_actions(rep, state, session.usage, now)
        if not self.rate_limiter.allows(now):
            for index, action in enumerate(rep.actions):
                if action.is_expressive and mask[index]:
                    mask[index] = False
                    reasons[action.name] = "robot-wide rate limit reached"
        learner = self._learner(person_id)
        intrinsic = learner.intrinsic_reward(state.index)
        if mask.any():
            choice = learner.choose(state.index, mask,
                                    session.usage.seconds_since_use(rep.names, now), self.rng)
            index, status = choice.action, STATUS_ACTED
            candidates = tuple(np.flatnonzero(mask))
            probabilities = tuple(float(choice.probabilities[i]) for i in candidates)
            rationale = explain(rep.names[index], state, choice.value, choice.experience,
                                choice.from_planning, float(choice.probabilities[index]))
            from_planning = choice.from_planning
        else:
            index, status = rep.names.index(rep.idle_action), STATUS_NOTHING_ALLOWED
            candidates, probabilities, from_planning = (index,), (1.0,), False
            rationale = f"{rep.idle_action}: no action allowed now ({_reasons(reasons)})"
        action = rep.actions[index]
        if action.is_expressive:
            self.rate_limiter.record(now)
        session.usage.record(action.name, now)
        session.pending = Pending(state, index, now)
        utterance = pick_utterance(action.utterances, session.last_template, action.name, name,
                                   self.rng)
        return self._remember(session, Decision(
            person_id, now, action.name, action.intensity, utterance, action.gesture,
            action.expression, tuple(rep.names[i] for i in candidates), probabilities,
            session.last_reward, intrinsic, from_planning, rationale, status,
            output_messages(rep, action, utterance), state))

    def _safe_idle(self, person_id: str, session: Session, now: float, reason: str) -> Decision:
        idle = self.repertoire.action(self.repertoire.idle_action)
        return self._remember(session, Decision(
            person_id, now, idle.name, idle.intensity, "", "", "", (idle.name,), (1.0,), 0.0,
            0.0, False, f"{idle.name}: {reason}", STATUS_NO_STATE,
            output_messages(self.repertoire, replace(idle, gesture="", expression=""), "")))

    @staticmethod
    def _remember(session: Session, decision: Decision) -> Decision:
        session.last_status = decision.status
        session.last_decision_time = decision.stamp
        return decision

    # ------------------------------------------------------------------ learners, dreaming
    def _learner(self, person_id: str) -> Learner:
        if person_id not in self._learners:
            self._learners[person_id] = make_learner(
                self.config.learner_kind, self.encoder.n_states, self.repertoire.names,
                self.config.learner)
        return self._learners[person_id]

    def _session(self, person_id: str, now: float) -> Session:
        session = self._sessions.get(person_id)
        if session is None or now - session.last_seen > self.repertoire.session_gap_s:
            usage = session.usage if session is not None else UsageLog()
            usage.new_session()
            session = Session(usage=usage)
            self._sessions[person_id] = session
        session.last_seen = max(session.last_seen, now)
        return session

    def dream(self, budget: int, person_ids: list[str] | None = None) -> DreamReport:
        """Spend up to `budget` imagined updates, shared evenly among the given persons."""
        ids = [p for p in (person_ids if person_ids is not None else self._learners)
               if p in self._learners]
        total = DreamReport()
        for position, person_id in enumerate(ids):
            share = (budget - total.updates) // (len(ids) - position)
            report = self._learners[person_id].dream(share, self.rng)
            weighted = total.mean_abs_rpe * total.updates + report.mean_abs_rpe * report.updates
            total.updates += report.updates
            total.rollouts += report.rollouts
            total.mean_abs_rpe = weighted / max(total.updates, 1)
        return total

    def set_learner(self, person_id: str, learner: Learner) -> None:
        """Install a ready learner for one person (benchmarks, transfer from another agent)."""
        self._learners[person_id] = learner

    def person_ids(self) -> list[str]:
        return sorted(self._learners)

    def prune_sessions(self, now: float) -> list[str]:
        """Forget the runtime state (history, pending action) of persons not seen lately."""
        gone = [p for p, s in self._sessions.items()
                if now - s.last_seen > self.repertoire.session_gap_s]
        for person_id in gone:
            del self._sessions[person_id]
        return gone

    # ------------------------------------------------------------------ repertoire, reset
    def set_repertoire(self, repertoire: Repertoire) -> None:
        """Swap the repertoire; learned values are kept per action name."""
        for learner in self._learners.values():
            learner.remap_actions(repertoire.names)
        for session in self._sessions.values():
            session.pending = None
        self.repertoire = repertoire
        self.rate_limiter = RateLimiter(repertoire.max_actions_per_window,
                                        repertoire.rate_window_s)

    def set_repertoire_from_yaml(self, text: str) -> tuple[bool, str]:
        """The SetRepertoire service: (success, message naming line and field on failure)."""
        try:
            repertoire = parse_repertoire(text, source="SetRepertoire.yaml")
        except RepertoireError as exc:
            return False, str(exc)
        self.set_repertoire(repertoire)
        return True, f"loaded {repertoire.summary()}"

    def reset(self, person_id: str) -> list[str]:
        """Forget the learned values of one person, or of everyone with '*'."""
        ids = list(self._learners) if person_id == "*" else [person_id]
        for pid in ids:
            self._learners.pop(pid, None)
        return ids

    # ------------------------------------------------------------------ persistence
    def person_state_dict(self, person_id: str) -> dict:
        return {"kind": self.config.learner_kind,
                "learner": self._learner(person_id).to_dict()}

    def load_person_state(self, person_id: str, data: object) -> None:
        """Install a person's learned state; raises CorruptState when it is malformed."""
        self._learners[person_id] = load_learner(
            self.config.learner_kind, data, self.encoder.n_states, self.repertoire.names,
            self.config.learner)

    def restore_person(self, person_id: str, data: object) -> str | None:
        """Like load_person_state, but a corrupt state is reset; returns the warning then."""
        try:
            self.load_person_state(person_id, data)
        except ValueError as exc:
            self.reset(person_id)
            warning = f"learned state of '{person_id}' is corrupt ({exc}); starting afresh"
            LOG.warning(warning)
            return warning
        return None

    def to_state_dict(self) -> dict:
        return {"format": AGENT_FORMAT,
                "persons": {p: self.person_state_dict(p) for p in self._learners}}

    def from_state_dict(self, data: object) -> None:
        """Replace all learned state (raises CorruptState; nothing changes then)."""
        persons = person_states(data)
        learners = {pid: load_learner(self.config.learner_kind, item, self.encoder.n_states,
                                      self.repertoire.names, self.config.learner)
                    for pid, item in persons.items()}
        self._learners = learners


def _reasons(reasons: dict[str, str]) -> str:
    return "; ".join(f"{name}: {why}" for name, why in reasons.items())
