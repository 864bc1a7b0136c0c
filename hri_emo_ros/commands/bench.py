# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench SUITE`: time the cores on this machine and report the figures.

Each suite is a module of hri_emo_ros.commands with `register(suites)`, which adds its
parser and returns it with the default `measure` (args -> (figures, table rows), optionally
followed by text printed under the table), and optionally `check` (args -> None, raising
CommandError) for checks to run before anything is loaded; adding a suite is one entry in
`SUITES`. The
machine is described (CPU, cores, torch, load average) before the suite runs, since other
work on the machine changes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from hri_emo_ros.commands.bench_report import format_table, machine_description
from hri_emo_ros.commands.errors import CommandError

SUITES = (
    "bench_perception",
    "bench_hierarchy",
    "bench_behavior",
    "bench_graph",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="time the cores on this machine",
                                   description=__doc__.splitlines()[0])
    suites = parser.add_subparsers(dest="suite", metavar="SUITE")
    for name in SUITES:
        suite = import_module(f"hri_emo_ros.commands.{name}").register(suites)
        suite.add_argument("--json", type=Path, metavar="FILE",
                           help="write every figure and the machine description as JSON")
        suite.set_defaults(run=run_suite, prog=suite.prog)

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(run=show_help, prog=parser.prog)


def run_suite(args: argparse.Namespace) -> int:
    if args.json is not None:
        _check_writable(args.json)
    if getattr(args, "check", None) is not None:  # a suite's quick checks of its options
        args.check(args)
    machine = machine_description()
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    figures, rows, *after_table = args.measure(args)
    print(f"{args.suite} on {machine['cpu_model']}, {machine['cpu_count']} cores, torch "
          f"{machine['torch']}, load average {machine['load_average_at_start'][0]:.2f} at start")
    print(format_table(rows))
    for text in after_table:
        print(text)
    if args.json is not None:
        report = {"suite": args.suite, "started": started, "machine": machine,
                  "options": _options(args), "results": figures}
        try:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{args.json}: cannot write ({error.strerror or error})"
                               ) from None
    return 0


def _check_writable(path: Path) -> None:
    if path.is_dir():
        raise CommandError(f"{path}: is a directory; --json names a file")
    if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
        raise CommandError(f"{path}: the directory {path.parent} does not exist or is not "
                           "writable")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    skip = {"run", "prog", "measure", "check", "json", "command", "suite"}
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
            if k not in skip}
