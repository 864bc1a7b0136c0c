# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench graph`: the whole graph, live, with real messages, in several placements.

A player in this process publishes at real time a 30 Hz 640x480 camera (JPEG
sensor_msgs/CompressedImage by default, raw rgb8 sensor_msgs/Image with --camera raw: the
sample session's smiling-face frames, cycled), 100 ms 16 kHz AudioFrames (the session's
real read speech, cycled) and a final Transcript every few seconds, all stamped with the
wall clock. The graph runs as `hri-emo run` processes. Placements, as the launch file's
`processes` argument: "one" (all seven stages in one process), "two" (face+fusion+decoder
and voice+text+hierarchy+behavior), "multi" (one stage per process, so fusion -> decoder
crosses a process boundary), or a grouping [NAME=]stages joined by '+', processes
separated by '/', e.g. cut=face+voice+text+fusion/decoder+hierarchy+behavior.

Figures: end-to-end latency from a camera frame's stamp to the EmotionState whose newest
evidence it is; per-stage latency (receive time - stamp); the fusion -> decoder hop;
sustained rates; drops; CPU (process CPU seconds / wall seconds) and peak memory (peak RSS
summed over the graph's processes). A peer baseline (Haar cascade + FER mini-Xception per
frame, as the common ROS emotion recognisers work) is timed on the same frames in this
process afterwards. Needs the workspace: `source scripts/env.sh`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from hri_emo_ros.commands.arg_types import (
    non_negative_float,
    non_negative_int,
    positive_float,
)
from hri_emo_ros.commands.bench_report import Row
from hri_emo_ros.commands.errors import CommandError

GOAL_END_TO_END_P99_MS = 33.0
GOAL_PEAK_MEMORY_MB = 1500.0
GOAL_FRAMES_PROCESSED = 0.95
STAGE_ROWS = (  # latency key, label, what the stamp is
    ("face_features", "face features", "from the frame stamp"),
    ("voice_features", "voice features", "from the newest window centre"),
    ("text_features", "text features", "from the transcript stamp"),
    ("fused", "fused sequence", "from the newest evidence"),
    ("fusion_to_decoder", "fusion -> decoder hop", "fused received -> emotion received"),
    ("face_features_to_emotion", "face features -> emotion", "same frame, received -> received"),
    ("emotion", "emotion", "from the newest evidence"),
    ("affective_state", "affective state", "from the newest evidence"),
    ("behavior", "behaviour", "from the decision time"),
)


def _domain(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 101:
        raise argparse.ArgumentTypeError(f"must be in 0..101, got {value}")
    return value


def register(suites: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = suites.add_parser("graph", help="the whole graph live, in several placements",
                               description=__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=positive_float, default=30.0,
                        help="measured seconds per placement (default 30)")
    parser.add_argument("--warmup", type=non_negative_float, default=5.0,
                        help="seconds of playback before measuring (default 5)")
    parser.add_argument("--placements", default="one,two,multi",
                        help="comma-separated: one, two, multi, or [NAME=]stages joined by "
                             "'+' with processes separated by '/' (default one,two,multi)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="every node's device, and the baseline's (default auto)")
    parser.add_argument("--camera", choices=("compressed", "raw"), default="compressed",
                        help="JPEG CompressedImage or raw rgb8 Image (raw uses "
                             "config/fastdds_shm.xml; default compressed)")
    parser.add_argument("--rate", type=positive_float, default=30.0,
                        help="camera frames per second (default 30)")
    parser.add_argument("--transcript-period", type=positive_float, default=3.0,
                        help="seconds between transcripts (default 3)")
    parser.add_argument("--baseline-frames", type=non_negative_int, default=300,
                        help="frames timed for the peer baseline (default 300; 0: skip)")
    parser.add_argument("--config", type=Path, help="parameter file (default: the shipped "
                                                    "config/hri_emo.yaml)")
    parser.add_argument("--ready-timeout", type=positive_float, default=180.0,
                        help="seconds the graph may take to start (default 180)")
    parser.add_argument("--domain-id", type=_domain,
                        help="ROS domain (default: a free one chosen for this run)")
    parser.add_argument("--log-dir", type=Path, help="keep the graph's logs here")
    parser.set_defaults(measure=measure, check=check)
    return parser


def check(args: argparse.Namespace) -> None:
    """Placements, PATH and config, before any model or ROS library is loaded."""
    placements(args)
    if args.config is not None and not args.config.is_file():
        raise CommandError(f"{args.config}: parameter file not found")


def placements(args: argparse.Namespace) -> list:
    from hri_emo_ros.nodes.graph_processes import GraphBenchError, hri_emo_executable
    from hri_emo_ros.nodes.placement import PlacementError, parse_placement

    try:
        tokens = [p for p in args.placements.split(",") if p.strip()]
        chosen = [parse_placement(p, f"split{i}") for i, p in enumerate(tokens, 1)]
        if not chosen or len({p.name for p in chosen}) != len(chosen):
            raise CommandError("--placements: name each placement once")
        hri_emo_executable()
    except (GraphBenchError, PlacementError) as error:
        raise CommandError(str(error)) from None
    return chosen


def measure(args: argparse.Namespace) -> tuple[dict[str, Any], list[Row], str]:
    chosen = placements(args)
    try:
        from hri_emo_ros.nodes.graph_bench import GraphBenchOptions, run_graph_bench
        from hri_emo_ros.nodes.graph_processes import GraphBenchError
    except ImportError as error:
        raise CommandError(f"rclpy or the hri_emo messages are not importable ({error}): "
                           "source scripts/env.sh") from None
    from hri_emo_ros.common.device import resolve_device

    try:
        resolve_device(args.device)
    except ValueError as error:
        raise CommandError(f"--device: {error}") from None
    options = GraphBenchOptions(
        placements=chosen, seconds=args.seconds, warmup_s=args.warmup, device=args.device,
        camera=args.camera, rate_hz=args.rate, transcript_period_s=args.transcript_period,
        ready_timeout_s=args.ready_timeout, domain_id=args.domain_id,
        baseline_frames=args.baseline_frames, log_dir=args.log_dir)
    if args.config is not None:
        options.config = args.config
    try:
        figures = run_graph_bench(options, progress=_progress)
    except GraphBenchError as error:
        raise CommandError(str(error)) from None
    figures["goals"] = {name: goals(placement) for name, placement in
                        figures["placements"].items()}
    return figures, table_rows(figures), goals_text(figures)


def _progress(line: str) -> None:
    print(f"bench graph: {line}", file=sys.stderr, flush=True)


def goals(placement: dict) -> list[dict]:
    """The product's goals for one person on a 2-core CPU, checked for one placement."""
    p99 = placement["latency_ms"]["end_to_end"]["p99"]
    memory = placement["memory"]["peak_rss_mb"]
    published = placement["counts"]["camera_published"]
    processed = (placement["counts"]["camera_processed"] / published) if published else 0.0
    return [
        {"goal": f"end-to-end p99 <= {GOAL_END_TO_END_P99_MS:g} ms at 30 Hz", "value": p99,
         "unit": "ms", "pass": p99 is not None and p99 <= GOAL_END_TO_END_P99_MS},
        {"goal": f"peak memory <= {GOAL_PEAK_MEMORY_MB:g} MB", "value": memory, "unit": "MB",
         "pass": memory <= GOAL_PEAK_MEMORY_MB},
        {"goal": f"camera frames processed >= {GOAL_FRAMES_PROCESSED:.0%} (sustains the "
                 "camera rate)", "value": round(100 * processed, 1), "unit": "%",
         "pass": processed >= GOAL_FRAMES_PROCESSED},
    ]


def table_rows(figures: dict) -> list[Row]:
    rows: list[Row] = []
    for name, placement in figures["placements"].items():
        latency, rates = placement["latency_ms"], placement["rates_per_s"]
        tag = f"[{name}]"
        e2e = latency["end_to_end"]
        rows.append((f"{tag} end to end: camera -> emotion", f"ms ({e2e['count']} frames)",
                     e2e["p50"], e2e["p99"]))
        for key, label, stamp in STAGE_ROWS:
            stats = latency[key]
            rows.append((f"{tag}   {label}", f"ms, {stamp} ({stats['count']})", stats["p50"],
                         stats["p99"]))
        rows += [
            (f"{tag} camera frames processed",
             f"per s ({rates['camera_published']:.1f} published)", rates["camera_processed"],
             None),
            (f"{tag} camera frames dropped", "frames", placement["drops"]["camera_frames"],
             None),
            (f"{tag} emotion messages", "per s", rates["emotion"], None),
            (f"{tag} CPU of the graph", "cores (CPU s / wall s)",
             placement["cpu"]["graph_cores"], None),
            (f"{tag} peak memory", f"MB (peak RSS summed, {_processes(placement)})",
             placement["memory"]["peak_rss_mb"], None),
            (f"{tag} memory at the end", "MB (PSS summed: shared pages split)",
             placement["memory"]["pss_mb"], None),
        ]
    baseline = figures.get("baseline")
    if baseline:
        rows.append(("peer: Haar + mini-Xception", "ms per frame", baseline["ms_per_frame"]["p50"],
                     baseline["ms_per_frame"]["p99"]))
        for name, ratio in figures["ratios"].items():
            rows.append((f"[{name}] ours / peer", "end-to-end p50 / peer p50",
                         ratio["end_to_end_p50_over_peer_p50"], None))
    return rows


def _processes(placement: dict) -> str:
    count = len(placement["processes"])
    return f"{count} process" + ("es" if count != 1 else "")


def goals_text(figures: dict) -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [f"goals (one person, 2-core CPU; this machine: {usable} usable cores)"]
    for name, checks in figures["goals"].items():
        for check in checks:
            value = "-" if check["value"] is None else f"{check['value']:g} {check['unit']}"
            lines.append(f"  [{name}] {check['goal']}: {value}  "
                         f"{'PASS' if check['pass'] else 'FAIL'}")
    return "\n".join(lines)
