# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The graph benchmark's parts that need no ROS: figures from stamps, placements, processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from hri_emo_ros.common.stamp_latency import (
    InvalidLog,
    StreamLog,
    Utterance,
    graph_figures,
    match_indices,
    summary_ms,
)
from hri_emo_ros.nodes.graph_processes import (
    GraphBenchError,
    GraphProcesses,
    cpu_seconds,
    peak_rss_bytes,
    process_tree,
    pss_bytes,
)
from hri_emo_ros.nodes.placement import STAGE_ORDER, PlacementError, parse_placement

MS = 1_000_000
T0 = 1_795_000_000 * 1_000_000_000  # an epoch-like stamp, as the player's


def through_float_seconds(ns: int) -> int:
    """What a node's to_seconds -> to_time round trip does to a stamp."""
    return int(round((ns * 1e-9) * 1e9))


def synthetic_log() -> tuple[StreamLog, tuple[int, int]]:
    """3 s of a 30 Hz camera: frames 0..89; the window holds frames 15..74 (2 s)."""
    log = StreamLog()
    frames = [T0 + round(i * 1e9 / 30) // 1000 * 1000 for i in range(90)]
    log.camera_ns = frames
    for i, stamp in enumerate(frames):
        if i in (19, 20):  # the face node missed two frames of the window
            continue
        log.tracked_ns.append(stamp)
        log.record("face_features", stamp, stamp + 10 * MS, "f1")
        if i % 3 == 0:
            fused = through_float_seconds(stamp)
            log.record("fused", fused, stamp + 15 * MS, "f1")
            if i != 30:  # one fused sequence never decoded
                log.record("emotion", through_float_seconds(fused), stamp + 20 * MS, "f1")
                log.record("affective_state", fused, stamp + 22 * MS, "f1")
    audio_step = frames[45] + 7 * MS  # evidence from the voice: not a camera stamp
    log.record("emotion", audio_step, audio_step + 40 * MS, "f1")
    utterance = Utterance(frames[50], frames[50] - 1300 * MS, frames[50] - 300 * MS)
    log.utterances.append(utterance)
    log.record("text_features", utterance.end_ns - 50 * MS, utterance.stamp_ns + 50 * MS, "")
    return log, (frames[15], frames[75])


def test_figures_follow_stamps_through_the_graph():
    log, window = synthetic_log()
    figures = graph_figures(log, window)
    latency, counts = figures["latency_ms"], figures["counts"]
    assert figures["window_s"] == pytest.approx(2.0, abs=1e-3)
    assert counts["camera_published"] == 60 and counts["camera_processed"] == 58
    assert figures["drops"]["camera_frames"] == 2
    assert figures["drops"]["fused_without_emotion"] == 1
    # frames 15, 18, ..., 72 fused (20 of them); frame 30 was not decoded
    assert latency["end_to_end"]["count"] == 19
    assert latency["end_to_end"]["p50"] == pytest.approx(20.0, abs=1e-3)
    assert latency["emotion"]["count"] == 20  # plus the voice-stamped one
    assert latency["emotion"]["max"] == pytest.approx(40.0, abs=1e-3)
    assert latency["camera_to_affective_state"]["p99"] == pytest.approx(22.0, abs=1e-3)
    assert latency["face_features"]["p50"] == pytest.approx(10.0, abs=1e-3)
    assert latency["fusion_to_decoder"]["count"] == 19
    assert latency["fusion_to_decoder"]["p50"] == pytest.approx(5.0, abs=1e-3)
    assert latency["face_features_to_emotion"]["p50"] == pytest.approx(10.0, abs=1e-3)
    assert latency["text_features"] == summary_ms([50 * MS])
    assert latency["behavior"]["count"] == 0 and latency["behavior"]["p50"] is None
    assert figures["rates_per_s"]["camera_processed"] == pytest.approx(29.0, abs=0.01)
    assert figures["rates_per_s"]["emotion"] == pytest.approx(10.0, abs=0.01)


def test_messages_outside_the_window_are_left_out():
    log, (start, _) = synthetic_log()
    figures = graph_figures(log, (start, start + 200 * MS))  # frames 15..20
    assert figures["counts"]["camera_published"] == 6
    assert figures["counts"]["camera_processed"] == 4  # frames 19 and 20 were missed
    assert figures["latency_ms"]["end_to_end"]["count"] == 2  # frames 15 and 18
    assert figures["counts"]["transcripts_published"] == 0
    assert figures["latency_ms"]["text_features"]["count"] == 0


def test_stamps_match_within_a_tolerance_only():
    reference = np.array([T0, T0 + 33 * MS, T0 + 66 * MS])
    stamps = np.array([T0 + 200, T0 + 33 * MS - 900, T0 + 50 * MS, T0 + 66 * MS + 5000])
    assert match_indices(reference, stamps).tolist() == [0, 1, -1, -1]
    assert match_indices(reference[:0], stamps).tolist() == [-1] * 4
    with pytest.raises(InvalidLog) as error:
        match_indices(reference[::-1], stamps)
    assert error.value.reason == "out_of_order"


def test_bad_logs_and_windows_are_refused():
    log, (start, _) = synthetic_log()
    with pytest.raises(InvalidLog) as error:
        graph_figures(log, (start, start))
    assert error.value.reason == "empty_window"
    with pytest.raises(InvalidLog) as error:
        log.record("camera", 1, 2)
    assert error.value.reason == "unknown_stream"
    with pytest.raises(InvalidLog) as error:
        summary_ms(np.array([1.0, np.nan]))
    assert error.value.reason == "nan_values"
    assert summary_ms([])["count"] == 0


def test_placements_cover_every_stage_once():
    assert parse_placement("one").groups == (STAGE_ORDER,)
    assert len(parse_placement("multi").groups) == len(STAGE_ORDER) == 7
    assert parse_placement("two").groups == (("face", "fusion", "decoder"),
                                             ("voice", "text", "hierarchy", "behavior"))
    cut = parse_placement("cut=face+voice+text+fusion/decoder+hierarchy+behavior")
    assert cut.name == "cut" and cut.groups[1] == ("decoder", "hierarchy", "behavior")
    assert parse_placement("face+voice+text/fusion/decoder+hierarchy+behavior",
                           "split3").name == "split3"
    for text, words in (("face+voice", "missing"), ("x=one+face", "expected one, two, multi"),
                        ("multi+face", "expected one, two, multi"),
                        ("face+face+voice+text+fusion+decoder+hierarchy+behavior", "twice"),
                        ("a b=face+voice+text+fusion+decoder+hierarchy+behavior", "name")):
        with pytest.raises(PlacementError) as error:
            parse_placement(text)
        assert error.value.reason == "bad_placement" and words in str(error.value)


def test_a_placement_cut_down_to_some_stages_keeps_their_processes():
    two = parse_placement("two")
    assert two.processes_for(["decoder", "voice", "face"]) == [("face", "decoder"), ("voice",)]
    assert parse_placement("one").processes_for(["text", "face"]) == [("face", "text")]
    with pytest.raises(PlacementError, match="unknown stages"):
        two.processes_for(["face", "camera"])


def test_cpu_and_peak_memory_of_a_process_tree_are_read_from_proc():
    script = textwrap.dedent("""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        block = bytearray(150_000_000)          # touched: 150 MB resident
        for i in range(0, len(block), 4096):
            block[i] = 1
        del block
        end = time.process_time() + 0.4
        while time.process_time() < end:        # 0.4 s of CPU
            pass
        print("ready", flush=True)
        time.sleep(30)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        tree = process_tree(process.pid)
        assert tree[0] == process.pid and len(tree) == 2
        assert cpu_seconds(tree) >= 0.35
        assert peak_rss_bytes(tree) >= 150_000_000  # the block was freed, its peak stays
        assert 0 < pss_bytes(tree) < peak_rss_bytes(tree)
    finally:
        for pid in reversed(process_tree(process.pid)):
            subprocess.run(["kill", "-9", str(pid)], check=False)
        process.wait()


def _fake_graph(tmp_path, body: str) -> str:
    path = tmp_path / "fake_graph"
    path.write_text(f"#!{sys.executable}\nimport signal, sys, time\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_a_process_that_ignores_sigint_is_killed(tmp_path):
    executable = _fake_graph(tmp_path, "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                       "print('up', flush=True)\ntime.sleep(60)")
    processes = GraphProcesses(parse_placement("multi"), tmp_path / "c.yaml", "cpu", {},
                               tmp_path, executable)
    processes.start()
    time.sleep(0.5)
    processes.check_alive()
    started = time.monotonic()
    codes = processes.stop(grace_s=1.0)
    assert codes == [-9] * 7 and time.monotonic() - started < 10


def test_a_graph_process_that_exits_is_reported_with_its_log(tmp_path):
    executable = _fake_graph(tmp_path, "print('models missing', flush=True)\nsys.exit(3)")
    with GraphProcesses(parse_placement("one"), tmp_path / "c.yaml", "cpu", {}, tmp_path,
                        executable) as processes:
        processes.processes[0].wait(timeout=20)
        with pytest.raises(GraphBenchError) as error:
            processes.check_alive()
    assert error.value.reason == "graph_died"
    assert "exited with code 3" in str(error.value) and "models missing" in str(error.value)
