# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Text node: transcripts in, per-word text `ModalityFeatures` (labelled with the words) out."""

from __future__ import annotations

import time

import numpy as np
import torch
from std_msgs.msg import String

from hri_emo_msgs.msg import ModalityFeatures, Transcript
from hri_emo_ros.common.device import DEVICE_CHOICES
from hri_emo_ros.common.feature_spec import TEXT_FEATURES
from hri_emo_ros.fusion.perception_steps import text_steps, word_times
from hri_emo_ros.nodes.background_work import BackgroundWork
from hri_emo_ros.nodes.conversions import InvalidMessage, features_message, to_seconds
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for
from hri_emo_ros.perception.text_pipeline import TextFeatures, TextPipeline


def checked_transport_text(text: str) -> str:
    """rclpy replaces invalid UTF-8 with U+FFFD; such text was corrupted in transit."""
    if "\ufffd" in text:
        raise InvalidMessage("invalid_utf8",
                             "the text held bytes that are not UTF-8 (decoded as U+FFFD)")
    return text


class TextNode(ManagedNode):
    PARAMS = (
        ParamSpec("transcript_topic", "/speech/transcript",
                  "hri_emo_msgs/Transcript input ('' to disable)."),
        ParamSpec("string_topic", "/speech/text",
                  "std_msgs/String input, speaker unknown ('' to disable)."),
        ParamSpec("features_topic", "/hri_emo/features/text",
                  "Output hri_emo_msgs/ModalityFeatures, one step per word."),
        ParamSpec("final_only", True, "Ignore partial (is_final = false) transcripts."),
        ParamSpec("device", "auto", "Torch device for the text models.", choices=DEVICE_CHOICES),
        ParamSpec("torch_threads", 1,
                  "CPU threads for torch in this process (0 leaves torch's default).",
                  range=(0, 64)),
        ParamSpec("encode_in_background", True,
                  "Encode text on a worker thread, so that the text model (about 25 ms a "
                  "transcript on one core) does not hold up nodes sharing this process; "
                  "features still come out in transcript order. The bag replay turns it off "
                  "to stay deterministic."),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_text", **kwargs)
        self.pipeline: TextPipeline | None = None
        self.work: BackgroundWork | None = None

    def configure(self) -> str | None:
        if self.param("torch_threads") > 0:
            torch.set_num_threads(self.param("torch_threads"))
        try:
            self.pipeline = TextPipeline(device=self.param("device"))
        except (RuntimeError, ValueError, OSError) as err:
            return f"could not load the text models: {err}"
        self.device_name = str(self.pipeline.encoder.device)
        self.features_pub = self.create_lifecycle_publisher(
            ModalityFeatures, self.param("features_topic"), 10)
        if self.work is None:
            self.work = BackgroundWork(self, inline=not self.param("encode_in_background"))
        return None

    def shutdown_cleanly(self) -> None:
        if self.work is not None:
            self.work.close()
            self.work = None

    def activate(self) -> None:
        if self.param("transcript_topic"):
            self.subscribe(Transcript, self.param("transcript_topic"), self.on_transcript, 10,
                           "transcript")
        if self.param("string_topic"):
            self.subscribe(String, self.param("string_topic"), self.on_string, 10, "string")

    def on_transcript(self, msg: Transcript) -> None:
        if self.param("final_only") and not msg.is_final:
            return
        text, stamp = checked_transport_text(msg.text), to_seconds(msg.header.stamp)
        start, end = to_seconds(msg.utterance_start), to_seconds(msg.utterance_end)

        def encode() -> tuple[TextFeatures, np.ndarray]:
            result = self.pipeline.process(text, msg.person_id, stamp, msg.confidence)
            return result, word_times(len(result.words), start, end, stamp)

        self.work.submit("transcript", encode,
                               lambda encoded: self.publish(*encoded, msg.header.frame_id))

    def on_string(self, msg: String) -> None:
        text, stamp = checked_transport_text(msg.data), self.get_clock().now().nanoseconds * 1e-9

        def encode() -> tuple[TextFeatures, np.ndarray]:
            result = self.pipeline.process(text, "", stamp)
            return result, np.full(len(result.words), stamp)

        self.work.submit("string", encode, lambda encoded: self.publish(*encoded, ""))

    def publish(self, result: TextFeatures, times: np.ndarray, frame_id: str) -> None:
        started = time.perf_counter()
        if result.truncated:
            self.health.noted("text", "truncated")
        steps = text_steps(result, times)
        self.features_pub.publish(features_message(steps, frame_id, TEXT_FEATURES))
        self.health.latency("text.publish", time.perf_counter() - started)


main = main_for(TextNode)
