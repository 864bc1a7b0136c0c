# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The replay's second process (the face stage run ahead): its steps, and how its failures
reach the main process."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import yaml

pytest.importorskip("rclpy")
from hri_emo_ros.bags.reader import open_bag  # noqa: E402
from hri_emo_ros.evaluation.input_topics import choose_routes, input_parameters  # noqa: E402
from hri_emo_ros.nodes.replay_ahead import AheadJob, AheadProcess, ahead_domain  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BAG = ROOT / "data" / "sample_session" / "bag"


def job(ros_domain: int, directory: Path, bag: Path = BAG, until_s: float = 3.0) -> AheadJob:
    sample = open_bag(BAG)
    routes = choose_routes(sample.topics, {"camera": None, "audio": None, "transcript": None})
    inputs = directory / "inputs.yaml"    # the face node listens where the replay publishes
    inputs.write_text(yaml.safe_dump({node: {"ros__parameters": values}
                                      for node, values in input_parameters(routes).items()}))
    args = ["hri-emo", "--ros-args", "--params-file", str(ROOT / "config" / "hri_emo.yaml"),
            "--params-file", str(inputs), "-p", "device:=cpu"]
    return AheadJob(str(bag), routes, ["face"], args, ahead_domain(ros_domain),
                    sample.start_ns + int(until_s * 1e9))


def test_face_outputs_come_in_bag_order_and_other_inputs_pass_through(ros_domain, tmp_path):
    ahead = AheadProcess(job(ros_domain, tmp_path))
    try:
        ahead.wait_ready()
        steps = list(ahead.steps())
    finally:
        ahead.close()
    assert set(ahead.outputs) == {"/hri_emo/features/video", "/hri_emo/faces/tracked"}
    assert set(ahead.passed) == {"/hri_emo/replay/audio", "/hri_emo/replay/transcript"}
    assert [s.stamp_ns for s in steps] == sorted(s.stamp_ns for s in steps)
    camera = [s for s in steps if s.role == "camera"]
    assert len(camera) == 30                      # 3 s at 10 Hz, each a step of its own
    assert all("/hri_emo/faces/tracked" in dict(s.messages) for s in camera)
    assert all(s.processed_s > 0 for s in camera)
    audio = [s for s in steps if s.role == "audio"]
    assert audio and all(s.messages[0][0] == "/hri_emo/replay/audio" and s.processed_s == 0
                         for s in audio)
    assert "hri_emo_face" in ahead.health


def test_a_failure_in_the_second_process_is_raised_with_its_reason(ros_domain, tmp_path):
    ahead = AheadProcess(job(ros_domain, tmp_path, bag=tmp_path / "gone"))
    try:
        with pytest.raises(RuntimeError, match="second process failed.*gone"):
            ahead.wait_ready()
    finally:
        ahead.close()


def test_a_killed_second_process_ends_the_replay_with_a_clear_error(ros_domain, tmp_path):
    ahead = AheadProcess(job(ros_domain, tmp_path, until_s=40.0))
    try:
        ahead.wait_ready()
        os.kill(ahead._process.pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="ended unexpectedly.*exit code -9"):
            for _ in ahead.steps():
                pass
    finally:
        ahead.close()
