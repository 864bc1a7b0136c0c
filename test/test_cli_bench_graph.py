# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench graph`, short: the real graph in two placements, the peer, every figure.

Speed goals are not asserted (they depend on the machine); the figures' presence, signs,
order and consistency are.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import hri_emo, single_error_line

pytest.importorskip("rclpy")

LATENCIES = ("end_to_end", "camera_to_affective_state", "face_features", "voice_features",
             "text_features", "fused", "fusion_to_decoder", "face_features_to_emotion",
             "emotion", "affective_state", "behavior")
CUT = "cut=face+voice+text+fusion/decoder+hierarchy+behavior"


def _ordered(stats: dict) -> None:
    if stats["count"]:
        assert 0 < stats["min"] <= stats["p50"] <= stats["p99"] <= stats["max"], stats
    else:
        assert stats["p50"] is None and stats["p99"] is None


def _check_placement(figures: dict, processes: int) -> None:
    latency, counts, rates = figures["latency_ms"], figures["counts"], figures["rates_per_s"]
    assert set(LATENCIES) <= set(latency)
    for name in LATENCIES:
        if name != "face_features_to_emotion":  # receive -> receive: may be ~0
            _ordered(latency[name])
    for name in ("end_to_end", "face_features", "fused", "emotion", "affective_state"):
        assert latency[name]["count"] > 0, name
    # A stage comes before the end: per frame, face <= end to end; per message, the hop
    # into the decoder <= the emotion's whole latency (1 ms: two callbacks of one spin).
    assert latency["face_features"]["min"] <= latency["end_to_end"]["min"] + 1.0
    assert latency["face_features_to_emotion"]["min"] >= -1.0
    assert latency["fusion_to_decoder"]["max"] <= latency["emotion"]["max"] + 1.0
    assert latency["end_to_end"]["count"] == counts["emotion_from_camera"]
    # Conservation: every transcript of the window gave text features or is counted lost.
    assert counts["transcripts_published"] >= 1
    assert latency["text_features"]["count"] + figures["drops"]["transcripts"] == (
        counts["transcripts_published"])
    assert counts["camera_processed"] + figures["drops"]["camera_frames"] == (
        counts["camera_published"])
    assert 0 < rates["camera_processed"] <= rates["camera_published"] <= 30 * 1.05
    assert rates["emotion"] > 0 and rates["audio_chunks_published"] > 0
    assert figures["cpu"]["graph_cores"] > 0 and figures["cpu"]["graph_cpu_ms_per_frame"] > 0
    memory = figures["memory"]
    assert 100 < memory["peak_rss_mb"] and 0 < memory["pss_mb"] <= memory["peak_rss_mb"]
    assert len(figures["processes"]) == processes
    assert figures["exit_codes"] == [0] * processes  # SIGINT shut every process down cleanly
    assert figures["foreign_nodes"] == []
    diagnostics = figures["node_diagnostics"]  # the nodes' own view, from /diagnostics
    assert set(diagnostics) == {f"/hri_emo_{stage}" for stage in (
        "face", "voice", "text", "fusion", "decoder", "hierarchy", "behavior")}
    assert float(diagnostics["/hri_emo_face"]["latency_ms.face.frame.p50"]) > 0


def test_graph_bench_measures_two_placements_and_the_peer(tmp_path):
    report_path = tmp_path / "graph.json"
    result = hri_emo("bench", "graph", "--seconds", 4, "--warmup", 2, "--placements",
                     f"one,{CUT}", "--baseline-frames", 20, "--device", "cpu",
                     "--json", report_path, "--log-dir", tmp_path / "logs", timeout=240)
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["suite"] == "graph" and report["options"]["seconds"] == 4.0
    results = report["results"]
    assert list(results["placements"]) == ["one", "cut"]
    _check_placement(results["placements"]["one"], 1)
    _check_placement(results["placements"]["cut"], 2)
    assert [p["stages"] for p in results["placements"]["cut"]["processes"]] == [
        ["face", "voice", "text", "fusion"], ["decoder", "hierarchy", "behavior"]]
    assert 1 <= results["domain_id"] <= 101
    inputs = results["inputs"]
    assert inputs["media"]["size"] == [640, 480] and inputs["camera"]["rate_hz"] == 30.0
    baseline = results["baseline"]
    assert baseline["frames"] == 20 and baseline["faces_per_frame"] > 0
    assert 0 < baseline["ms_per_frame"]["p50"] <= baseline["ms_per_frame"]["p99"]
    for name in ("one", "cut"):
        assert results["ratios"][name]["end_to_end_p50_over_peer_p50"] > 0
        assert [g["pass"] in (True, False) for g in results["goals"][name]] == [True] * 3
    logs = sorted(p.name for p in (tmp_path / "logs").rglob("*.log"))
    assert len(logs) == 3 and "Traceback" not in "".join(
        p.read_text(errors="replace") for p in (tmp_path / "logs").rglob("*.log"))
    for text in ("[one] end to end: camera -> emotion", "[cut] end to end: camera -> emotion",
                 "peer: Haar + mini-Xception", "[cut] ours / peer"):
        assert text in result.stdout, text
    goal_lines = [line for line in result.stdout.splitlines() if "<= 33 ms at 30 Hz" in line]
    assert len(goal_lines) == 2 and all(line.endswith(("PASS", "FAIL")) for line in goal_lines)

def test_graph_bench_refuses_a_placement_that_leaves_out_a_stage():
    result = hri_emo("bench", "graph", "--placements", "one,face+voice")
    single_error_line(result, "hri-emo bench graph: placement 'face+voice' must run every "
                              "stage once (missing: ['text', 'fusion'")


def test_graph_bench_says_how_to_get_hri_emo_on_path(tmp_path):
    script_dir = str(Path(shutil.which("hri-emo") or sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p != script_dir and not Path(p, "hri-emo").exists())
    result = subprocess.run([sys.executable, "-m", "hri_emo_ros.cli", "bench", "graph",
                             "--seconds", "1", "--device", "cpu"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PATH": path})
    single_error_line(result, "hri-emo bench graph: hri-emo is not on PATH: build the "
                              "workspace and source scripts/env.sh")
