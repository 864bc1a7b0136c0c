# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Text node: transcripts in, per-word text `ModalityFeatures` (labelled with the words) out."""

from __future__ import annotations

import time
from collections.abc import Callable

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
        self.background: BackgroundWork | None = None

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
        if self.param("encode_in_background") and self.background is None:
            self.background = BackgroundWork(self)
        return None

    def shutdown_cleanly(self) -> None:
        if self.background is not None:
            self.background.close()
            self.background = None

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

        self.encode_and_publish("transcript", encode, msg.header.frame_id)

    def on_string(self, msg: String) -> None:
        text, stamp = checked_transport_text(msg.data), self.get_clock().now().nanoseconds * 1e-9

        def encode() -> tuple[TextFeatures, np.ndarray]:
            result = self.pipeline.process(text, "", stamp)
            return result, np.full(len(result.words), stamp)

        self.encode_and_publish("string", encode, "")

    def encode_and_publish(self, stream: str,
                           encode: Callable[[], tuple[TextFeatures, np.ndarray]],
                           frame_id: str) -> None:
        """Run `encode` here or on the worker thread, then publish its features."""
        if self.background is None:
            self.publish(*encode(), frame_id)
        else:
            self.background.submit(stream, encode,
                                   lambda encoded: self.publish(*encoded, frame_id))

    def publish(self, result: TextFeatures, times: np.ndarray, frame_id: str) -> None:
        started = time.perf_counter()
        if result.truncated:
            self.health.noted("text", "truncated")
        steps = text_steps(result, times)
        self.features_pub.publish(features_message(steps, frame_id, TEXT_FEATURES))
        self.health.latency("text.publish", time.perf_counter() - started)


main = main_for(TextNode)
