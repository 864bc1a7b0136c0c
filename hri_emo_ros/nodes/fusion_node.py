# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Fusion node: per-person ModalityFeatures in, gated cross-modal FusedSequence out.

Fusion is driven by the data: when features arrive, every person whose last fusion is at
least 1/rate seconds old (in stamp time) is fused, all of them in one batched forward pass.
Time is the newest stamp received, so a bag replayed at any speed gives the same result.
The rules live in fusion/scheduler.py (shared with `hri-emo analyze`).
"""

from __future__ import annotations

import time

import torch

from hri_emo_msgs.msg import FusedSequence, ModalityFeatures
from hri_emo_ros.common.device import DEVICE_CHOICES
from hri_emo_ros.common.model_files import default_model_path
from hri_emo_ros.fusion.records import FusedSequenceData
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.scheduler import FusionSchedule, FusionScheduler
from hri_emo_ros.nodes.conversions import (
    float32_array,
    matrix_message,
    steps_from_message,
    to_time,
    to_times,
)
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for

DEFAULTS = FusionSchedule()


def fused_message(record: FusedSequenceData) -> FusedSequence:
    msg = FusedSequence(person_id=record.person_id, model_id=record.model_id,
                        steps=record.steps, width=record.width,
                        fused=float32_array(record.fused),
                        step_labels=list(record.step_labels),
                        modalities=list(record.modalities),
                        present=[bool(p) for p in record.present],
                        gate_mean=float32_array(record.gate_mean),
                        gate_per_dim=float32_array(record.gate_per_dim),
                        modality_quality=float32_array(record.modality_quality),
                        alignments=[matrix_message(m) for m in record.alignments])
    msg.header.stamp = to_time(record.stamp)
    msg.step_times = to_times(record.step_times)
    return msg


class FusionNode(ManagedNode):
    PARAMS = (
        ParamSpec("features_topics", ["/hri_emo/features/video", "/hri_emo/features/audio",
                                      "/hri_emo/features/text"],
                  "hri_emo_msgs/ModalityFeatures inputs."),
        ParamSpec("fused_topic", "/hri_emo/fused", "Output hri_emo_msgs/FusedSequence."),
        ParamSpec("checkpoint", "", "Fusion checkpoint ('' = the shipped fusion_bootstrap.pt)."),
        ParamSpec("device", "auto", "Torch device.", choices=DEVICE_CHOICES),
        ParamSpec("torch_threads", 1,
                  "CPU threads for torch in this process (0 leaves torch's default); one "
                  "thread keeps latency tails short on a busy CPU.", range=(0, 64)),
        ParamSpec("onnxruntime", True,
                  "On CPU, run the fusion pass as an ONNX export of the loaded checkpoint in "
                  "onnxruntime (same outputs, about 1 ms less per pass); false: eager torch."),
        ParamSpec("rate", DEFAULTS.rate, "Fusions per second per person (stamp time).",
                  range=(0.5, 100.0)),
        ParamSpec("window", DEFAULTS.window, "Seconds of audio/video features fused.",
                  range=(0.2, 30.0)),
        ParamSpec("stale_after", DEFAULTS.stale_after,
                  "Audio/video older than this is left out [s].", range=(0.1, 30.0)),
        ParamSpec("text_window", DEFAULTS.text_window,
                  "Seconds of words fused and kept fresh.", range=(0.5, 120.0)),
        ParamSpec("anonymous_to_single_face", DEFAULTS.anonymous_to_single_face,
                  "Attribute voice/text without a person id to the only visible face."),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_fusion", **kwargs)
        self.runtime: FusionRuntime | None = None
        self.scheduler: FusionScheduler | None = None

    def configure(self) -> str | None:
        if self.param("torch_threads") > 0:
            torch.set_num_threads(self.param("torch_threads"))
        try:
            path = self.param("checkpoint") or default_model_path("fusion_bootstrap.pt")
            self.runtime = FusionRuntime.from_checkpoint(path, self.param("device"),
                                                         cpu_onnx=self.param("onnxruntime"))
            self.runtime.export()  # now rather than on the first frame
        except (FileNotFoundError, ValueError, RuntimeError, KeyError) as err:
            return f"could not load the fusion checkpoint: {err}"
        self.device_name = str(self.runtime.device)
        self.scheduler = FusionScheduler(FusionSchedule(
            rate=self.param("rate"), window=self.param("window"),
            stale_after=self.param("stale_after"), text_window=self.param("text_window"),
            anonymous_to_single_face=self.param("anonymous_to_single_face")),
            self.runtime.max_steps)
        self.fused_pub = self.create_lifecycle_publisher(
            FusedSequence, self.param("fused_topic"), 10)
        return None

    def activate(self) -> None:
        for topic in self.param("features_topics"):
            self.subscribe(ModalityFeatures, topic, self.on_features, 50, "features")

    def on_features(self, msg: ModalityFeatures) -> None:
        self.scheduler.add(steps_from_message(msg))
        self.fuse_due()

    def fuse_due(self) -> None:
        windows, refusals = self.scheduler.due()
        for error in refusals:  # nothing fresh for this person: no output
            self.health.noted("fusion", error.reason)
        if not windows:
            return
        started = time.perf_counter()
        records = self.runtime.fuse(windows)
        self.health.latency("fusion.forward", time.perf_counter() - started)
        for record in records:
            self.scheduler.fused(record.person_id)
            self.fused_pub.publish(fused_message(record))

    def diagnostic_values(self) -> dict[str, str]:
        values = {"persons": str(len(self.scheduler.sync.persons())) if self.scheduler else "0"}
        if self.runtime is not None:
            values["backend"] = "onnxruntime" if self.runtime.use_onnx else "torch"
            if self.runtime.onnx_error:
                values["onnx_error"] = self.runtime.onnx_error
        return values


main = main_for(FusionNode)
