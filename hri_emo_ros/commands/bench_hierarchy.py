# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench hierarchy`: cost of one hierarchy update and memory per tracked person.

Synthetic 30 Hz EmotionState streams go through a `HierarchyTracker` with its default
configuration (inline learning every 256 updates, saves every 60 s to a temporary
directory). Reports wall-clock and thread-CPU time per `update` (p50, p99) and the bytes
kept per additional person. Longer runs: raise --seconds and --persons. In a short run the
shared replay buffers are still filling while the extra people are measured, which inflates
bytes per person: `--seconds 120` gives the steady-state figure.
"""

from __future__ import annotations

import argparse
from typing import Any

from hri_emo_ros.commands.arg_types import non_negative_float, positive_float, positive_int
from hri_emo_ros.commands.bench_report import Row


def register(suites: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = suites.add_parser("hierarchy", help="hierarchy update latency and memory",
                               description=__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=positive_float, default=20.0,
                        help="seconds of stream timed per person (default 20)")
    parser.add_argument("--persons", type=positive_int, default=1,
                        help="people tracked at once (default 1)")
    parser.add_argument("--rate-hz", type=positive_float, default=30.0,
                        help="EmotionState rate per person (default 30)")
    parser.add_argument("--warmup-s", type=non_negative_float, default=2.0,
                        help="seconds of stream before timing starts (default 2)")
    parser.add_argument("--memory-persons", type=positive_int, default=20,
                        help="extra people added to measure bytes per person (default 20)")
    parser.add_argument("--no-learning", action="store_true", help="no inline learning")
    parser.add_argument("--no-persistence", action="store_true", help="no saves")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(measure=measure)
    return parser


def measure(args: argparse.Namespace) -> tuple[dict[str, Any], list[Row]]:
    from hri_emo_ros.hierarchy import bench

    figures = bench.run(persons=args.persons, seconds=args.seconds, rate_hz=args.rate_hz,
                        learning=not args.no_learning, persistence=not args.no_persistence,
                        warmup_s=args.warmup_s, seed=args.seed,
                        memory_persons=args.memory_persons)
    rows: list[Row] = [
        ("hierarchy update", "ms per update (wall)", figures["update_ms_p50"],
         figures["update_ms_p99"]),
        ("hierarchy update", "ms per update (thread CPU)", figures["update_cpu_ms_p50"],
         figures["update_cpu_ms_p99"]),
        ("hierarchy memory", "bytes per person", figures["bytes_per_person"], None),
    ]
    return figures, rows
