# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The graph benchmark's own node: a real-time player of camera, audio and transcripts, and
a recorder of every output's stamp and receive time.

Camera frames go out at `rate_hz` (JPEG `CompressedImage`, or raw rgb8 `Image`), stamped
with the wall clock at publish. Audio goes out as a microphone driver sends it: one 100 ms
`AudioFrame` when its last sample is due, stamped with the capture time of its first sample
(the AudioFrame convention), on one contiguous sample clock. A final `Transcript` goes out
every `transcript_period_s`, stamped at publish, its utterance span ending 0.3 s earlier (a
recogniser's delay). Stamps are whole microseconds. Outputs are recorded into a
`StreamLog` with the time the middleware received them (rclpy's MessageInfo, Iron and
newer; on Humble the callback's start, which also counts this node's own queueing and can
put two messages that arrived together in the wrong order); this node's subscriptions
to the intermediate topics are extra DDS readers, as any monitoring tool's are. The nodes'
own /diagnostics (callback times, input rates, drops by reason) are kept per node.
"""

from __future__ import annotations

import array
import itertools
import math
import time

from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node
from rclpy.subscription import Subscription
from sensor_msgs.msg import CompressedImage, Image

from hri_emo_msgs.msg import (
    AffectiveState,
    AudioFrame,
    BehaviorCommand,
    EmotionState,
    FusedSequence,
    IdsList,
    ModalityFeatures,
    Transcript,
)
from hri_emo_ros.bags.playback_media import PlaybackMedia
from hri_emo_ros.common.stamp_latency import StreamLog, Utterance

CAMERA_TOPICS = {"compressed": "/camera/image_raw/compressed", "raw": "/camera/image_raw"}
AUDIO_TOPIC = "/audio/audio"
TRANSCRIPT_TOPIC = "/speech/transcript"
TRACKED_TOPIC = "/hri_emo/faces/tracked"
OUTPUTS = {  # stream name -> (topic, type)
    "face_features": ("/hri_emo/features/video", ModalityFeatures),
    "voice_features": ("/hri_emo/features/audio", ModalityFeatures),
    "text_features": ("/hri_emo/features/text", ModalityFeatures),
    "fused": ("/hri_emo/fused", FusedSequence),
    "emotion": ("/hri_emo/emotion", EmotionState),
    "affective_state": ("/hri_emo/affective_state", AffectiveState),
    "behavior": ("/hri_emo/behavior", BehaviorCommand),
}
RECOGNISER_DELAY_NS = 300_000_000
RECEIVE_DEPTH = 1000

# rclpy Iron and newer hand a two-argument callback the MessageInfo (receive time).
MESSAGE_INFO = hasattr(Subscription, "CallbackType")


def now_us_ns() -> int:
    """Wall-clock time in nanoseconds, rounded down to a whole microsecond."""
    return time.time_ns() // 1000 * 1000


def to_msg_time(ns: int) -> Time:
    return Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000)


def stamp_ns(msg) -> int:
    return msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec


class GraphProbe(Node):
    """Plays media into the graph and records what comes out (see the module doc)."""

    def __init__(self, media: PlaybackMedia, camera: str = "compressed", rate_hz: float = 30.0,
                 transcript_period_s: float = 3.0, **kwargs) -> None:
        super().__init__("hri_emo_bench_probe", **kwargs)
        if camera not in CAMERA_TOPICS:
            raise ValueError(f"camera must be one of {sorted(CAMERA_TOPICS)}, got {camera!r}")
        self.media, self.camera = media, camera
        self.camera_topic = CAMERA_TOPICS[camera]
        self.rate_hz, self.transcript_period_s = rate_hz, transcript_period_s
        self.log = StreamLog()
        self.frames = self._camera_messages()
        self.frame_order = itertools.cycle(media.frame_order)
        self.chunks = [array.array("B", chunk) for chunk in media.audio_chunks]
        self.chunk_ns = round(media.chunk_s * 1e9)
        self.camera_pub = self.create_publisher(
            CompressedImage if camera == "compressed" else Image, self.camera_topic, 10)
        self.audio_pub = self.create_publisher(AudioFrame, AUDIO_TOPIC, 50)
        self.transcript_pub = self.create_publisher(Transcript, TRANSCRIPT_TOPIC, 10)
        self.create_subscription(IdsList, TRACKED_TOPIC, self._on_tracked, RECEIVE_DEPTH)
        for stream, (topic, msg_type) in OUTPUTS.items():
            self.create_subscription(msg_type, topic, self._recorder(stream), RECEIVE_DEPTH)
        self.diagnostics: dict[str, dict[str, str]] = {}  # node -> its latest key/values
        self.create_subscription(DiagnosticArray, "/diagnostics", self._on_diagnostics, 50)
        self.timers_playing: list = []
        self.audio_start_ns, self.pending_chunk = 0, 0
        self.texts = itertools.cycle(media.transcripts)

    # -- inputs -----------------------------------------------------------------------------
    def _camera_messages(self) -> list:
        if self.camera == "compressed":
            return [CompressedImage(format=self.media.image_format, data=array.array("B", jpeg))
                    for jpeg in self.media.pictures]
        return [Image(height=rgb.shape[0], width=rgb.shape[1], encoding="rgb8",
                      step=rgb.shape[1] * 3, data=array.array("B", rgb.tobytes()))
                for rgb in self.media.rgb_pictures()]

    def start_playback(self) -> None:
        if self.timers_playing:
            return
        self.audio_start_ns, self.pending_chunk = now_us_ns(), 0
        self.timers_playing = [
            self.create_timer(1.0 / self.rate_hz, self._publish_frame),
            self.create_timer(self.media.chunk_s / 4, self._publish_due_audio),
            self.create_timer(self.transcript_period_s, self._publish_transcript),
        ]

    def stop_playback(self) -> None:
        for timer in self.timers_playing:
            self.destroy_timer(timer)
        self.timers_playing = []

    def _publish_frame(self) -> None:
        msg = self.frames[next(self.frame_order)]
        stamp = now_us_ns()
        msg.header.stamp = to_msg_time(stamp)
        msg.header.frame_id = "camera_color_optical_frame"
        self.camera_pub.publish(msg)
        self.log.camera_ns.append(stamp)

    def _publish_due_audio(self) -> None:
        """Every chunk whose last sample has been 'captured' by now, on one sample clock."""
        now = time.time_ns()
        while self.audio_start_ns + (self.pending_chunk + 1) * self.chunk_ns <= now:
            stamp = self.audio_start_ns + self.pending_chunk * self.chunk_ns
            msg = AudioFrame(sample_rate=self.media.sample_rate, channels=self.media.channels,
                             sample_format="S16LE",
                             data=self.chunks[self.pending_chunk % len(self.chunks)])
            msg.header.stamp = to_msg_time(stamp)
            msg.header.frame_id = "microphone"
            self.audio_pub.publish(msg)
            self.log.audio_ns.append(stamp)
            self.pending_chunk += 1

    def _publish_transcript(self) -> None:
        spoken = next(self.texts)
        stamp = now_us_ns()
        end = stamp - RECOGNISER_DELAY_NS
        start = end - round(spoken.duration_s * 1e9)
        msg = Transcript(person_id="", text=spoken.text, is_final=True, confidence=math.nan,
                         language="en-US", utterance_start=to_msg_time(start),
                         utterance_end=to_msg_time(end))
        msg.header.stamp = to_msg_time(stamp)
        self.transcript_pub.publish(msg)
        self.log.utterances.append(Utterance(stamp, start, end))

    # -- outputs ----------------------------------------------------------------------------
    def _on_tracked(self, msg: IdsList) -> None:
        self.log.tracked_ns.append(stamp_ns(msg))

    def _on_diagnostics(self, msg: DiagnosticArray) -> None:
        for status in msg.status:
            if status.name.startswith("hri_emo: "):
                self.diagnostics[status.name.removeprefix("hri_emo: ")] = {
                    item.key: item.value for item in status.values}

    def _recorder(self, stream: str):
        if not MESSAGE_INFO:
            def record_at_callback(msg) -> None:
                self.log.record(stream, stamp_ns(msg), time.time_ns(), msg.person_id)

            return record_at_callback

        def record(msg, info) -> None:
            received = info.get("received_timestamp") or time.time_ns()
            self.log.record(stream, stamp_ns(msg), received, msg.person_id)

        return record

    # -- readiness --------------------------------------------------------------------------
    def missing_endpoints(self) -> list[str]:
        """What the graph has not matched yet: our inputs need their perception node's
        subscription, each output topic its consumer's subscription besides ours."""
        wanted = [(self.camera_topic, 1), (AUDIO_TOPIC, 1), (TRANSCRIPT_TOPIC, 1)]
        wanted += [(OUTPUTS[s][0], 2) for s in ("face_features", "voice_features",
                                                 "text_features", "fused", "emotion",
                                                 "affective_state")]
        missing = [f"{topic} (subscribers {self.count_subscribers(topic)}/{count})"
                   for topic, count in wanted if self.count_subscribers(topic) < count]
        behaviour = OUTPUTS["behavior"][0]
        if self.count_publishers(behaviour) < 1:
            missing.append(f"{behaviour} (no publisher)")
        return missing
