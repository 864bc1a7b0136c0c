# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The launch file and the parameter file agree with the package, without importing launch.

`launch`/`launch_ros` are not available from PyPI, so this checks what a robot's
`ros2 launch hri_emo_ros hri_emo.launch.py` relies on: every executable is a console script
of the package, the parameter file exists and parses, every node section names a node the
launch file starts, and every parameter it sets is declared by that node class.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

pytest.importorskip("rclpy")
from hri_emo_ros.nodes.graph import STAGES  # noqa: E402
from hri_emo_ros.nodes.managed_node import COMMON_PARAMS  # noqa: E402
from hri_emo_ros.nodes.placement import parse_placement  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LAUNCH = ROOT / "launch" / "hri_emo.launch.py"
CONFIG = ROOT / "config" / "hri_emo.yaml"
ROS_BUILTIN_PARAMS = {"use_sim_time", "start_type_description_service"}


def launch_constant(name: str):
    tree = ast.parse(LAUNCH.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {LAUNCH.name}")


def console_scripts() -> set[str]:
    tree = ast.parse((ROOT / "setup.py").read_text())
    scripts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "console_scripts":
                    scripts |= {s.split("=")[0].strip() for s in ast.literal_eval(value)}
    return scripts


def declared(stage: str) -> set[str]:
    node_class = STAGES[stage].node_class()
    return {p.name for p in (*COMMON_PARAMS, *node_class.PARAMS)} | ROS_BUILTIN_PARAMS


def test_launch_stages_match_the_package():
    stages = launch_constant("STAGES")
    arguments = launch_constant("ARGUMENTS")
    assert arguments["stages"][0].split(",") == list(stages)
    scripts = console_scripts()
    assert set(stages) == set(STAGES)
    for stage, (executable, node_name, topic_args) in stages.items():
        assert executable in scripts, f"{executable} is not a console script"
        assert executable == STAGES[stage].executable
        assert node_name == STAGES[stage].node_name
        for parameter, argument in topic_args.items():
            assert parameter in declared(stage), f"{stage} does not declare {parameter}"
            assert argument in arguments, f"launch argument {argument} is not declared"


def test_every_configured_parameter_is_declared():
    config = yaml.safe_load(CONFIG.read_text())
    by_node_name = {stage.node_name: name for name, stage in STAGES.items()}
    assert set(config) == set(by_node_name), "config sections and graph nodes differ"
    for node_name, section in config.items():
        parameters = section["ros__parameters"]
        unknown = set(parameters) - declared(by_node_name[node_name])
        assert not unknown, f"{node_name}: {sorted(unknown)} are not declared by the node"


def test_configured_values_pass_the_nodes_checks():
    config = yaml.safe_load(CONFIG.read_text())
    for stage in STAGES.values():
        specs = {p.name: p for p in (*COMMON_PARAMS, *stage.node_class().PARAMS)}
        for key, value in config[stage.node_name]["ros__parameters"].items():
            if key in specs:
                assert specs[key].check(value) is None, (stage.node_name, key, value)
                assert type(value) is type(specs[key].default) or (
                    isinstance(value, list) and isinstance(specs[key].default, list)), (
                    f"{stage.node_name}.{key}: {value!r} has another type than the default")


def test_device_argument_reaches_every_node_with_a_device():
    assert set(launch_constant("DEVICE_STAGES")) == {
        stage for stage in STAGES if "device" in declared(stage)}


def test_topic_arguments_reach_only_their_node_in_a_shared_process():
    # launch_ros hands a dict of parameters to every node of the process ('/**')
    for stage, (_, _, topic_args) in launch_constant("STAGES").items():
        for parameter in topic_args:
            owners = [s for s in STAGES if parameter in declared(s)]
            assert owners == [stage], f"{parameter} is declared by {owners}"


def test_default_processes_start_every_stage_once_through_console_scripts():
    arguments = launch_constant("ARGUMENTS")
    placement = parse_placement(arguments["processes"][0])
    groups = placement.processes_for(arguments["stages"][0].split(","))
    assert sorted(s for group in groups for s in group) == sorted(STAGES)
    assert placement.name == "two" and len(groups) == 2
    assert "hri-emo" in console_scripts()
