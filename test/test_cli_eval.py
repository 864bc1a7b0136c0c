# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo eval`: the sample session replayed through the real graph, scored and recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("rclpy")
from cli_process import hri_emo, single_error_line  # noqa: E402

from hri_emo_ros.bags.reader import open_bag  # noqa: E402
from hri_emo_ros.bags.writer import BagWriter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_session"


def emotions(bag_path: Path, until_s: float | None = None) -> list[tuple]:
    bag = open_bag(bag_path)
    rows = []
    for record in bag.records("/hri_emo/emotion"):
        msg = bag.deserialize(record)
        if until_s is None or record.stamp_ns - bag.start_ns < until_s * 1e9:
            rows.append((msg.header.stamp.sec, msg.header.stamp.nanosec, msg.person_id,
                         msg.dominant, tuple(round(float(s), 5) for s in msg.scores)))
    return rows


def tracked_ids(bag_path: Path) -> list[tuple]:
    bag = open_bag(bag_path)
    return [(m.header.stamp.sec, m.header.stamp.nanosec, tuple(m.ids))
            for _, m in bag.messages("/hri_emo/faces/tracked")]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval") / "run"
    result = hri_emo("eval", SAMPLE / "bag", "--labels", SAMPLE / "labels.csv", "--out", out,
                     "--device", "cpu", "--quiet", timeout=400)
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def test_the_sample_session_is_replayed_recorded_and_scored(sample_run):
    out, result = sample_run
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["messages_replayed"] == 1012
    assert metrics["bag_seconds"] == pytest.approx(50.0, abs=0.2)
    outputs = metrics["outputs"]
    for topic in ("/hri_emo/emotion", "/hri_emo/explanation", "/hri_emo/affective_state",
                  "/hri_emo/behavior", "/hri_emo/features/video", "/hri_emo/features/audio",
                  "/hri_emo/features/text", "/hri_emo/fused"):
        assert outputs.get(topic, 0) > 0, topic
    assert outputs["/hri_emo/features/text"] == 12     # one per transcript, none lost
    recorded = open_bag(out / "outputs")
    assert recorded.topics["/hri_emo/emotion"].count == outputs["/hri_emo/emotion"]
    scored = metrics["emotion"]
    assert scored["labelled_states"] > 100
    # The smiling face of the happy episode is read as happy, most of the time.
    assert scored["per_class"]["happy"]["recall"] > 0.8
    assert -1.0 <= scored["ccc_valence"] <= 1.0 and scored["ccc_valence"] > 0.3
    latency = metrics["latency_ms"]["camera -> /hri_emo/emotion"]
    assert 0 < latency["p50_ms"] <= latency["p99_ms"]
    assert "WA" in result.stdout
    assert f"report: {out / 'report.html'}" in result.stdout
    html = (out / "report.html").read_text()
    for figure in ("emotion", "valence_arousal", "gates", "hierarchy", "behavior",
                   "video_strip"):
        assert (out / "figures" / f"{figure}.png").stat().st_size > 10_000, figure
        assert f"figures/{figure}.png" in html
    assert "WARNING" not in result.stderr and "INFO" not in result.stderr  # in graph.log
    assert "configured on cpu" in (out / "graph.log").read_text()
    assert metrics["node_health"]["hri_emo_face"]


def test_lock_step_replay_is_deterministic(sample_run, tmp_path):
    """The face stage running ahead in a second process changes nothing in the outputs."""
    out, _ = sample_run
    assert json.loads((out / "metrics.json").read_text())["processes"] == 2
    again = hri_emo("eval", SAMPLE / "bag", "--until", "15", "--out", tmp_path / "again",
                    "--one-process", "--device", "cpu", "--quiet", "--no-report", timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((tmp_path / "again" / "metrics.json").read_text())["processes"] == 1
    first = emotions(out / "outputs", until_s=15.0)
    assert len(first) > 20
    assert emotions(tmp_path / "again" / "outputs") == first
    # Republished from the second process: one list of face ids per camera frame.
    part, full = tracked_ids(tmp_path / "again" / "outputs"), tracked_ids(out / "outputs")
    assert len(part) > 100 and full[:len(part)] == part


def test_realtime_replay_runs_in_one_process_and_matches_outputs_by_stamp(tmp_path):
    result = hri_emo("eval", SAMPLE / "bag", "--realtime", "--until", "13", "--out",
                     tmp_path / "rt", "--device", "cpu", "--quiet", "--no-report", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((tmp_path / "rt" / "metrics.json").read_text())
    assert metrics["mode"] == "realtime" and metrics["processes"] == 1
    assert metrics["replay_seconds"] >= 12.5            # played at the recorded pace
    assert metrics["outputs"]["/hri_emo/emotion"] > 10  # the smiling face from 10 s on
    latency = metrics["latency_ms"]["camera -> /hri_emo/emotion"]
    assert 0 < latency["p50_ms"] <= latency["p99_ms"]


def test_a_sqlite3_bag_with_its_own_topic_names(tmp_path):
    sample = open_bag(SAMPLE / "bag")
    names = {"/camera/image_raw/compressed": "/robot/head_camera/compressed",
             "/audio/audio": "/robot/mic", "/speech/transcript": "/robot/asr"}
    with BagWriter(tmp_path / "robot", storage="sqlite3") as writer:
        for record in sample.records(stop_ns=sample.start_ns + 12 * 10**9):
            writer.write(names[record.topic], record.msgtype, record.stamp_ns, record.data)
    result = hri_emo("eval", tmp_path / "robot", "--out", tmp_path / "run", "--device", "cpu",
                     "--quiet", "--no-report", "--stages", "face,voice,text,fusion,decoder",
                     timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replaying /robot/head_camera/compressed" in result.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["inputs"] == {"camera": "/robot/head_camera/compressed",
                                 "audio": "/robot/mic", "transcript": "/robot/asr"}
    assert metrics["outputs"]["/hri_emo/emotion"] > 0 and "emotion" not in metrics


def test_bad_inputs_stop_with_one_clear_line(tmp_path):
    missing = single_error_line(hri_emo("eval", tmp_path / "nothing"), "hri-emo eval: ")
    assert "does not exist" in missing
    topic = single_error_line(hri_emo("eval", SAMPLE / "bag", "--camera", "/usb_cam/image"),
                              "hri-emo eval: ")
    assert "no topic /usb_cam/image" in topic and "/camera/image_raw/compressed" in topic
    labels = tmp_path / "labels.csv"
    labels.write_text("person_id,start,end,emotion,valence,arousal\n*,5,2,happy,0.5,0.5\n")
    bad = single_error_line(hri_emo("eval", SAMPLE / "bag", "--labels", labels),
                            "hri-emo eval: ")
    assert "labels.csv" in bad and "line 2" in bad
    (tmp_path / "used" / "outputs").mkdir(parents=True)
    used = single_error_line(hri_emo("eval", SAMPLE / "bag", "--out", tmp_path / "used"),
                             "hri-emo eval: ")
    assert "already holds a replay" in used
