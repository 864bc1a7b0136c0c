# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Voice node: PCM audio in, audio `ModalityFeatures` for speech and an is-speaking flag out."""

from __future__ import annotations

import time
from dataclasses import dataclass

from std_msgs.msg import Bool

from hri_emo_msgs.msg import AudioFrame, ModalityFeatures
from hri_emo_ros.common.feature_spec import AUDIO_FEATURES
from hri_emo_ros.fusion.perception_steps import voice_steps
from hri_emo_ros.nodes.conversions import features_message, to_seconds
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for
from hri_emo_ros.perception.audio_decode import SAMPLE_FORMATS, AudioFrameDecoder
from hri_emo_ros.perception.voice_pipeline import VoiceConfig, VoicePipeline

try:  # ros-drivers/audio_common, when installed
    from audio_common_msgs.msg import AudioDataStamped
except ImportError:
    AudioDataStamped = None

GAP_RESET_S = 0.5  # a longer hole in the stream (or a jump back) restarts the analysis


@dataclass
class StreamState:
    """Where the incoming stream stands: its format, decoder and expected next stamp."""

    format_key: tuple[int, int, str]
    decoder: AudioFrameDecoder
    next_stamp: float


class VoiceNode(ManagedNode):
    PARAMS = (
        ParamSpec("audio_topic", "/audio/audio", "hri_emo_msgs/AudioFrame input ('' to disable)."),
        ParamSpec("audio_common_topic", "",
                  "audio_common_msgs/AudioDataStamped input, raw PCM (capture node with "
                  "format: wave); '' disables. Needs audio_common_msgs installed."),
        ParamSpec("audio_common_sample_rate", 16000, "Sample rate of the audio_common input.",
                  range=(8000, 192000)),
        ParamSpec("audio_common_channels", 1, "Channels of the audio_common input.",
                  range=(1, 32)),
        ParamSpec("audio_common_format", "S16LE", "Sample format of the audio_common input.",
                  choices=tuple(SAMPLE_FORMATS)),
        ParamSpec("features_topic", "/hri_emo/features/audio",
                  "Output hri_emo_msgs/ModalityFeatures for speech segments."),
        ParamSpec("speaking_topic", "/hri_emo/voice/is_speaking", "Output std_msgs/Bool."),
        ParamSpec("voice_id", "anonymous",
                  "person_id given to the audio features (ROS4HRI voice id)."),
        ParamSpec("speech_threshold", 0.5, "Speech probability that counts as speech.",
                  range=(0.05, 0.95)),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_voice", **kwargs)
        self.pipeline: VoicePipeline | None = None
        self.stream: StreamState | None = None
        self.was_speaking = False

    def configure(self) -> str | None:
        try:
            self.pipeline = VoicePipeline(VoiceConfig(
                speech_threshold=self.param("speech_threshold")))
        except (RuntimeError, ValueError, OSError) as err:
            return f"could not load the voice activity model: {err}"
        self.features_pub = self.create_lifecycle_publisher(
            ModalityFeatures, self.param("features_topic"), 10)
        self.speaking_pub = self.create_lifecycle_publisher(
            Bool, self.param("speaking_topic"), 10)
        return None

    def activate(self) -> None:
        if self.param("audio_topic"):
            self.subscribe(AudioFrame, self.param("audio_topic"), self.on_frame, 50, "audio")
        if self.param("audio_common_topic"):
            if AudioDataStamped is None:
                self.get_logger().error(
                    "audio_common_topic is set but audio_common_msgs is not installed")
            else:
                self.subscribe(AudioDataStamped, self.param("audio_common_topic"),
                               self.on_audio_common, 50, "audio_common")

    def on_frame(self, msg: AudioFrame) -> None:
        self.process(msg.data, msg.sample_rate, msg.channels, msg.sample_format,
                     to_seconds(msg.header.stamp), msg.header.frame_id)

    def on_audio_common(self, msg) -> None:
        self.process(msg.audio.data, self.param("audio_common_sample_rate"),
                     self.param("audio_common_channels"), self.param("audio_common_format"),
                     to_seconds(msg.header.stamp), msg.header.frame_id)

    def process(self, data, sample_rate: int, channels: int, sample_format: str,
                stamp: float, frame_id: str) -> None:
        started = time.perf_counter()
        stream = self.stream
        key = (sample_rate, channels, sample_format)
        continues = stream is not None and stream.format_key == key and (
            stream.next_stamp - GAP_RESET_S <= stamp <= stream.next_stamp + GAP_RESET_S)
        candidate = stream if continues else StreamState(key, AudioFrameDecoder(), stamp)
        decoded = candidate.decoder.decode(data, sample_rate, channels, sample_format, stamp)
        if candidate is not stream:  # new format, a gap or a jump back: restart the analysis
            if stream is not None:
                self.publish(self.pipeline.flush(), frame_id)
            self.pipeline.reset()
            self.stream = candidate
        if decoded.clipped_fraction > 0.01 and self.health.noted("audio", "clipped"):
            self.get_logger().warning(
                f"input audio is clipped ({decoded.clipped_fraction:.1%} of samples)")
        frames = len(data) // (channels * SAMPLE_FORMATS[sample_format][1])
        candidate.next_stamp = stamp + frames / sample_rate
        self.publish(self.pipeline.push(decoded.samples, decoded.stamp), frame_id)
        self.health.latency("voice.frame", time.perf_counter() - started)

    def publish(self, segments, frame_id: str) -> None:
        for segment in segments:
            if segment.steps == 0:
                continue
            steps = voice_steps(segment, self.param("voice_id"))
            self.features_pub.publish(features_message(steps, frame_id, AUDIO_FEATURES))
        if self.pipeline.is_speaking != self.was_speaking or segments:
            self.was_speaking = self.pipeline.is_speaking
            self.speaking_pub.publish(Bool(data=bool(self.pipeline.is_speaking)))


main = main_for(VoiceNode)
