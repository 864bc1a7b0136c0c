# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The corpus feature cache: the perception cores' own numbers, computed once, resumable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from corpus_media import SPEECH, face_video, speech_sentence, speech_wav

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.feature_cache import FeatureCache
from hri_emo_ros.corpora.utterance_perception import (
    MOUTH_OPEN,
    MediaItem,
    PerceptionConfig,
    UtterancePerception,
    choose_track,
)
from hri_emo_ros.perception.face_media import read_frames
from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig
from hri_emo_ros.perception.voice_batch import analyse_wav_file

CONFIG = PerceptionConfig(video_hz=5.0)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, MediaItem]:
    folder = tmp_path_factory.mktemp("media")
    items = {}
    for group in ("neutral", "happy", "sad"):
        for index in range(len(SPEECH[group])):
            name = f"{group}{index}"
            items[name] = MediaItem(name, speech_wav(folder / f"{name}.wav", group, index),
                                    None, speech_sentence(group, index))
    video = face_video(folder / "face.avi", 2.0, fps=10)
    items["happy0"] = MediaItem("happy0", items["happy0"].wav_path, video,
                                items["happy0"].transcript)
    return items


@pytest.fixture(scope="module")
def perception() -> UtterancePerception:
    return UtterancePerception(CONFIG)


@pytest.fixture(scope="module")
def built(media, perception, tmp_path_factory) -> FeatureCache:
    cache = FeatureCache(tmp_path_factory.mktemp("cache"), "tiny", CONFIG, perception)
    report = cache.build([media["neutral2"], media["happy0"]], progress=False)
    assert (report.computed, report.reused, report.modality_errors) == (2, 0, {})
    return cache


def test_features_are_the_perception_cores_own(built, media):
    happy = built.load("happy0")
    assert sorted(happy.modalities) == ["audio", "text", "video"]
    for name, steps in happy.modalities.items():
        assert steps.features.shape == (steps.steps, FEATURE_DIMS[name])
    segments = analyse_wav_file(media["happy0"].wav_path)  # the voice_batch command's view
    expected = np.array([s["features"] for seg in segments for s in seg["steps"]])
    np.testing.assert_allclose(happy.modalities["audio"].features, expected, atol=1e-5)
    assert happy.speech_span == pytest.approx((segments[0]["start"], segments[-1]["end"]),
                                              abs=1e-3)
    text = happy.modalities["text"]
    assert text.step_labels == ["Hi", "It", "is", "so", "good", "to", "see", "you", "again"]
    assert np.all(np.diff(text.step_times) > 0)
    assert happy.speech_span[0] < text.step_times[0] < text.step_times[-1] < happy.speech_span[1]
    pipeline = FacePipeline(FacePipelineConfig(mesh_tracking=False, redetect_period_s=0.0,
                                               torch_threads=0))
    faces = [pipeline.process(rgb, t)[0] for _, t, rgb in read_frames(
        media["happy0"].video_path, every_n=2)]  # 10 fps video analysed at 5 Hz
    video = happy.modalities["video"]
    np.testing.assert_allclose(video.step_times, [f.stamp for f in faces], atol=1e-6)
    np.testing.assert_allclose(video.features, np.stack([f.features for f in faces]), atol=1e-4)
    assert video.step_labels[0] == f"{faces[0].expression}@0.00"
    spec = json.loads((built.directory / "spec.json").read_text())
    assert spec["video"]["hz"] == 5.0
    assert spec["audio"]["extractor"] == happy.modalities["audio"].extractor
    lines = [json.loads(x) for x in (built.directory / "index.jsonl").read_text().splitlines()]
    assert [(x["id"], x["file"], x["steps"]["video"] if "video" in x["steps"] else 0)
            for x in lines] == [("neutral2", "neutral2.npz", 0),
                                ("happy0", "happy0.npz", video.steps)]
    with np.load(built.directory / "items" / "happy0.npz") as data:
        assert {"audio_features", "text_labels", "video_quality", "meta"} <= set(data.files)


def test_partial_builds_resume_and_a_second_run_computes_nothing(built, media, perception,
                                                                 tmp_path):
    items = [media[name] for name in ("neutral2", "happy0", "sad1", "sad2")]
    calls = perception.calls
    report = FeatureCache(built.directory.parents[1], "tiny", CONFIG, perception).build(
        items, progress=False)
    assert (report.computed, report.reused, perception.calls - calls) == (2, 2, 2)
    fresh = FeatureCache(built.directory.parents[1], "tiny", CONFIG)
    assert fresh.build(items, progress=False).computed == 0 and fresh.perception is None
    # a killed run's leftovers: a temporary file of a dead process, a line cut short and an
    # .npz whose index line was never written
    index = fresh.index_path
    lines = index.read_text().splitlines()
    index.write_text("\n".join(lines[:2]) + "\n" + lines[2][:25])
    (fresh.directory / "items" / ".sad2.npz.999999999.tmp").write_bytes(b"partial")
    recovered = FeatureCache(built.directory.parents[1], "tiny", CONFIG)
    assert sorted(recovered.entries()) == sorted(item.utterance_id for item in items)
    assert recovered.build(items, progress=False).computed == 0
    assert not list((fresh.directory / "items").glob(".*.tmp"))
    changed = MediaItem("sad1", items[2].wav_path, None, "A different transcript.")
    calls = perception.calls
    again = FeatureCache(built.directory.parents[1], "tiny", CONFIG, perception)
    assert again.build([changed], progress=False).computed == 1
    assert again.load("sad1").modalities["text"].step_labels[0] == "A"
    other = FeatureCache(built.directory.parents[1], "tiny", PerceptionConfig(video_hz=15.0))
    assert other.directory != built.directory and other.entries() == {}


def test_a_killed_build_resumes_where_it_stopped(media, tmp_path):
    """Killed at whatever moment the first utterance is indexed, the cache holds whole
    files only and a new build computes exactly the utterances not yet cached."""
    audio_only = PerceptionConfig(video=False, text=False)
    items = [MediaItem(f"{i.utterance_id}-{n}", i.wav_path) for i in media.values()
             for n in range(2)]
    script = (
        "import json, sys\nfrom pathlib import Path\n"
        "from hri_emo_ros.corpora.feature_cache import FeatureCache\n"
        "from hri_emo_ros.corpora.utterance_perception import MediaItem, PerceptionConfig\n"
        "items = [MediaItem(i, Path(w)) for i, w in json.loads(sys.argv[2])]\n"
        "config = PerceptionConfig(video=False, text=False)\n"
        "FeatureCache(sys.argv[1], 'tiny', config).build(items)\n")
    arguments = json.dumps([[i.utterance_id, str(i.wav_path)] for i in items])
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path), arguments],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cache = FeatureCache(tmp_path, "tiny", audio_only)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None and not (
            cache.index_path.is_file() and cache.index_path.read_text().count("\n") >= 1):
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    done = len(list((cache.directory / "items").glob("*.npz")))
    assert done >= 1
    resumed = FeatureCache(tmp_path, "tiny", audio_only, UtterancePerception(audio_only))
    report = resumed.build(items, progress=False)
    assert (report.computed, report.reused) == (len(items) - done, done)
    assert resumed.perception.calls == len(items) - done
    assert all(resumed.load(i.utterance_id).modalities["audio"].steps > 0 for i in items)
    assert not list((cache.directory / "items").glob(".*.tmp"))


def test_worker_processes_give_the_same_features(built, media, tmp_path):
    items = [media["neutral2"], media["happy0"], media["sad0"]]
    parallel = FeatureCache(tmp_path, "tiny", PerceptionConfig(video_hz=5.0, text=False))
    report = parallel.build(items, workers=2, progress=False)
    assert report.computed == 3 and parallel.perception is None  # computed in the workers
    for name in ("neutral2", "happy0"):
        mine, theirs = built.load(name), parallel.load(name)
        assert sorted(theirs.modalities) == sorted(set(mine.modalities) - {"text"})
        for modality, steps in theirs.modalities.items():
            np.testing.assert_allclose(steps.features, mine.modalities[modality].features,
                                       atol=1e-5)
    assert parallel.load("sad0").modalities["audio"].steps > 0


def test_unreadable_inputs_are_recorded_and_bad_requests_refused(built, media, perception,
                                                                 tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_text("this is not audio")
    item = MediaItem("broken", broken, tmp_path / "missing.avi", "Still a real sentence.")
    cache = FeatureCache(tmp_path, "tiny", CONFIG, perception)
    report = cache.build([item], progress=False)
    assert report.modality_errors == {"audio": 1, "video": 1}
    record = cache.load("broken")
    assert sorted(record.modalities) == ["text"]
    assert record.errors["audio"].startswith("unreadable_file")
    assert "video file not found" in record.errors["video"]
    with pytest.raises(CorpusError, match="utterance 'nothing' is not in the cache"):
        cache.load("nothing")
    with pytest.raises(CorpusError, match="utterance ids occur twice"):
        cache.build([item, item], progress=False)
    (cache.directory / "items" / "broken.npz").write_bytes(b"garbage")
    with pytest.raises(CorpusError, match="broken.npz are unreadable"):
        cache.load("broken")
    with pytest.raises(CorpusError, match="unknown perception options"):
        PerceptionConfig.from_dict({"video_rate": 5})
    with pytest.raises(CorpusError, match="another PerceptionConfig"):
        FeatureCache(tmp_path, "tiny", PerceptionConfig(), perception)


def test_the_speaker_is_the_face_whose_mouth_moves():
    class Seen:  # a face observation reduced to what choose_track reads
        def __init__(self, mouth: float) -> None:
            self.features = np.zeros(FEATURE_DIMS["video"], np.float32)
            self.features[MOUTH_OPEN] = mouth

    listener = [Seen(0.02) for _ in range(10)]
    speaker = [Seen(0.02 + 0.03 * (i % 2)) for i in range(9)]
    passer_by = [Seen(0.5 * (i % 2)) for i in range(3)]  # seen too rarely to count
    assert choose_track({"a": listener, "b": speaker, "c": passer_by}) == "b"
    assert choose_track({"a": listener}) == "a"
