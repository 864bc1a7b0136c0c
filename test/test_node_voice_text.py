# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Voice and text nodes in their own processes: real speech and transcripts in, features out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

rclpy = pytest.importorskip("rclpy")
from node_process import NodeProcess  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from rclpy.serialization import serialize_message  # noqa: E402
from ros_tools import spin_until, wait_for_match  # noqa: E402
from std_msgs.msg import Bool, String  # noqa: E402

from hri_emo_msgs.msg import AudioFrame, ModalityFeatures, Transcript  # noqa: E402
from hri_emo_ros.bags.reader import open_bag  # noqa: E402
from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, TEXT_FEATURES  # noqa: E402
from hri_emo_ros.nodes.conversions import to_time  # noqa: E402

SAMPLE_BAG = Path(__file__).resolve().parents[1] / "data" / "sample_session" / "bag"


def drops(diagnostics, prefix: str) -> dict[str, int]:
    return {kv.key: int(kv.value) for d in diagnostics for s in d.status for kv in s.values
            if kv.key.startswith(prefix) and ".dropped." in kv.key}


def test_voice_node_marks_real_speech(rclpy_context, tmp_path):
    from diagnostic_msgs.msg import DiagnosticArray
    node = rclpy.create_node("voice_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    features, speaking, diagnostics = [], [], []
    node.create_subscription(ModalityFeatures, "/hri_emo/features/audio", features.append, 100)
    node.create_subscription(Bool, "/hri_emo/voice/is_speaking", speaking.append, 100)
    node.create_subscription(DiagnosticArray, "/diagnostics", diagnostics.append, 50)
    audio_pub = node.create_publisher(AudioFrame, "/audio/audio", 100)
    # The first 10 s of the sample session: real CMU speech with pauses (raw CDR from the bag).
    frames = [r.data for r in open_bag(SAMPLE_BAG).records(["/audio/audio"])][:100]
    with NodeProcess("voice_node", {"diagnostics_period": 0.2},
                     tmp_path / "voice_node.log") as voice:
        wait_for_match(executor, [audio_pub], timeout=60)
        bad_format = AudioFrame(sample_rate=16000, channels=1, sample_format="S24LE",
                                data=b"\x00" * 300)
        odd_length = AudioFrame(sample_rate=16000, channels=1, sample_format="S16LE",
                                data=b"\x00" * 301)
        nan_audio = AudioFrame(sample_rate=16000, channels=1, sample_format="F32LE",
                               data=np.full(160, np.nan, np.float32).tobytes())
        for bad in (bad_format, odd_length, nan_audio):
            audio_pub.publish(bad)
        assert spin_until(executor, lambda: sum(drops(diagnostics, "audio.").values()) >= 3,
                          timeout=10), voice.log()
        for raw in frames:  # paced like a microphone driver (100 ms chunks, sent faster)
            audio_pub.publish(raw)
            spin_until(executor, lambda: False, timeout=0.01)
        assert spin_until(executor, lambda: any(m.data for m in speaking) and features,
                          timeout=60), voice.log()
        assert voice.process.poll() is None
    reasons = {k.split(".dropped.")[1] for k in drops(diagnostics, "audio.")}
    assert {"unknown_format", "bad_length", "nan_values"} <= reasons
    first = features[0]
    assert first.modality == "audio" and first.dim == len(AUDIO_FEATURES)
    speech_prob = np.asarray(first.features).reshape(first.steps, first.dim)[:, 0]
    assert speech_prob.max() > 0.5


def test_voice_node_stays_quiet_on_silence(rclpy_context, tmp_path):
    node = rclpy.create_node("silence_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    features = []
    node.create_subscription(ModalityFeatures, "/hri_emo/features/audio", features.append, 100)
    audio_pub = node.create_publisher(AudioFrame, "/audio/audio", 100)
    rng = np.random.default_rng(0)
    with NodeProcess("voice_node", {}, tmp_path / "voice_node.log"):
        wait_for_match(executor, [audio_pub], timeout=60)
        for i in range(50):  # 5 s of faint noise at 44.1 kHz stereo
            noise = (rng.normal(0, 30, 4410 * 2)).astype("<i2")
            frame = AudioFrame(sample_rate=44100, channels=2, sample_format="S16LE",
                               data=noise.tobytes())
            frame.header.stamp = to_time(100.0 + i * 0.1)
            audio_pub.publish(frame)
        spin_until(executor, lambda: False, timeout=3.0)
    assert features == []


def test_text_node_features_and_bad_text(rclpy_context, tmp_path):
    from diagnostic_msgs.msg import DiagnosticArray
    node = rclpy.create_node("text_test", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    features, diagnostics = [], []
    node.create_subscription(ModalityFeatures, "/hri_emo/features/text", features.append, 50)
    node.create_subscription(DiagnosticArray, "/diagnostics", diagnostics.append, 50)
    transcript_pub = node.create_publisher(Transcript, "/speech/transcript", 10)
    string_pub = node.create_publisher(String, "/speech/text", 10)
    with NodeProcess("text_node", {"diagnostics_period": 0.2},
                     tmp_path / "text_node.log") as text_node:
        wait_for_match(executor, [transcript_pub, string_pub], timeout=60)
        transcript_pub.publish(Transcript(text="   ", is_final=True))
        transcript_pub.publish(Transcript(text="x" * 1_000_000, is_final=True))
        corrupt = serialize_message(String(data="I feel great")).replace(b"great", b"gr\xffat")
        string_pub.publish(corrupt)
        transcript_pub.publish(Transcript(text="partial words", is_final=False))
        good = Transcript(person_id="spk1", text="Thank you, this is wonderful!", is_final=True,
                          confidence=0.9, utterance_start=to_time(10.0),
                          utterance_end=to_time(12.0))
        good.header.stamp = to_time(12.3)
        transcript_pub.publish(good)
        string_pub.publish(String(data="I am so sad and tired."))
        assert spin_until(executor, lambda: len(features) >= 2, timeout=60), text_node.log()
        assert spin_until(executor, lambda: sum(drops(diagnostics, "").values()) >= 3,
                          timeout=10), text_node.log()
        assert text_node.process.poll() is None
    by_person = {m.person_id: m for m in features}
    thanks = by_person["spk1"]
    assert list(thanks.step_labels)[:3] == ["Thank", "you", "this"]
    assert thanks.dim == len(TEXT_FEATURES) and thanks.steps == len(thanks.step_labels)
    values = np.asarray(thanks.features).reshape(thanks.steps, thanks.dim)
    assert values[0, -1] > 0.3  # sentence valence of a grateful sentence
    assert 10.0 < thanks.step_times[0].sec + thanks.step_times[0].nanosec * 1e-9 < 12.0
    sad = by_person["anonymous"]
    assert np.asarray(sad.features).reshape(sad.steps, sad.dim)[0, -1] < -0.2
    reasons = {k.split(".dropped.")[1] for k in drops(diagnostics, "")}
    assert {"empty", "too_long", "invalid_utf8"} <= reasons
    assert len(features) == 2  # the partial transcript was ignored
