# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench behavior`: learning curves of the behaviour agent on simulated persons.

The agent (basal ganglia with empowerment and dreaming), its ablations, plain Q-learning
and a random policy meet the same simulated persons (hidden preferences, noisy affective
responses) over many seeds. Reports episodes to reach 90 % of the best achievable return,
the final return and the area under the curve with 95 % bootstrap intervals, and writes
behavior_bench.json and behavior_learning_curves.png to --out-dir. The full comparison
(30 seeds x 200 encounters) takes about 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hri_emo_ros.commands.arg_types import positive_int
from hri_emo_ros.commands.bench_report import Row
from hri_emo_ros.commands.errors import CommandError

METHODS = ("agent", "agent_no_dreaming", "agent_no_empowerment", "agent_no_generalisation",
           "q_learning")


def register(suites: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = suites.add_parser("behavior", help="behaviour agent learning curves",
                               description=__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=positive_int, default=30, help="default 30")
    parser.add_argument("--episodes", type=positive_int, default=200, help="default 200")
    parser.add_argument("--workers", type=positive_int, default=None,
                        help="parallel processes (default: one per core)")
    parser.add_argument("--out-dir", type=Path, default=Path("runs/behavior"),
                        help="where the JSON and the plot go (default runs/behavior)")
    parser.set_defaults(measure=measure)
    return parser


def measure(args: argparse.Namespace) -> tuple[dict[str, Any], list[Row]]:
    from hri_emo_ros.behavior import bench

    try:
        figures = bench.run(seeds=args.seeds, episodes=args.episodes, out_dir=args.out_dir,
                            workers=args.workers)
    except ValueError as err:
        raise CommandError(str(err)) from None
    rows: list[Row] = []
    for method in METHODS:
        if method in figures:
            rows.append((method, "encounters to 90 % of the best",
                         figures[method]["episodes_to_90pct"][0], None))
            rows.append((method, "final return (0 random, 1 best)",
                         figures[method]["final_normalised"][0], None))
    print(f"plot and per-seed figures in {args.out_dir}")
    return figures, rows
