# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo run` as the launch file starts a shared process: under a namespace, with the
parameter file's sections following it, and with ROS arguments after `--ros-args`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

rclpy = pytest.importorskip("rclpy")
from lifecycle_msgs.srv import GetState  # noqa: E402
from rcl_interfaces.srv import GetParameters  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402
from ros_tools import call  # noqa: E402

from hri_emo_ros.cli import split_ros_args  # noqa: E402
from hri_emo_ros.nodes.parameter_file import (  # noqa: E402
    namespaced_parameter_file,
    normalise_namespace,
)


def test_ros_arguments_are_split_from_ours_as_rcl_reads_them():
    assert split_ros_args(["run", "--config", "c.yaml", "--ros-args", "-r", "__ns:=/a",
                           "--", "--stages", "face", "--ros-args", "--log-level", "debug"]) == (
        ["run", "--config", "c.yaml", "--stages", "face"],
        ["--ros-args", "-r", "__ns:=/a", "--ros-args", "--log-level", "debug"])
    assert split_ros_args(["run"]) == (["run"], [])


def test_parameter_sections_move_under_the_namespace(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("hri_emo_face:\n  ros__parameters: {device: cpu}\n"
                      "/**:\n  ros__parameters: {use_sim_time: true}\n")
    assert namespaced_parameter_file(config, "") == config
    moved = namespaced_parameter_file(config, "robot1/head", tmp_path)
    assert yaml.safe_load(moved.read_text()) == {
        "/robot1/head/hri_emo_face": {"ros__parameters": {"device": "cpu"}},
        "/**": {"ros__parameters": {"use_sim_time": True}}}
    assert normalise_namespace("/robot1/") == "/robot1"
    for bad in ("1robot", "robot one", "a//b"):
        with pytest.raises(ValueError, match="namespace"):
            normalise_namespace(bad)
    config.write_text("- a list\n")
    with pytest.raises(ValueError, match="maps node names"):
        namespaced_parameter_file(config, "robot1", tmp_path)


def _parameter(executor, node, service: str, name: str):
    client = node.create_client(GetParameters, service)
    answer = call(executor, client, GetParameters.Request(names=[name]), timeout=60)
    return answer.values[0]


@pytest.mark.parametrize("started_as", ["hri-emo run --namespace", "the launch file"])
def test_shared_process_under_a_namespace_reads_its_parameter_files(
        started_as, rclpy_context, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "hri_emo_hierarchy": {"ros__parameters": {"state_directory": str(tmp_path / "h")}},
        "hri_emo_behavior": {"ros__parameters": {"decision_period": 0.35,
                                                 "state_directory": str(tmp_path / "b")}}}))
    overrides = tmp_path / "overrides.yaml"  # as launch_ros writes a dict of parameters
    overrides.write_text(yaml.safe_dump({"/**": {"ros__parameters": {"max_persons": 3}}}))
    log_path = tmp_path / "run.log"
    command = [shutil.which("hri-emo"), "run", "--stages", "hierarchy,behavior"]
    if started_as == "the launch file":  # its command for a group under namespace:=robot7
        command += ["--config", str(namespaced_parameter_file(config, "robot7", tmp_path)),
                    "--ros-args", "-r", "__ns:=/robot7", "--params-file", str(overrides)]
    else:
        command += ["--config", str(config), "--namespace", "robot7",
                    "--ros-args", "--params-file", str(overrides)]
    node = rclpy.create_node("namespace_probe", context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, HOME=str(tmp_path)))
    try:
        period = _parameter(executor, node, "/robot7/hri_emo_behavior/get_parameters",
                            "decision_period")
        assert period.double_value == 0.35, log_path.read_text()
        persons = _parameter(executor, node, "/robot7/hri_emo_hierarchy/get_parameters",
                             "max_persons")
        assert persons.integer_value == 3, log_path.read_text()
        state = call(executor, node.create_client(GetState, "/robot7/hri_emo_behavior/get_state"),
                     GetState.Request(), timeout=30)
        assert state.current_state.label == "active"
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, log_path.read_text()


def test_run_refuses_a_bad_namespace_and_ros_arguments_elsewhere(tmp_path):
    root = Path(__file__).resolve().parents[1]
    bad = subprocess.run([shutil.which("hri-emo"), "run", "--config",
                          str(root / "config" / "hri_emo.yaml"), "--namespace", "1robot"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "namespace '/1robot'" in bad.stderr
    elsewhere = subprocess.run([shutil.which("hri-emo"), "report", "--ros-args", "-r", "a:=b"],
                               capture_output=True, text=True, timeout=60)
    assert elsewhere.returncode == 2 and "--ros-args is only read by `hri-emo run`" in (
        elsewhere.stderr)
