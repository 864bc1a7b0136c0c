# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench` with tiny sizes: a table on stdout and every figure in the JSON file."""

from __future__ import annotations

import json
import os

from cli_process import hri_emo, single_error_line


def _machine_is_described(machine: dict) -> None:
    assert machine["cpu_model"] and machine["cpu_count"] == os.cpu_count()
    assert machine["torch"].split("+")[0].count(".") == 2
    assert len(machine["load_average_at_start"]) == 3


def test_perception_bench_times_face_voice_and_text(tmp_path):
    report_path = tmp_path / "perception.json"
    result = hri_emo("bench", "perception", "--frames", 3, "--audio-seconds", 3,
                     "--text-repeats", 1, "--device", "cpu", "--json", report_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["suite"] == "perception"
    _machine_is_described(report["machine"])
    face, voice, text = (report["results"][k] for k in ("face", "voice", "text"))
    assert face["frames"] == 3 and face["faces_per_frame"] == 1.0
    assert 0 < face["median_ms"] <= face["p99_ms"]
    assert {"detect", "expression"} <= set(face["stages"])
    assert voice["audio_seconds"] == 3.0 and voice["source"].endswith("sample_session/bag")
    assert 0 < voice["ms_per_audio_second_median"] <= voice["ms_per_audio_second_p99"]
    assert voice["speech_steps_per_pass"] > 0  # the session opens with real speech
    assert text["utterances"] == 16 and text["torch_threads"] == 1
    assert 0 < text["ms_per_utterance_median"] <= text["ms_per_utterance_p99"]
    table = result.stdout
    for figure in (face["median_ms"], voice["ms_per_audio_second_median"]):
        assert f"{figure:.3g}" in table or f"{figure:.1f}" in table
    assert "ms per sentence" in table and "ms per second of audio" in table


def test_hierarchy_bench_reports_update_cost_and_bytes_per_person(tmp_path):
    report_path = tmp_path / "hierarchy.json"
    result = hri_emo("bench", "hierarchy", "--seconds", 2, "--warmup-s", 0,
                     "--memory-persons", 2, "--json", report_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    _machine_is_described(report["machine"])
    figures = report["results"]
    assert figures["updates"] == 60 and report["options"]["seconds"] == 2.0
    assert 0 < figures["update_ms_p50"] <= figures["update_ms_p99"]
    assert figures["bytes_per_person"] > 0
    assert "bytes per person" in result.stdout and "ms per update" in result.stdout


def test_bench_refuses_an_unwritable_report_before_running(tmp_path):
    target = tmp_path / "missing_dir" / "report.json"
    result = hri_emo("bench", "hierarchy", "--json", target)
    single_error_line(result, f"hri-emo bench hierarchy: {target}: ")


def test_behavior_bench_writes_curves_and_figures(tmp_path):
    report_path = tmp_path / "behavior.json"
    result = hri_emo("bench", "behavior", "--seeds", 2, "--episodes", 50, "--out-dir",
                     tmp_path / "out", "--json", report_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(report_path.read_text(encoding="utf-8"))["results"]
    for method in ("agent", "q_learning", "random"):
        assert method in figures
    assert (tmp_path / "out" / "behavior_learning_curves.png").stat().st_size > 10_000
    assert "encounters to 90 %" in result.stdout
    too_short = hri_emo("bench", "behavior", "--seeds", 1, "--episodes", 5, "--out-dir",
                        tmp_path / "out2")
    single_error_line(too_short, "hri-emo bench behavior: need >= 2 seeds")
