# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Behaviour agent core (no rclpy): basal-ganglia action selection for social robots.

Node authors need:
    repertoire.load_repertoire(path) / parse_repertoire(text) -> Repertoire
    agent.BehaviorAgent(repertoire, AgentConfig)
        .observe_outcome(person_id, AffectiveObservation | None, now) -> Outcome | None
        .decide(person_id, AffectiveObservation | None, now, name="") -> Decision | None
        .dream(budget) -> DreamReport
        .set_repertoire_from_yaml(text) -> (ok, message)       # SetRepertoire service
        .reset(person_id | "*") -> [person ids]
        .person_state_dict(person_id) / .restore_person(person_id, payload) -> warning | None
    observation.AffectiveObservation, LevelSnapshot, EventSnapshot   # from AffectiveState
    decision.Decision (BehaviorCommand fields + outputs), OutputMessage
The benchmark: python -m hri_emo_ros.behavior.bench (bench.main / bench.run).
"""
