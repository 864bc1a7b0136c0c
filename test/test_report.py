# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The replay report: figures, HTML page and per-person summary from real bags."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from report_bag import A_MICRO, FACE_A, FACE_C, VOICE, a_messages, write_output_bag

from hri_emo_ros.bags.labels import load_labels
from hri_emo_ros.bags.reader import open_bag
from hri_emo_ros.bags.typestore import hri_typestore
from hri_emo_ros.bags.writer import BagWriter
from hri_emo_ros.cli import main as cli_main
from hri_emo_ros.report import ReportError, format_summary_table, write_report
from hri_emo_ros.report.loading import load_run
from hri_emo_ros.report.series import EXPLANATION_TOPIC
from hri_emo_ros.report.tables import metric_tables
from hri_emo_ros.report.video_strip import NO_FACE

ROOT = Path(__file__).resolve().parents[1]
SESSION = ROOT / "data" / "sample_session"
INPUT_BAG = SESSION / "bag"
FIGURES = ("video_strip", "emotion", "valence_arousal", "gates", "hierarchy", "behavior")
TIMELINE_TOPICS = {"emotion": "/hri_emo/emotion", "valence_arousal": "/hri_emo/emotion",
                   "hierarchy": "/hri_emo/affective_state", "behavior": "/hri_emo/behavior"}
METRICS = {
    "weighted_accuracy": 0.61, "states": 250, "stages": ["face", "voice"],
    "per_class": {"happy": {"f1": 0.8234, "support": 40}, "sad": {"f1": None, "support": 0}},
    "latency_ms": {"face": {"p50_ms": 14.53, "p99_ms": 19.7},
                   "decoder": {"p50_ms": 3.9, "p99_ms": 5.6}},
    "confusion": {"rows_true": ["happy", "sad"], "matrix": [[9, 1], [3, 7]]},
    "node_health": {"face": {"frames": "500"}, "voice": {"chunks": "500", "rate_hz": "9.9"}},
}


@pytest.fixture(scope="module")
def origin_ns() -> int:
    with open_bag(INPUT_BAG) as bag:
        return bag.start_ns


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, origin_ns) -> Path:
    path = tmp_path_factory.mktemp("run") / "outputs"
    write_output_bag(path, origin_ns)
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, outputs):
    out = tmp_path_factory.mktemp("report")
    summary = write_report(out, INPUT_BAG, outputs, load_labels(SESSION / "labels.csv"),
                           METRICS, title="test replay")
    return out, summary


def _check_png(path: Path, min_height: int, max_height: int = 4000) -> tuple[int, int]:
    with Image.open(path) as image:
        assert image.format == "PNG"
        image.verify()
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("L"))
    assert pixels.shape[1] == 1200, path
    assert min_height <= pixels.shape[0] <= max_height, (path, pixels.shape)
    assert pixels.std() > 5, f"{path} is blank"
    return pixels.shape[1], pixels.shape[0]


def test_the_report_has_every_figure_as_a_valid_image(rendered):
    out, summary = rendered
    html = summary.report_path.read_text(encoding="utf-8")
    assert summary.report_path == out / "report.html"
    assert set(summary.figures) == set(FIGURES)
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert sorted(sources) == sorted(f"figures/{name}.png" for name in FIGURES)
    for name in FIGURES:
        assert (out / f"figures/{name}.png").resolve() == summary.figures[name].resolve()
        _check_png(out / "figures" / f"{name}.png", min_height=500)  # real figures, not stubs
    assert "No data on" not in html
    assert "data/sample_session/bag" in html and "2026-01-01 10:00:00 UTC" in html


def test_summary_rows_match_the_hand_computed_figures(rendered):
    _, summary = rendered
    rows = {row.person_id: row for row in summary.rows}
    assert list(rows) == [VOICE, FACE_A, FACE_C]  # order of first appearance
    a = rows[FACE_A]
    assert a.emotion_messages == 100
    assert a.seconds_seen == pytest.approx(19.8)             # 10.0 .. 29.8 s at 5 Hz
    assert (a.dominant, a.dominant_share) == ("happy", pytest.approx(0.8))  # 80 of 100
    assert a.mean_valence == pytest.approx(0.8 * 0.6 + 0.2 * 0.2, abs=1e-6)
    assert a.mean_arousal == pytest.approx(0.4, abs=1e-6)
    assert (a.behaviour, a.behaviour_share) == ("mirror_positive", pytest.approx(15 / 20))
    assert a.micro_events == len(A_MICRO)                    # the state change is not one
    voice = rows[VOICE]
    # 20 neutral, 40 happy (one of them all NaN, dominant empty), 40 sad messages
    assert (voice.dominant, voice.dominant_share) == ("sad", pytest.approx(0.40))
    assert voice.mean_valence == pytest.approx((39 * 0.7 - 40 * 0.6) / 99, abs=1e-6)
    assert voice.seconds_seen == pytest.approx(49.5)
    assert (voice.behaviour, voice.behaviour_share) == ("empathise", pytest.approx(0.5))
    c = rows[FACE_C]
    assert c.seconds_seen == pytest.approx(9.8) and c.dominant_share == 1.0
    assert (c.behaviour, c.behaviour_share) == ("greet", pytest.approx(0.7))
    table = format_summary_table(summary).splitlines()
    assert table[0].split()[:3] == ["person", "seen", "[s]"]
    assert re.search(r"k3x9q\s+19\.8\s+happy \(80%\)\s+\+0\.52\s+\+0\.40\s+"
                     r"mirror_positive \(75%\)\s+3$", table[2])


def test_the_video_strip_boxes_the_astronaut_and_finds_no_face_on_the_wall(rendered):
    _, summary = rendered
    frames = summary.frames
    assert len(frames) == 8
    a_times = np.array([m.t for m in a_messages()])
    a_dominant = [m.dominant for m in a_messages()]
    face_frames = [f for f in frames if 10 <= f.time < 30]      # the smiling astronaut
    wall_frames = [f for f in frames if f.time < 10 or f.time >= 40]
    assert len(face_frames) == 3 and len(wall_frames) == 4
    for frame in face_frames:
        assert len(frame.boxes) == 1 and frame.note == ""
        box = frame.boxes[0]
        x, y, w, h = box.box
        assert 150 < x + w / 2 < 450 and 40 < y + h / 2 < 260 and w > 60  # her face
        nearest = int(np.argmin(np.abs(a_times - frame.time)))
        assert box.person_id == FACE_A
        assert box.label.startswith(f"{FACE_A}: {a_dominant[nearest]} 0.80")
    for frame in wall_frames:
        assert frame.boxes == () and frame.note == NO_FACE


def test_the_page_shows_behaviour_changes_explanations_and_metrics(rendered):
    _, summary = rendered
    html = summary.report_path.read_text(encoding="utf-8")
    assert html.count("mirror_positive: valence rose") == 1     # one change, not 15 commands
    assert "greet: a new face" in html and "empathise: rationale at 25 s" in html
    assert "encourage (dreaming)" in html                       # from_planning after 40 s
    assert "mostly video" in html and "mostly text" in html     # explanations of both kinds
    assert "<h3>latency_ms</h3>" in html and "p99_ms" in html and "14.5" in html
    assert "<h3>per_class</h3>" in html and "0.823" in html
    assert "face, voice" in html


def test_gate_weights_fall_back_to_explanations_and_nan_survives(outputs):
    run = load_run(INPUT_BAG, outputs)
    assert run.gates[FACE_C].source_topic == EXPLANATION_TOPIC  # no weights in its states
    assert run.gates[FACE_A].modalities == ("audio", "text", "video")
    voice = run.emotion[VOICE]
    nan_row = int(np.argmin(np.abs(voice.times - 20.0)))
    assert math.isnan(voice.valence[nan_row]) and np.isnan(voice.scores[nan_row]).all()
    assert run.face_persons == {FACE_A, FACE_C}
    assert run.count("/hri_emo/fused") == 0 and run.notes == []


def test_empty_and_missing_topics_make_figures_that_say_so(tmp_path, origin_ns):
    bag = tmp_path / "outputs"
    with BagWriter(bag) as writer:
        writer._connection("/hri_emo/affective_state", "hri_emo_msgs/msg/AffectiveState")
        types = hri_typestore().types
        stamp = types["builtin_interfaces/msg/Time"](sec=origin_ns // 10**9, nanosec=0)
        writer.write("/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", origin_ns,
                     types["diagnostic_msgs/msg/DiagnosticArray"](
                         header=types["std_msgs/msg/Header"](stamp=stamp, frame_id=""),
                         status=[]))
    summary = write_report(tmp_path / "report", INPUT_BAG, bag, frames=2)
    html = summary.report_path.read_text(encoding="utf-8")
    assert summary.rows == [] and format_summary_table(summary) == "no person in the outputs"
    for name, topic in TIMELINE_TOPICS.items():
        _check_png(summary.figures[name], min_height=100, max_height=300)
        assert f"No data on {topic}" in html
    assert "No data on /hri_emo/emotion or /hri_emo/explanation" in html   # gate weights
    face, wall = summary.frames                                             # 12.5 s, 37.5 s
    assert len(face.boxes) == 1 and face.boxes[0].person_id == ""           # face core's label
    assert face.boxes[0].label.startswith("face core: happy")
    assert face.caption == "no EmotionState of a face within 1 s"
    assert wall.note == NO_FACE
    _check_png(summary.figures["video_strip"], min_height=200)


def test_messages_stamped_on_the_wall_clock_are_left_out_with_a_note(tmp_path):
    bag = tmp_path / "outputs"
    types = hri_typestore().types
    now = time.time_ns()
    with BagWriter(bag) as writer:
        for i in range(3):
            ns = now + i * 10**8
            header = types["std_msgs/msg/Header"](stamp=types["builtin_interfaces/msg/Time"](
                sec=ns // 10**9, nanosec=ns % 10**9), frame_id="")
            writer.write("/hri_emo/emotion", "hri_emo_msgs/msg/EmotionState", ns,
                         types["hri_emo_msgs/msg/EmotionState"](
                             header=header, person_id="p", labels=["happy"],
                             scores=np.array([0.9], np.float32), dominant="happy", valence=0.5,
                             arousal=0.1, confidence=0.8, modalities=[],
                             modality_weights=np.zeros(0, np.float32), model_id=""))
    summary = write_report(tmp_path / "report", INPUT_BAG, bag, frames=0)
    assert summary.rows == []
    assert any("3 message(s) on /hri_emo/emotion" in n for n in summary.notes)
    assert "header stamps should be data time" in summary.report_path.read_text()


def test_unusable_arguments_raise_report_errors(tmp_path, outputs):
    with pytest.raises(ReportError) as missing:
        write_report(tmp_path / "r", INPUT_BAG, tmp_path / "nope", frames=0)
    assert missing.value.reason == "output_bag"
    assert not (tmp_path / "r").exists()               # nothing written for a failed report
    with pytest.raises(ReportError) as bad_input:
        write_report(tmp_path / "r", tmp_path / "nope", outputs, frames=0)
    assert bad_input.value.reason == "input_bag"
    with pytest.raises(ReportError) as metrics:
        write_report(tmp_path / "r", INPUT_BAG, outputs, metrics=[0.5], frames=0)
    assert metrics.value.reason == "bad_metrics"
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReportError) as not_dir:
        write_report(tmp_path / "file", INPUT_BAG, outputs, frames=0)
    assert not_dir.value.reason == "not_writable"


def test_metric_tables_grid_nested_mappings():
    tables = {t.caption: t for t in metric_tables(METRICS)}
    assert tables["overall"].rows == [("weighted_accuracy", "0.61"), ("states", "250"),
                                      ("stages", "face, voice")]
    assert tables["latency_ms"].header == ("", "p50_ms", "p99_ms")
    assert tables["latency_ms"].rows[0] == ("face", "14.5", "19.7")
    assert tables["per_class"].rows[1] == ("sad", "-", "0")
    assert tables["confusion / matrix"].header == ("rows_true", "happy", "sad")
    assert tables["confusion / matrix"].rows == [("happy", "9", "1"), ("sad", "3", "7")]
    assert "confusion" not in tables            # its names went into the matrix table
    assert tables["node_health"].rows == [("face", "frames", "500"), ("voice", "chunks", "500"),
                                          ("voice", "rate_hz", "9.9")]   # sparse: listed


def test_cli_report_renders_a_recorded_run(tmp_path, outputs, capsys):
    code = cli_main(["report", "--input-bag", str(INPUT_BAG), "--output-bag", str(outputs),
                     "--labels", str(SESSION / "labels.csv"), "--out", str(tmp_path / "r"),
                     "--frames", "0"])
    printed = capsys.readouterr().out
    assert code == 0 and (tmp_path / "r" / "report.html").is_file()
    assert "k3x9q" in printed and f"report: {tmp_path / 'r' / 'report.html'}" in printed
    (tmp_path / "bad.csv").write_text("person_id,start\n")
    code = cli_main(["report", "--input-bag", str(INPUT_BAG), "--output-bag", str(outputs),
                     "--labels", str(tmp_path / "bad.csv"), "--frames", "0"])
    error = capsys.readouterr().err
    assert code == 1 and error.count("\n") == 1 and "lacks the column" in error
