# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo`: the command line of hri_emo (analysis, training, evaluation, benchmarks)."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from hri_emo_ros import __version__
from hri_emo_ros.commands.errors import CommandError

# Modules of hri_emo_ros.commands, each with register(subparsers).
COMMANDS = ("analyze", "train", "eval", "evaluate", "bench", "run", "report")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hri-emo", description=__doc__)
    parser.add_argument("--version", action="version", version=f"hri-emo {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"hri_emo_ros.commands.{name}").register(subparsers)
    return parser


def split_ros_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """(our arguments, ROS arguments): each `--ros-args` block runs to a `--` or the end,
    as rcl reads them; the ROS part keeps its `--ros-args` markers."""
    ours: list[str] = []
    ros: list[str] = []
    in_ros = False
    for token in argv:
        if token == "--ros-args":
            in_ros = True
            ros.append(token)
        elif in_ros and token == "--":
            in_ros = False
        else:
            (ros if in_ros else ours).append(token)
    return ours, ros


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv, ros_args = split_ros_args(sys.argv[1:] if argv is None else list(argv))
    command = next((token for token in argv if not token.startswith("-")), None)
    if ros_args and command != "run":
        parser.error(f"--ros-args is only read by `hri-emo run`, not `hri-emo {command}`")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    args.ros_args = ros_args
    prog = getattr(args, "prog", f"{parser.prog} {args.command}")
    try:
        return args.run(args)
    except CommandError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`hri-emo analyze ... | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
