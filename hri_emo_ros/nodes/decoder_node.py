# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Decoder node: FusedSequence in, EmotionState and Explanation out (and ROS4HRI Expression).

Several decoder nodes (e.g. with another label set) can listen to one fusion node; each
refuses fused sequences from an encoder other than the one it was trained with.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from hri_emo_msgs.msg import EmotionState, Explanation, FusedSequence
from hri_emo_ros.common.device import DEVICE_CHOICES, resolve_device
from hri_emo_ros.common.model_files import default_model_path
from hri_emo_ros.fusion.checkpoint import load_checkpoint
from hri_emo_ros.fusion.explanation_schedule import ExplanationSchedule
from hri_emo_ros.fusion.records import (
    EmotionStateData,
    ExplanationData,
    FusedSequenceData,
    modality_of_label,
)
from hri_emo_ros.fusion.runtime import DecoderRuntime
from hri_emo_ros.nodes.background_work import BackgroundWork
from hri_emo_ros.nodes.conversions import (
    InvalidMessage,
    float32_array,
    matrix_from_message,
    matrix_message,
    to_seconds,
    to_time,
)
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for

try:  # ROS4HRI, when installed
    from hri_msgs.msg import Expression
except ImportError:
    Expression = None

# Our emotion names -> ROS4HRI hri_msgs/Expression constants.
ROS4HRI_EXPRESSIONS = {"neutral": "neutral", "happy": "happy", "sad": "sad", "angry": "angry",
                       "fearful": "scared", "disgusted": "disgusted", "surprised": "surprised"}


def fused_from_message(msg: FusedSequence) -> FusedSequenceData:
    n_mod, width = len(msg.modalities), msg.width
    fused = np.asarray(msg.fused, dtype=np.float32)
    gate = np.asarray(msg.gate_per_dim, dtype=np.float32)
    if fused.size != msg.steps * width or gate.size != n_mod * width:
        raise InvalidMessage("size_mismatch", f"fused sequence of {msg.person_id!r}: "
                             f"{fused.size} values for {msg.steps}x{width}, gate {gate.size}")
    if len(msg.step_times) != msg.steps or len(msg.step_labels) != msg.steps:
        raise InvalidMessage("size_mismatch", "step_times and step_labels need one per step")
    if not (len(msg.present) == len(msg.gate_mean) == len(msg.modality_quality) == n_mod):
        raise InvalidMessage("size_mismatch", "present/gate_mean/modality_quality per modality")
    modalities = list(msg.modalities)
    return FusedSequenceData(
        msg.person_id, to_seconds(msg.header.stamp), msg.model_id,
        fused.reshape(msg.steps, width), np.array([to_seconds(t) for t in msg.step_times]),
        list(msg.step_labels), [modality_of_label(lab, modalities) for lab in msg.step_labels],
        modalities, list(msg.present), np.asarray(msg.gate_mean, dtype=np.float32),
        gate.reshape(n_mod, width), np.asarray(msg.modality_quality, dtype=np.float32),
        [matrix_from_message(m) for m in msg.alignments])


def emotion_message(state: EmotionStateData) -> EmotionState:
    msg = EmotionState(person_id=state.person_id, labels=list(state.labels),
                       scores=float32_array(state.scores), dominant=state.dominant,
                       valence=float(state.valence), arousal=float(state.arousal),
                       confidence=float(state.confidence), modalities=list(state.modalities),
                       modality_weights=float32_array(state.modality_weights),
                       model_id=state.model_id)
    msg.header.stamp = to_time(state.stamp)
    return msg


def explanation_message(data: ExplanationData) -> Explanation:
    msg = Explanation(person_id=data.person_id, modalities=list(data.modalities),
                      gate_mean=float32_array(data.gate_mean),
                      gate_per_dim=matrix_message(data.gate_per_dim),
                      alignments=[matrix_message(m) for m in data.alignments],
                      attribution=matrix_message(data.attribution),
                      attribution_method=data.attribution_method,
                      top_words=list(data.top_words), summary=data.summary)
    msg.header.stamp = to_time(data.stamp)
    return msg


class DecoderNode(ManagedNode):
    PARAMS = (
        ParamSpec("fused_topic", "/hri_emo/fused", "hri_emo_msgs/FusedSequence input."),
        ParamSpec("emotion_topic", "/hri_emo/emotion", "Output hri_emo_msgs/EmotionState."),
        ParamSpec("explanation_topic", "/hri_emo/explanation",
                  "Output hri_emo_msgs/Explanation."),
        ParamSpec("explain", True, "Compute explanations (gradient x input attribution)."),
        ParamSpec("explain_period", 0.5,
                  "Seconds between explanations of one person; a change of dominant emotion "
                  "is explained at once (0: explain every EmotionState).",
                  range=(0.0, 3600.0)),
        ParamSpec("explain_in_background", True,
                  "Compute explanations on a worker thread, after the EmotionState is out, "
                  "so that the attribution's backward pass (about 10 ms on one core) does "
                  "not hold up nodes sharing this process; explanations still come out in "
                  "order. The bag replay turns it off to stay deterministic."),
        ParamSpec("checkpoint", "", "Fusion checkpoint ('' = the shipped fusion_bootstrap.pt)."),
        ParamSpec("decoder", "emotion", "Which decoder of the checkpoint to run."),
        ParamSpec("device", "auto", "Torch device.", choices=DEVICE_CHOICES),
        ParamSpec("torch_threads", 1,
                  "CPU threads for torch in this process (0 leaves torch's default); one "
                  "thread keeps latency tails short on a busy CPU.", range=(0, 64)),
        ParamSpec("ros4hri_expression", True,
                  "Also publish hri_msgs/Expression on /humans/faces/<id>/expression "
                  "(when hri_msgs is installed)."),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_decoder", **kwargs)
        self.runtime: DecoderRuntime | None = None
        self.explanations: ExplanationSchedule | None = None
        self.expression_pubs: dict[str, object] = {}
        self.work: BackgroundWork | None = None

    def configure(self) -> str | None:
        if self.param("torch_threads") > 0:
            torch.set_num_threads(self.param("torch_threads"))
        try:
            path = self.param("checkpoint") or default_model_path("fusion_bootstrap.pt")
            models = load_checkpoint(path)
            name = self.param("decoder")
            if name not in models.decoders:
                return f"checkpoint has no decoder {name!r} (it has {sorted(models.decoders)})"
            device = resolve_device(self.param("device"))
            self.runtime = DecoderRuntime(models.decoders[name], models.decoder_ids[name],
                                          models.encoder_id, device)
        except (FileNotFoundError, ValueError, RuntimeError, KeyError) as err:
            return f"could not load the decoder: {err}"
        self.device_name = str(device)
        self.explanations = ExplanationSchedule()
        self.emotion_pub = self.create_lifecycle_publisher(
            EmotionState, self.param("emotion_topic"), 10)
        self.explanation_pub = self.create_lifecycle_publisher(
            Explanation, self.param("explanation_topic"), 10)
        if self.work is None:
            self.work = BackgroundWork(self, inline=not self.param("explain_in_background"))
        return None

    def shutdown_cleanly(self) -> None:
        if self.work is not None:
            self.work.close()
            self.work = None

    def activate(self) -> None:
        self.subscribe(FusedSequence, self.param("fused_topic"), self.on_fused, 20, "fused")

    def on_fused(self, msg: FusedSequence) -> None:
        started = time.perf_counter()
        fused = fused_from_message(msg)
        (state,), explain = self.runtime.decode_staged([fused])
        self.emotion_pub.publish(emotion_message(state))
        self.publish_ros4hri(state)
        self.health.latency("decoder.decode", time.perf_counter() - started)
        if self.param("explain") and self.explanations.due(
                state.person_id, state.stamp, state.dominant, self.param("explain_period")):
            self.work.submit("fused", explain,
                                   lambda done: self.publish_explanations(done, started))

    def publish_explanations(self, explanations: list[ExplanationData], started: float) -> None:
        for explanation in explanations:
            self.explanation_pub.publish(explanation_message(explanation))
        self.health.latency("decoder.explain", time.perf_counter() - started)

    def publish_ros4hri(self, state: EmotionStateData) -> None:
        if Expression is None or not self.param("ros4hri_expression") or (
                state.person_id == "anonymous"):
            return
        publisher = self.expression_pubs.get(state.person_id)
        if publisher is None:
            publisher = self.create_publisher(
                Expression, f"/humans/faces/{state.person_id}/expression", 10)
            self.expression_pubs[state.person_id] = publisher
        msg = Expression(expression=ROS4HRI_EXPRESSIONS.get(state.dominant, state.dominant),
                         valence=float(state.valence), arousal=float(state.arousal),
                         confidence=float(state.confidence))
        msg.header.stamp = to_time(state.stamp)
        publisher.publish(msg)


main = main_for(DecoderNode)
