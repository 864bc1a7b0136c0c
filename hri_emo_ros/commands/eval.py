# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo eval BAG`: replay a recorded bag through the graph, record and score its outputs.

    hri-emo eval data/sample_session/bag --labels data/sample_session/labels.csv
    hri-emo eval robot_run/ --camera /camera/color/image_raw/compressed --audio /audio/audio

Reads rosbag2 bags (mcap or sqlite3). The camera, audio and transcript topics are found by
message type when not named. By default the bag is replayed lock-step on simulated time, as
fast as the machine allows (deterministic: no message is dropped for being late; the face
stage runs ahead in a second process, which changes nothing in the outputs);
`--realtime` plays it at the recorded pace. Writes to --out (default runs/eval-<time>/):
`outputs/` (a bag of every output topic), `metrics.json` (per-class F1 and weighted
accuracy, WA/UA, CCC of valence and arousal when --labels is given; latency per stage; the
replay speed) and `report.html` with its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from hri_emo_ros.commands.arg_types import positive_float
from hri_emo_ros.commands.errors import CommandError

DEFAULT_STAGES = "face,voice,text,fusion,decoder,hierarchy,behavior"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="replay a bag through the graph; record, score and report its outputs",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bag", type=Path, help="rosbag2 directory, or a .mcap / .db3 file")
    parser.add_argument("--labels", type=Path, metavar="CSV",
                        help="labelled spans: person_id,start,end,emotion,valence,arousal "
                             "(see data/sample_session/PROVENANCE.md)")
    parser.add_argument("--realtime", action="store_true",
                        help="play at the recorded pace instead of lock-step as fast as possible")
    parser.add_argument("--one-process", action="store_true",
                        help="lock-step: run the face stage in the main process too "
                             "(default: a second process runs it ahead, on a second core; "
                             "the outputs are the same)")
    parser.add_argument("--until", type=positive_float, metavar="SECONDS",
                        help="replay only the first SECONDS of the bag")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output directory (default runs/eval-<time>)")
    for role, example in (("camera", "/camera/image_raw/compressed"), ("audio", "/audio/audio"),
                          ("transcript", "/speech/transcript")):
        parser.add_argument(f"--{role}", metavar="TOPIC",
                            help=f"the bag's {role} topic, e.g. {example} (default: the one "
                                 "topic of a matching type)")
    parser.add_argument("--config", type=Path, metavar="YAML",
                        help="graph parameter file (default: the package's config/hri_emo.yaml)")
    parser.add_argument("--stages", default=DEFAULT_STAGES,
                        help=f"comma-separated stages (default {DEFAULT_STAGES})")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"),
                        help="override every node's device parameter")
    parser.add_argument("--domain-id", type=int, metavar="N",
                        help="ROS_DOMAIN_ID for the replay (default: a private one derived "
                             "from the process id, so a running robot graph is not disturbed); "
                             "the second process uses (N + 51) mod 102")
    parser.add_argument("--no-report", action="store_true", help="skip report.html")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--verbose", action="store_true",
                        help="show the nodes' log lines here instead of in <out>/graph.log")
    parser.set_defaults(run=run, prog=parser.prog)


def _open_inputs(args: argparse.Namespace):
    from hri_emo_ros.bags.errors import BagError
    from hri_emo_ros.bags.labels import LabelError, load_labels
    from hri_emo_ros.bags.reader import open_bag
    from hri_emo_ros.evaluation.input_topics import TopicChoiceError, choose_routes

    try:
        bag = open_bag(args.bag)
    except BagError as err:
        raise CommandError(str(err)) from None
    try:
        spans = load_labels(args.labels) if args.labels else None
    except (LabelError, OSError) as err:
        raise CommandError(f"{args.labels}: {err}") from None
    try:
        routes = choose_routes(bag.topics, {"camera": args.camera, "audio": args.audio,
                                            "transcript": args.transcript})
    except TopicChoiceError as err:
        raise CommandError(f"{args.bag}: {err}") from None
    return bag, spans, routes


def _output_dir(args: argparse.Namespace) -> Path:
    out = args.out or Path("runs") / time.strftime("eval-%Y%m%d-%H%M%S")
    if (out / "outputs").exists():
        raise CommandError(f"{out} already holds a replay (outputs/); choose a new --out")
    out.mkdir(parents=True, exist_ok=True)
    return out


def run(args: argparse.Namespace) -> int:
    from hri_emo_ros.common.model_files import config_path
    from hri_emo_ros.nodes.graph import STAGES

    config = args.config or config_path("hri_emo.yaml")
    if not config.is_file():
        raise CommandError(f"{config}: parameter file not found")
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise CommandError(f"unknown stages {unknown}; choose from {', '.join(STAGES)}")
    bag, spans, routes = _open_inputs(args)
    if not bag.message_count:
        raise CommandError(f"{args.bag}: the bag holds no messages")
    out = _output_dir(args)
    domain = args.domain_id if args.domain_id is not None else 101 - os.getpid() % 60
    for route in routes:
        print(f"replaying {route.bag_topic} ({route.input.msgtype}) as the {route.input.role}",
              file=sys.stderr)
    result = _replay(args, bag, routes, config, stages, out, domain)
    metrics = _metrics(args, bag, spans, result, routes, stages)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, allow_nan=True) + "\n")
    print(_summary(metrics))
    if not args.no_report:
        from hri_emo_ros.commands.native_logs import stderr_to_file
        from hri_emo_ros.report import format_summary_table, write_report

        with stderr_to_file(out / "graph.log", keep=args.verbose):
            summary = write_report(out, args.bag, out / "outputs", spans, metrics,
                                   title=f"hri_emo replay of {args.bag}")
        print(format_summary_table(summary))
        print(f"report: {summary.report_path}")
    print(f"metrics: {out / 'metrics.json'}\noutputs: {out / 'outputs'}\n"
          f"node logs: {out / 'graph.log'}")
    return 0


def _replay(args, bag, routes, config, stages, out, domain):
    from hri_emo_ros.commands.native_logs import stderr_to_file

    log = out / "graph.log"
    with stderr_to_file(log, keep=args.verbose) as terminal:
        try:
            return _replay_with_progress(args, bag, routes, config, stages, out, domain,
                                         terminal)
        except CommandError as err:
            raise CommandError(f"{err} (the nodes' log: {log})") from None


def _replay_with_progress(args, bag, routes, config, stages, out, domain, terminal):
    from tqdm import tqdm

    from hri_emo_ros.bags.errors import BagError
    from hri_emo_ros.nodes.replay import ReplayOptions, replay

    relevant = {route.bag_topic for route in routes}
    total = sum(info.count for name, info in bag.topics.items() if name in relevant)
    bar = tqdm(total=total, unit="msg", disable=args.quiet, desc="replay", file=terminal,
               dynamic_ncols=True)

    def progress(done: int, seconds: float) -> None:
        bar.update(done - bar.n)
        bar.set_postfix_str(f"{seconds:.1f} s of {bag.duration_s:.1f} s", refresh=False)

    options = ReplayOptions(bag=bag, routes=routes, output_bag=out / "outputs",
                            config=config, stages=stages, state_directory=out / "state",
                            device=args.device, realtime=args.realtime, progress=progress,
                            until_s=args.until, second_process=not args.one_process)
    try:
        return replay(options, domain)
    except (RuntimeError, BagError) as err:
        raise CommandError(str(err)) from None
    finally:
        bar.close()


def _metrics(args, bag, spans, result, routes, stages) -> dict:
    from hri_emo_ros.evaluation.scoring import latency_summary, score_emotions

    metrics = {
        "bag": str(args.bag), "mode": "realtime" if args.realtime else "lock-step",
        "processes": result.processes,
        "stages": stages, "domain_id": result.domain_id,
        "inputs": {route.input.role: route.bag_topic for route in routes},
        "messages_replayed": result.inputs, "bag_seconds": result.bag_duration_s,
        "startup_seconds": result.startup_s, "replay_seconds": result.replay_s,
        "speed_x_realtime": result.speed, "outputs": dict(result.outputs),
        "latency_ms": latency_summary(result.latencies),
        "latency_note": "wall time from publishing an input message to receiving an output "
                        "whose header stamp equals that input's stamp; with two processes, "
                        "the face stage's time in the second one is counted and the time its "
                        "outputs waited to be republished is not",
        "node_health": result.node_health,
    }
    if spans is not None:
        try:
            metrics["emotion"] = score_emotions(result.emotions, spans)
        except ValueError as err:
            raise CommandError(f"{args.labels}: {err}") from None
    return metrics


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _summary(metrics: dict) -> str:
    lines = [f"replayed {metrics['messages_replayed']} messages, "
             f"{metrics['bag_seconds']:.1f} s of bag in {metrics['replay_seconds']:.1f} s "
             f"({metrics['speed_x_realtime']:.1f}x real time, {metrics['mode']}; "
             f"start-up {metrics['startup_seconds']:.1f} s)"]
    for topic, count in sorted(metrics["outputs"].items()):
        lines.append(f"  {topic:<32} {count:6d} messages")
    if metrics["latency_ms"]:
        lines.append(f"  {'latency (input -> output)':<52} {'p50 ms':>8} {'p99 ms':>8}")
        for stage, row in metrics["latency_ms"].items():
            lines.append(f"  {stage:<52} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f}")
    emotion = metrics.get("emotion")
    if emotion and "per_class" in emotion:
        lines.append(f"scored {emotion['labelled_states']} of {emotion['states']} EmotionStates: "
                     f"WA {_fmt(emotion['weighted_accuracy'])}, "
                     f"UA {_fmt(emotion['unweighted_accuracy'])}, "
                     f"macro-F1 {_fmt(emotion['macro_f1'])}, "
                     f"CCC valence {_fmt(emotion['ccc_valence'])}, "
                     f"arousal {_fmt(emotion['ccc_arousal'])}")
        for name, row in emotion["per_class"].items():
            if row["support"]:
                lines.append(f"  {name:<10} F1 {_fmt(row['f1'])}  weighted acc "
                             f"{_fmt(row['weighted_accuracy'])}  recall {_fmt(row['recall'])}"
                             f"  n={row['support']}")
    elif emotion:
        lines.append(emotion.get("note", ""))
    return "\n".join(lines)
