# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A bag of graph outputs for report tests, written from real message instances.

Three persons on the sample session's clock (t = seconds from its start):
- k3x9q (a face): EmotionState at 5 Hz over 10.0-29.8 s, then leaves; every 5th message
  is dominated by "surprised", the others by "happy"; valence 0.6 (happy) / 0.2.
- anonymous (voice and words, no face): EmotionState at 2 Hz over 0-49.5 s, neutral, happy,
  then sad; the one at 20.0 s holds NaN scores, valence and arousal.
- m2p7z (a face): EmotionState at 5 Hz over 35.0-44.8 s, no modality weights (its gates
  come from its Explanations).
AffectiveStates follow every EmotionState; k3x9q has 3 micro-expressions and a state change.
BehaviorCommands at 1 Hz per person (from planning after 40 s). /hri_emo/fused and
/hri_emo/features/text are topics without messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hri_emo_ros.bags.typestore import hri_typestore
from hri_emo_ros.bags.writer import BagWriter

EMOTIONS = ("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised")
FACE_A, VOICE, FACE_C = "k3x9q", "anonymous", "m2p7z"
A_MICRO = ((14.2, "surprised"), (21.0, "surprised"), (26.4, "happy"))


@dataclass(frozen=True)
class Emotion:
    t: float
    person: str
    dominant: str
    valence: float
    arousal: float
    modalities: tuple[str, ...]
    weights: tuple[float, ...]


def a_messages() -> list[Emotion]:
    out = []
    for i in range(100):
        t = 10.0 + 0.2 * i
        dominant = "surprised" if i % 5 == 4 else "happy"
        video = 0.55 + 0.2 * math.sin(t / 3)
        out.append(Emotion(t, FACE_A, dominant, 0.6 if dominant == "happy" else 0.2, 0.4,
                           ("audio", "text", "video"),
                           (0.3 * (1 - video), 0.7 * (1 - video), video)))
    return out


def voice_messages() -> list[Emotion]:
    out = []
    for i in range(100):
        t = 0.5 * i
        dominant = "neutral" if t < 10 else "happy" if t < 30 else "sad"
        valence = {"neutral": 0.0, "happy": 0.7, "sad": -0.6}[dominant]
        nan = t == 20.0
        out.append(Emotion(t, VOICE, "" if nan else dominant, math.nan if nan else valence,
                           math.nan if nan else 0.1, ("audio", "text"), (0.45, 0.55)))
    return out


def c_messages() -> list[Emotion]:
    return [Emotion(35.0 + 0.2 * i, FACE_C, "neutral", 0.05, -0.1, (), ())
            for i in range(50)]


class OutputBag:
    """Builds the rosbags objects and writes them at their header stamp."""

    def __init__(self, path: Path, origin_ns: int) -> None:
        self.store = hri_typestore()
        self.types = self.store.types
        self.origin_ns = origin_ns
        self.writer = BagWriter(path)

    def time(self, t: float):
        ns = self.origin_ns + round(t * 1e9)
        return self.types["builtin_interfaces/msg/Time"](sec=ns // 10**9, nanosec=ns % 10**9)

    def header(self, t: float):
        return self.types["std_msgs/msg/Header"](stamp=self.time(t), frame_id="")

    def write(self, topic: str, msgtype: str, t: float, msg) -> None:
        self.writer.write(topic, msgtype, self.origin_ns + round(t * 1e9) + 5_000_000, msg)

    def matrix(self, name: str, rows: int, cols: int, data: np.ndarray):
        return self.types["hri_emo_msgs/msg/Matrix"](
            name=name, rows=rows, cols=cols, data=data.astype(np.float32).ravel(),
            row_labels=[], col_labels=[])

    def emotion(self, e: Emotion) -> None:
        base = {"neutral": 0.15, "happy": 0.1, "sad": 0.05, "surprised": 0.1}
        scores = np.array([base.get(n, 0.03) for n in EMOTIONS], dtype=np.float32)
        if e.dominant:
            scores[EMOTIONS.index(e.dominant)] = 0.8
            if e.person == FACE_A:
                scores[EMOTIONS.index("happy")] = max(scores[1], 0.45)
        else:
            scores[:] = np.nan
        msg = self.types["hri_emo_msgs/msg/EmotionState"](
            header=self.header(e.t), person_id=e.person, labels=list(EMOTIONS), scores=scores,
            dominant=e.dominant, valence=e.valence, arousal=e.arousal,
            confidence=0.7 if e.dominant else math.nan, modalities=list(e.modalities),
            modality_weights=np.array(e.weights, dtype=np.float32), model_id="test/1")
        self.write("/hri_emo/emotion", "hri_emo_msgs/msg/EmotionState", e.t, msg)

    def explanation(self, e: Emotion) -> None:
        modalities = list(e.modalities) or ["audio", "video"]
        gates = np.array(e.weights or (0.2 + 0.1 * math.cos(e.t), 0.8 - 0.1 * math.cos(e.t)),
                         dtype=np.float32)
        msg = self.types["hri_emo_msgs/msg/Explanation"](
            header=self.header(e.t), person_id=e.person, modalities=modalities,
            gate_mean=gates, gate_per_dim=self.matrix("gates", len(modalities), 2,
                                                      np.repeat(gates, 2)),
            alignments=[], attribution=self.matrix("attribution", 0, 0, np.zeros(0)),
            attribution_method="gradient_x_input", top_words=["great"] if e.dominant else [],
            summary=f"{e.dominant or 'unknown'} 0.80 — mostly {modalities[-1]} "
                    f"({float(gates[-1]):.2f}) at {e.t:.1f} s")
        self.write("/hri_emo/explanation", "hri_emo_msgs/msg/Explanation", e.t, msg)

    def affect(self, e: Emotion, events: list) -> None:
        level = self.types["hri_emo_msgs/msg/LevelState"]
        decay = -10.0 + 3.0 * math.exp(-(e.t % 10.0))
        energies = (decay, decay - 1.5, 2.2 if e.t < 20 else -7.9)
        if e.person == VOICE and e.t == 20.0:
            energies = (math.nan, energies[1], energies[2])
        levels = [level(name=n, time_scale=s, valence=e.valence, arousal=e.arousal,
                        prediction_error=0.3, precision=2.0, free_energy=f, surprise=1.0)
                  for n, s, f in zip(("micro", "state", "pattern"), (0.5, 10.0, 600.0),
                                     energies)]
        msg = self.types["hri_emo_msgs/msg/AffectiveState"](
            header=self.header(e.t), person_id=e.person, levels=levels,
            total_free_energy=float(np.nansum(energies)), events=events,
            valence_trend=0.0, engagement=0.8)
        self.write("/hri_emo/affective_state", "hri_emo_msgs/msg/AffectiveState", e.t, msg)

    def event(self, kind: str, emotion: str, onset: float):
        return self.types["hri_emo_msgs/msg/AffectiveEvent"](
            type=kind, emotion=emotion, onset=self.time(onset), duration=0.2, magnitude=5.0)

    def behavior(self, t: float, person: str, action: str, rationale: str) -> None:
        msg = self.types["hri_emo_msgs/msg/BehaviorCommand"](
            header=self.header(t), person_id=person, action=action, intensity=0.3 + 0.02 * t,
            utterance="" if action == "idle" else f"({action})", gesture="", expression="",
            candidate_actions=["idle", action], probabilities=np.array([0.2, 0.8], np.float32),
            extrinsic_reward=0.1, intrinsic_reward=0.05, from_planning=t > 40,
            rationale=rationale)
        self.write("/hri_emo/behavior", "hri_emo_msgs/msg/BehaviorCommand", t, msg)

    def tracked(self, t: float, ids: list[str]) -> None:
        msg = self.types["hri_emo_msgs/msg/IdsList"](header=self.header(t), ids=ids)
        self.write("/hri_emo/faces/tracked", "hri_emo_msgs/msg/IdsList", t, msg)

    def diagnostics(self, t: float) -> None:
        status = self.types["diagnostic_msgs/msg/DiagnosticStatus"](
            level=0, name="hri_emo_face", message="ok", hardware_id="", values=[])
        msg = self.types["diagnostic_msgs/msg/DiagnosticArray"](header=self.header(t),
                                                                 status=[status])
        self.write("/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", t, msg)

    def empty_topic(self, topic: str, msgtype: str) -> None:
        self.writer._connection(topic, msgtype)  # a recorded topic that got no message

    def close(self) -> None:
        self.writer.close()


def write_output_bag(path: Path, origin_ns: int) -> None:
    bag = OutputBag(path, origin_ns)
    micro = {round(t, 1): emotion for t, emotion in A_MICRO}
    for e in a_messages() + voice_messages() + c_messages():
        bag.emotion(e)
        if round(e.t * 10) % 10 == 0:
            bag.explanation(e)
        events = []
        if e.person == FACE_A and round(e.t, 1) in micro:
            events.append(bag.event("micro_expression", micro[round(e.t, 1)], e.t - 0.2))
        if e.person == FACE_A and round(e.t, 1) == 12.0:
            events.append(bag.event("state_change", "happy", 11.0))
        if e.person == VOICE and e.t == 31.0:
            events.append(bag.event("state_change", "sad", 30.5))
        bag.affect(e, events)
    for t in range(10, 30):
        bag.behavior(float(t), FACE_A, "greet" if t < 15 else "mirror_positive",
                     "greet: a new face" if t < 15 else "mirror_positive: valence rose")
    for t in range(0, 50):
        action = "idle" if t < 10 else "ask_open_question" if t < 25 else "empathise"
        bag.behavior(float(t), VOICE, action, f"{action}: rationale at {t} s")
    for t in range(35, 45):
        action = "greet" if t < 42 else "encourage"
        bag.behavior(float(t), FACE_C, action, f"{action}: dreamt it works" if t >= 42
                     else "greet: a new face")
    for i in range(500):
        t = 0.1 * i
        ids = ([FACE_A] if 10 <= t < 30 else []) + ([FACE_C] if 35 <= t < 45 else [])
        bag.tracked(t, ids)
    for t in range(0, 50, 5):
        bag.diagnostics(float(t))
    bag.empty_topic("/hri_emo/fused", "hri_emo_msgs/msg/FusedSequence")
    bag.empty_topic("/hri_emo/features/text", "hri_emo_msgs/msg/ModalityFeatures")
    bag.close()
