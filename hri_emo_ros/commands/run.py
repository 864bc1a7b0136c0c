# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Run the hri_emo graph in one process: every stage's node in one executor.

    hri-emo run --config config/hri_emo.yaml
    hri-emo run --config config/hri_emo.yaml --stages face,fusion,decoder --device cpu
    hri-emo run --config config/hri_emo.yaml --namespace robot1 --ros-args --log-level debug

ROS arguments after `--ros-args` reach every node of the process; the launch file starts
its grouped processes this way. `--namespace` puts the nodes and the parameter file's
sections under a namespace (a bare `-r __ns:=` would leave the file's sections behind).

The same node classes and parameter file as `ros2 launch hri_emo_ros hri_emo.launch.py`,
without launch: ROS 2's composition pattern (one executor, one process to watch).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from hri_emo_ros.commands.errors import CommandError
from hri_emo_ros.nodes.placement import STAGE_ORDER

DEFAULT_STAGES = ",".join(STAGE_ORDER)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="run the graph in one process (composition)", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, required=True, metavar="YAML",
                        help="ROS 2 parameter file, e.g. config/hri_emo.yaml")
    parser.add_argument("--stages", default=DEFAULT_STAGES,
                        help=f"comma-separated stages (default {DEFAULT_STAGES})")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"),
                        help="override every node's device parameter")
    parser.add_argument("--namespace", default="",
                        help="namespace of every node and of its relative names")
    parser.add_argument("--use-sim-time", action="store_true",
                        help="follow /clock (e.g. while a bag is replayed with --clock)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hri_emo_ros.nodes.graph import run_graph
    from hri_emo_ros.nodes.parameter_file import namespaced_parameter_file, normalise_namespace

    if not args.config.is_file():
        raise CommandError(f"{args.config}: parameter file not found")
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    ros_args = []
    try:
        namespace = normalise_namespace(args.namespace)
    except ValueError as err:
        raise CommandError(str(err)) from None
    if namespace:
        ros_args += ["-r", f"__ns:={namespace}"]
    if args.device:
        ros_args += ["-p", f"device:={args.device}"]
    if args.use_sim_time:
        ros_args += ["-p", "use_sim_time:=true"]
    ros_args += getattr(args, "ros_args", [])
    with tempfile.TemporaryDirectory(prefix="hri_emo_run_") as directory:
        try:
            config = namespaced_parameter_file(args.config, namespace, Path(directory))
            return run_graph(str(config), stages, ros_args)
        except ValueError as err:
            raise CommandError(str(err)) from None
