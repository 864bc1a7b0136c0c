# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Render the report of a recorded run again: figures and an HTML page from the replayed
input bag and the bag of the graph's outputs.

    hri-emo report --input-bag data/sample_session/bag --output-bag runs/demo/outputs \\
        --labels data/sample_session/labels.csv --out runs/demo/report

Writes OUT/report.html and OUT/figures/*.png (OUT defaults to a `report` folder next to
the output bag) and prints one summary line per person.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hri_emo_ros.commands.arg_types import non_negative_int
from hri_emo_ros.commands.errors import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="render the report of a recorded run (HTML + figures)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input-bag", type=Path, required=True, metavar="BAG",
                        help="the bag that was replayed (camera, audio, transcripts)")
    parser.add_argument("--output-bag", type=Path, required=True, metavar="BAG",
                        help="the bag of the graph's outputs recorded during the replay")
    parser.add_argument("--labels", type=Path, metavar="CSV",
                        help="ground-truth spans (person_id,start,end,emotion,valence,arousal)")
    parser.add_argument("--metrics", type=Path, metavar="JSON",
                        help="evaluation metrics to show as tables (a JSON object)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="report directory (default: 'report' next to the output bag)")
    parser.add_argument("--title", help="page title")
    parser.add_argument("--frames", type=non_negative_int, default=8, metavar="N",
                        help="camera frames in the strip (0: none; default 8)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                        help="device of the face core run on those frames (default cpu)")
    parser.set_defaults(run=run)


def _metrics(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"{path}: cannot read ({error.strerror or error})") from None
    except json.JSONDecodeError as error:
        raise CommandError(f"{path}: not JSON ({error})") from None
    if not isinstance(data, dict):
        raise CommandError(f"{path}: expected a JSON object of metrics")
    return data


def run(args: argparse.Namespace) -> int:
    from hri_emo_ros.bags.labels import LabelError, load_labels
    from hri_emo_ros.report import ReportError, format_summary_table, write_report
    from hri_emo_ros.report.report import DEFAULT_TITLE

    out = args.out if args.out is not None else args.output_bag.resolve().parent / "report"
    try:
        labels = load_labels(args.labels) if args.labels is not None else None
    except LabelError as error:
        raise CommandError(str(error)) from None
    try:
        summary = write_report(out, args.input_bag, args.output_bag, labels,
                               _metrics(args.metrics), args.title or DEFAULT_TITLE,
                               frames=args.frames, device=args.device)
    except ReportError as error:
        raise CommandError(str(error)) from None
    print(format_summary_table(summary))
    print(f"report: {summary.report_path}")
    return 0
