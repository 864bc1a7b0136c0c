# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Behaviour node: AffectiveState in, BehaviorCommand (and optional TTS/face topics) out.

Decisions are taken on a timer (ROS time, so a replayed bag with /clock works); while nobody
has a fresh affective state the agent dreams: model-based rollouts that update its values.
Learned values are persisted per person with the same checksummed, atomic store as the
hierarchy.
"""

from __future__ import annotations

import os

from std_msgs.msg import String

from hri_emo_msgs.msg import AffectiveState, BehaviorCommand
from hri_emo_msgs.srv import ResetPerson, SetRepertoire
from hri_emo_ros.behavior.agent import AgentConfig, BehaviorAgent
from hri_emo_ros.behavior.decision import Decision
from hri_emo_ros.behavior.errors import RepertoireError
from hri_emo_ros.behavior.observation import (
    AffectiveObservation,
    EventSnapshot,
    LevelSnapshot,
)
from hri_emo_ros.behavior.repertoire import load_repertoire
from hri_emo_ros.common.model_files import config_path
from hri_emo_ros.common.state_store import StateStore
from hri_emo_ros.nodes.conversions import to_seconds, to_time
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for


def observation_from_message(msg: AffectiveState) -> AffectiveObservation:
    return AffectiveObservation(
        person_id=msg.person_id, stamp=to_seconds(msg.header.stamp),
        levels=tuple(LevelSnapshot(lv.name, float(lv.valence), float(lv.arousal),
                                   float(lv.precision)) for lv in msg.levels),
        events=tuple(EventSnapshot(ev.type, ev.emotion, to_seconds(ev.onset),
                                   float(ev.duration), float(ev.magnitude))
                     for ev in msg.events),
        valence_trend=float(msg.valence_trend), engagement=float(msg.engagement))


def command_message(decision: Decision) -> BehaviorCommand:
    msg = BehaviorCommand(
        person_id=decision.person_id, action=decision.action,
        intensity=float(decision.intensity), utterance=decision.utterance,
        gesture=decision.gesture, expression=decision.expression,
        candidate_actions=list(decision.candidate_actions),
        probabilities=[float(p) for p in decision.probabilities],
        extrinsic_reward=float(decision.extrinsic_reward),
        intrinsic_reward=float(decision.intrinsic_reward),
        from_planning=bool(decision.from_planning), rationale=decision.rationale)
    msg.header.stamp = to_time(decision.stamp)
    return msg


class BehaviorNode(ManagedNode):
    PARAMS = (
        ParamSpec("affective_state_topic", "/hri_emo/affective_state",
                  "hri_emo_msgs/AffectiveState input."),
        ParamSpec("command_topic", "/hri_emo/behavior", "Output hri_emo_msgs/BehaviorCommand."),
        ParamSpec("repertoire", "", "Behaviour repertoire YAML ('' = the package's "
                  "config/behaviors.yaml)."),
        ParamSpec("decision_period", 1.0, "Seconds between decisions per person.",
                  range=(0.05, 60.0)),
        ParamSpec("dream_budget", 200, "Imagined updates per idle decision period.",
                  range=(0, 100000)),
        ParamSpec("state_directory", "~/.ros/hri_emo/behavior",
                  "Where learned values are kept per person ('' keeps nothing on disk)."),
        ParamSpec("persist_interval", 60.0, "Seconds between saves of learned values.",
                  range=(1.0, 86400.0)),
        ParamSpec("retention_days", 30.0, "Delete people not seen for this many days (0: keep).",
                  range=(0.0, 3650.0)),
        ParamSpec("seed", 0, "Seed of the action sampling (-1: from the OS).",
                  range=(-1, 2**31 - 1)),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_behavior", **kwargs)
        self.agent: BehaviorAgent | None = None
        self.latest: dict[str, AffectiveObservation] = {}
        self.dirty: set[str] = set()
        self.output_pubs: dict[str, object] = {}

    def configure(self) -> str | None:
        path = self.param("repertoire") or str(config_path("behaviors.yaml"))
        try:
            repertoire = load_repertoire(path)
        except (RepertoireError, OSError) as err:
            return f"behaviour repertoire {path}: {err}"
        seed = self.param("seed")
        self.agent = BehaviorAgent(repertoire, AgentConfig(seed=None if seed < 0 else seed))
        directory = self.param("state_directory")
        self.store = (StateStore(os.path.expanduser(directory), self.param("retention_days"))
                      if directory else None)
        if self.store is not None:
            self.store.clean_temporaries()
            self.store.purge_expired()
        self.command_pub = self.create_lifecycle_publisher(
            BehaviorCommand, self.param("command_topic"), 10)
        self.create_service(SetRepertoire, "~/set_repertoire", self.on_set_repertoire)
        self.create_service(ResetPerson, "~/reset_person", self.on_reset)
        return None

    def activate(self) -> None:
        self.subscribe(AffectiveState, self.param("affective_state_topic"), self.on_state, 50,
                       "affective_state")
        self.decision_timer = self.create_timer(self.param("decision_period"), self.decide)
        self.persist_timer = self.create_timer(self.param("persist_interval"), self.persist)

    def on_deactivate(self, state):
        self.destroy_timer(self.decision_timer)
        self.destroy_timer(self.persist_timer)
        return super().on_deactivate(state)

    def shutdown_cleanly(self) -> None:
        if self.agent is not None:
            self.persist()

    def on_state(self, msg: AffectiveState) -> None:
        obs = observation_from_message(msg)
        if obs.person_id not in self.latest:
            self.restore(obs.person_id)
        self.latest[obs.person_id] = obs
        self.agent.observe_outcome(obs.person_id, obs, obs.stamp)
        self.dirty.add(obs.person_id)

    def now(self) -> float:
        """Decision time: the ROS clock, or the newest stamp when that is ahead (bag replay)."""
        clock = self.get_clock().now().nanoseconds * 1e-9
        newest = max((o.stamp for o in self.latest.values()), default=clock)
        return max(clock, newest) if clock > 0 else newest

    def decide(self) -> None:
        now = self.now()
        acted = False
        for person_id, obs in list(self.latest.items()):
            decision = self.agent.decide(person_id, obs, now)
            if decision is None:
                continue
            acted = acted or decision.status == "acted"
            self.command_pub.publish(command_message(decision))
            for output in decision.outputs:
                self.output_publisher(output.topic).publish(String(data=output.data))
        if not acted and self.latest and self.param("dream_budget") > 0:
            report = self.agent.dream(self.param("dream_budget"))
            self.health.noted("dreaming", f"updates_{min(report.updates, 1)}")

    def output_publisher(self, topic: str):
        publisher = self.output_pubs.get(topic)
        if publisher is None:
            publisher = self.output_pubs[topic] = self.create_publisher(String, topic, 10)
        return publisher

    def restore(self, person_id: str) -> None:
        if self.store is None:
            return
        loaded = self.store.load(person_id)
        if loaded.error:
            self.get_logger().warning(f"behaviour state: {loaded.error}; set aside to "
                                      f"{loaded.quarantined_to}, starting afresh")
        if loaded.payload is not None:
            warning = self.agent.restore_person(person_id, loaded.json())
            if warning:
                self.get_logger().warning(warning)

    def persist(self) -> None:
        if self.store is None:
            return
        for person_id in sorted(self.dirty):
            if person_id in self.agent.person_ids():
                self.store.save(person_id, self.agent.person_state_dict(person_id))
        self.dirty.clear()

    def on_set_repertoire(self, request: SetRepertoire.Request,
                          response: SetRepertoire.Response):
        response.success, response.message = self.agent.set_repertoire_from_yaml(request.yaml)
        return response

    def on_reset(self, request: ResetPerson.Request, response: ResetPerson.Response):
        reset = self.agent.reset(request.person_id)
        if self.store is not None and request.person_id == "*":
            self.store.delete_all()
        elif self.store is not None:
            self.store.delete(request.person_id)
        response.success = True
        response.message = f"reset learned values of {len(reset)} person(s)"
        return response


main = main_for(BehaviorNode)
