# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Run the hri_emo graph in one process: every stage's node in one executor.

    hri-emo run --config config/hri_emo.yaml
    hri-emo run --config config/hri_emo.yaml --stages face,fusion,decoder --device cpu

The same node classes and parameter file as `ros2 launch hri_emo_ros hri_emo.launch.py`,
without launch: ROS 2's composition pattern (lowest latency, one process to watch).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hri_emo_ros.commands.errors import CommandError

DEFAULT_STAGES = "face,voice,text,fusion,decoder,hierarchy,behavior"


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
    parser.add_argument("--use-sim-time", action="store_true",
                        help="follow /clock (e.g. while a bag is replayed with --clock)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hri_emo_ros.nodes.graph import run_graph

    if not args.config.is_file():
        raise CommandError(f"{args.config}: parameter file not found")
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    ros_args = []
    if args.device:
        ros_args += ["-p", f"device:={args.device}"]
    if args.use_sim_time:
        ros_args += ["-p", "use_sim_time:=true"]
    try:
        return run_graph(str(args.config), stages, ros_args)
    except ValueError as err:
        raise CommandError(str(err)) from None
