# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Hierarchy node: each person's EmotionState in, three-time-scale AffectiveState out."""

from __future__ import annotations

import os
import time

from hri_emo_msgs.msg import AffectiveEvent, AffectiveState, EmotionState, LevelState
from hri_emo_msgs.srv import GetPersonState, ResetPerson
from hri_emo_ros.hierarchy.observation import EmotionObservation
from hri_emo_ros.hierarchy.results import AffectiveStateResult
from hri_emo_ros.hierarchy.tracker import HierarchyTracker
from hri_emo_ros.nodes.conversions import to_seconds, to_time
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for


def affective_state_message(result: AffectiveStateResult, frame_id: str = "") -> AffectiveState:
    msg = AffectiveState(person_id=result.person_id,
                         total_free_energy=float(result.total_free_energy),
                         valence_trend=float(result.valence_trend),
                         engagement=float(result.engagement))
    msg.header.stamp = to_time(result.stamp)
    msg.header.frame_id = frame_id
    msg.levels = [LevelState(
        name=level.name, time_scale=float(level.time_scale), valence=float(level.valence),
        arousal=float(level.arousal), prediction_error=float(level.prediction_error),
        precision=float(level.precision), free_energy=float(level.free_energy),
        surprise=float(level.surprise)) for level in result.levels]
    msg.events = [AffectiveEvent(type=event.type, emotion=event.emotion,
                                 onset=to_time(event.onset), duration=float(event.duration),
                                 magnitude=float(event.magnitude)) for event in result.events]
    return msg


class HierarchyNode(ManagedNode):
    PARAMS = (
        ParamSpec("emotion_topic", "/hri_emo/emotion", "hri_emo_msgs/EmotionState input."),
        ParamSpec("affective_state_topic", "/hri_emo/affective_state",
                  "Output hri_emo_msgs/AffectiveState."),
        ParamSpec("state_directory", "~/.ros/hri_emo/hierarchy",
                  "Where per-person pattern state and learned parameters are kept "
                  "('' keeps nothing on disk)."),
        ParamSpec("persist_interval", 60.0, "Seconds between saves of a person's state.",
                  range=(1.0, 86400.0)),
        ParamSpec("retention_days", 30.0,
                  "People not seen for this many days are deleted (0 keeps them).",
                  range=(0.0, 3650.0)),
        ParamSpec("learning", True, "Learn the JEPA predictors online (slowly, guarded)."),
        ParamSpec("micro_threshold_sigma", 4.0,
                  "Precision-weighted error that opens a micro event [sigma].",
                  range=(1.5, 20.0)),
        ParamSpec("max_persons", 64, "People tracked at once (least recent set aside).",
                  range=(1, 10000)),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_hierarchy", **kwargs)
        self.tracker: HierarchyTracker | None = None

    def configure(self) -> str | None:
        directory = self.param("state_directory")
        config = {
            "learning": {"enabled": self.param("learning")},
            "events": {"micro_threshold_sigma": self.param("micro_threshold_sigma"),
                       "micro_release_sigma": min(2.0, self.param("micro_threshold_sigma") / 2)},
            "persistence": {"directory": os.path.expanduser(directory) if directory else None,
                            "interval_s": self.param("persist_interval"),
                            "retention_days": self.param("retention_days")},
            "max_persons": self.param("max_persons"),
        }
        try:
            self.tracker = HierarchyTracker(config)
        except (ValueError, OSError) as err:
            return f"could not start the hierarchy: {err}"
        for issue in self.tracker.drain_issues():
            self.get_logger().warning(issue)
        self.state_pub = self.create_lifecycle_publisher(
            AffectiveState, self.param("affective_state_topic"), 10)
        self.create_service(ResetPerson, "~/reset_person", self.on_reset)
        self.create_service(GetPersonState, "~/get_person_state", self.on_get_state)
        return None

    def activate(self) -> None:
        self.subscribe(EmotionState, self.param("emotion_topic"), self.on_emotion, 50, "emotion")

    def shutdown_cleanly(self) -> None:
        if self.tracker is not None:
            self.tracker.close()

    def on_emotion(self, msg: EmotionState) -> None:
        started = time.perf_counter()
        observation = EmotionObservation(
            person_id=msg.person_id, stamp=to_seconds(msg.header.stamp),
            labels=tuple(msg.labels), scores=tuple(float(s) for s in msg.scores),
            valence=float(msg.valence), arousal=float(msg.arousal),
            confidence=float(msg.confidence))
        now = self.get_clock().now().nanoseconds * 1e-9
        result = self.tracker.update(observation, now=now)
        for issue in self.tracker.drain_issues():
            self.get_logger().warning(issue)
        if result is None:  # dropped for its stamp (duplicate, late, clock jump): counted
            self.health.noted("emotion", "stamp_rejected")
            return
        self.state_pub.publish(affective_state_message(result, msg.header.frame_id))
        self.health.latency("hierarchy.update", time.perf_counter() - started)

    def on_reset(self, request: ResetPerson.Request, response: ResetPerson.Response):
        targets = (self.tracker.tracked_ids() if request.person_id == "*"
                   else [request.person_id])
        try:
            erased = [pid for pid in targets if self.tracker.erase(pid)]
        except ValueError as err:
            response.success, response.message = False, str(err)
            return response
        response.success = bool(erased) or request.person_id == "*"
        response.message = (f"erased {len(erased)} person(s): {', '.join(erased)}" if erased
                            else f"no state for {request.person_id!r}")
        return response

    def on_get_state(self, request: GetPersonState.Request, response: GetPersonState.Response):
        try:
            response.state_json = self.tracker.person_state_json(request.person_id)
            response.found = True
        except (KeyError, ValueError):
            response.found = False
        return response

    def diagnostic_values(self) -> dict[str, str]:
        if self.tracker is None:
            return {}
        values = {f"hierarchy.{k}": str(v) for k, v in sorted(self.tracker.counters.items())}
        values.update({f"memory.{k}": str(v) for k, v in self.tracker.memory_report().items()})
        return values


main = main_for(HierarchyNode)
