# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The shipped sample session (data/sample_session) is small, well-formed and as labelled."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from hri_emo_ros.bags.labels import load_labels
from hri_emo_ros.bags.reader import open_bag

ROOT = Path(__file__).resolve().parents[1]
SESSION = ROOT / "data" / "sample_session"
BAG = SESSION / "bag"
IMAGE, AUDIO, TEXT = "/camera/image_raw/compressed", "/audio/audio", "/speech/transcript"
NS = 1_000_000_000


def _seconds(stamp) -> int:
    return stamp.sec * NS + stamp.nanosec


@pytest.fixture(scope="module")
def session():
    with open_bag(BAG) as bag:
        start = bag.start_ns
        messages: dict[str, list] = {IMAGE: [], AUDIO: [], TEXT: []}
        for record, msg in bag.messages():
            messages[record.topic].append((record.stamp_ns - start, msg))
        yield bag, messages, load_labels(SESSION / "labels.csv")


def test_bag_is_small_enough_for_git_and_documented():
    files = sorted(BAG.iterdir())
    assert [p.name for p in files] == ["bag.mcap", "metadata.yaml"]
    assert sum(p.stat().st_size for p in files) <= 10 * 10**6
    assert (SESSION / "PROVENANCE.md").is_file()
    assert (ROOT / "scripts" / "make_sample_session.py").is_file()
    manifest = json.loads((SESSION / "manifest.json").read_text())
    for name, digest in manifest["outputs"].items():  # the manifest describes these files
        assert hashlib.sha256((SESSION / name).read_bytes()).hexdigest() == digest, name


def test_topics_types_and_rates(session):
    bag, messages, _ = session
    assert {t.name: t.msgtype for t in bag.topics.values()} == {
        IMAGE: "sensor_msgs/msg/CompressedImage", AUDIO: "hri_emo_msgs/msg/AudioFrame",
        TEXT: "hri_emo_msgs/msg/Transcript"}
    duration = bag.duration_s
    assert 40 <= duration <= 60
    assert len(messages[IMAGE]) / duration == pytest.approx(10, abs=0.5)
    assert len(messages[AUDIO]) / duration == pytest.approx(10, abs=0.5)
    assert len(messages[TEXT]) >= 8


def test_images_are_640x480_jpeg_stamped_at_bag_time(session):
    bag, messages, _ = session
    times = np.array([t for t, _ in messages[IMAGE]])
    assert np.allclose(np.diff(times), 0.1 * NS)
    for t, msg in messages[IMAGE][::50]:
        assert _seconds(msg.header.stamp) == bag.start_ns + t
        assert "jpeg" in msg.format and msg.header.frame_id
        assert cv2.imdecode(msg.data, cv2.IMREAD_COLOR).shape == (480, 640, 3)


def test_audio_is_contiguous_100ms_s16le_16k_mono(session):
    bag, messages, _ = session
    stamps = []
    for t, msg in messages[AUDIO]:
        assert (msg.sample_rate, msg.channels, msg.sample_format) == (16000, 1, "S16LE")
        assert len(msg.data) == 1600 * 2
        stamps.append(_seconds(msg.header.stamp))
        assert bag.start_ns + t == stamps[-1] + NS // 10  # published when the chunk is full
    assert np.all(np.diff(stamps) == NS // 10)


def test_transcripts_are_final_utterances_inside_their_episode(session):
    bag, messages, labels = session
    for t, msg in messages[TEXT]:
        start, end = _seconds(msg.utterance_start), _seconds(msg.utterance_end)
        assert msg.is_final and msg.text.strip() and msg.language == "en-US"
        assert bag.start_ns < start < end < _seconds(msg.header.stamp) == bag.start_ns + t
        assert sum(s.start * NS <= start - bag.start_ns and t <= s.end * NS for s in labels) == 1


def test_labels_cover_the_session_with_two_opposite_episodes(session):
    bag, _, labels = session
    assert labels[0].start == 0 and labels[-1].end == pytest.approx(bag.duration_s)
    assert all(a.end == b.start for a, b in zip(labels, labels[1:]))
    by_emotion = {s.emotion: s for s in labels}
    assert {"happy", "sad"} <= set(by_emotion)
    assert by_emotion["happy"].end - by_emotion["happy"].start >= 15
    assert by_emotion["sad"].end - by_emotion["sad"].start >= 15
    assert by_emotion["happy"].valence > 0.5 and by_emotion["sad"].valence < -0.5


def _episode(labels, emotion):
    return next(s for s in labels if s.emotion == emotion)


def test_content_matches_the_labels(session):
    """Words, loudness and the visible face all follow the labelled episodes."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    _, messages, labels = session
    happy, sad = _episode(labels, "happy"), _episode(labels, "sad")

    def inside(span, t):
        return span.start * NS <= t < span.end * NS

    vader = SentimentIntensityAnalyzer()
    valence = {span.emotion: np.mean([vader.polarity_scores(m.text)["compound"]
                                      for t, m in messages[TEXT] if inside(span, t)])
               for span in (happy, sad)}
    assert valence["happy"] > 0.4 and valence["sad"] < -0.3

    def speech_level(span):
        levels = []
        for t, m in messages[AUDIO]:
            if inside(span, t):
                x = np.frombuffer(bytes(m.data), "<i2") / 32768.0
                levels.append(20 * np.log10(np.sqrt(np.mean(x**2)) + 1e-12))
        return np.percentile(levels, 90)  # the loud (speech) chunks
    assert speech_level(happy) > speech_level(sad) + 6

    from hri_emo_ros.perception.face_detector import DetectorUnavailable, create_face_detector
    try:
        detector = create_face_detector("mediapipe")
    except DetectorUnavailable:
        pytest.skip("mediapipe is not installed")
    faces = {}
    for span in labels:
        frames = [m for t, m in messages[IMAGE] if inside(span, t)][::20]
        faces[span.emotion] = [len(detector.detect(cv2.cvtColor(
            cv2.imdecode(m.data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))) for m in frames]
    detector.close()
    assert all(n == 1 for n in faces["happy"])
    assert all(n == 0 for n in faces["sad"]) and all(n == 0 for n in faces["neutral"])


def test_script_reproduces_the_shipped_bag(tmp_path):
    manifest = json.loads((SESSION / "manifest.json").read_text())
    if shutil.which("espeak-ng") is None or not all(Path(p).is_file()
                                                    for p in manifest["inputs"]):
        pytest.skip("espeak-ng or pocketsphinx-testdata is not installed")
    versions = manifest["versions"]
    try:
        here = {name: importlib.metadata.version(name) for name in versions
                if name != "espeak-ng"}
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("scikit-image is not installed")
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    if here != {k: v for k, v in versions.items() if k != "espeak-ng"} \
            or f": {versions['espeak-ng']} " not in espeak:
        pytest.skip(f"versions differ from the ones that made the bag: {versions}")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_session.py"),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest, name
