# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo train hierarchy`: pre-train the hierarchy's JEPA levels on recorded streams.

    hri-emo train hierarchy --streams session1/ session2.jsonl --output hierarchy.pt
    hri-emo train hierarchy --dataset iemocap --data-dir DIR --fusion-checkpoint PT \
        --output hierarchy.pt

Streams are rosbag2 bags with hri_emo_msgs/EmotionState topics or JSON-lines files of
EmotionState-like objects (person_id, stamp, labels, scores, valence, arousal, confidence),
or directories holding them; each person of each file or topic is one stream, and a share of
the streams is held out to measure each level's prediction error before and after training.
With --dataset the streams are made from a public corpus instead, without its labels: its
samples are replayed through the fusion node's logic and a fusion checkpoint on the live
features, giving the EmotionState streams the hierarchy would see (one per --stream-key
value, e.g. a speaker in a dialog; see hri_emo_ros/corpora/state_streams.py).
`--config` is a YAML mapping of the pretrain settings (epochs, learn_every, learning_rate,
momentum_start, momentum_end, validation_fraction, seed) with an optional `hierarchy:`
section (the hierarchy node's configuration). Prints the statistics as JSON. The same seed
and inputs give the same checkpoint.
"""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path
from typing import Any

from hri_emo_ros.commands.arg_types import positive_int
from hri_emo_ros.commands.corpus_streams import add_arguments as add_corpus_arguments
from hri_emo_ros.commands.corpus_streams import (
    corpus_flags_without_dataset,
    load_corpus_streams,
)
from hri_emo_ros.commands.errors import CommandError


def register(targets: argparse._SubParsersAction) -> None:
    parser = targets.add_parser(
        "hierarchy", help="pre-train the hierarchy on recorded EmotionState streams",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", nargs="+", type=Path, metavar="PATH",
                        help="bags, JSON-lines files, or directories holding them")
    parser.add_argument("--output", required=True, type=Path, metavar="PATH",
                        help="checkpoint to write (loadable by the hierarchy node)")
    parser.add_argument("--config", type=Path, metavar="YAML", help="pretrain settings")
    parser.add_argument("--topic", action="append", metavar="TOPIC",
                        help="EmotionState topic to read from bags (repeatable; default: all "
                             "topics of that type)")
    parser.add_argument("--epochs", type=positive_int, help="overrides the config")
    parser.add_argument("--seed", type=int, help="overrides the config (default 0)")
    add_corpus_arguments(parser)
    parser.set_defaults(run=run, prog=parser.prog)


def run(args: argparse.Namespace) -> int:
    if (args.streams is None) == (args.dataset is None):
        raise CommandError("give --streams PATH... or --dataset NAME (not both)")
    if args.dataset is None and corpus_flags_without_dataset(args):
        raise CommandError(f"{', '.join(corpus_flags_without_dataset(args))} need --dataset")
    settings = _settings(args)
    _check_output(args.output)

    from hri_emo_ros.hierarchy.errors import ConfigError
    from hri_emo_ros.hierarchy.pretrain import PretrainConfig, pretrain

    try:
        config = PretrainConfig.from_dict(settings)
    except ConfigError as error:
        raise CommandError(f"{args.config or 'settings'}: {error}") from None
    replay = None
    if args.dataset is not None:
        records, replay = load_corpus_streams(args)
        inputs = [f"{args.dataset} ({replay['split']} split)"]
    else:
        records, inputs = _recorded_streams(args)
    try:
        stats = pretrain(records, config)
    except OSError as error:  # writing the checkpoint
        raise CommandError(f"{args.output}: cannot write ({error.strerror or error})") from None
    stats["inputs"] = inputs
    stats["streams"] = len(records)
    if replay is not None:
        stats["corpus"] = replay
    print(json.dumps(_json_safe(stats), indent=2))
    return 0


def _recorded_streams(args: argparse.Namespace) -> tuple[list[list[dict]], list[str]]:
    """(records per stream, the sources they came from) of --streams."""
    from hri_emo_ros.commands.emotion_streams import StreamError, load_streams

    try:
        streams = load_streams(args.streams, args.topic)
    except StreamError as error:
        raise CommandError(str(error)) from None
    return [s.records for s in streams], sorted({s.source for s in streams})


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if args.config is not None:
        import yaml

        try:
            loaded = yaml.safe_load(args.config.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{args.config}: {error.strerror or error}") from None
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise CommandError(f"{args.config}: not valid YAML ({error})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise CommandError(f"{args.config}: expected a mapping of settings, got "
                               f"{type(loaded).__name__}")
        settings.update(loaded or {})
    for name in ("epochs", "seed"):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    settings["output"] = str(args.output)
    return settings


def _check_output(path: Path) -> None:
    """Refuse an output the checkpoint cannot be written to before training starts."""
    if path.is_dir():
        raise CommandError(f"{path}: is a directory; --output names the checkpoint file")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise CommandError(f"{path}: {parent} is not a directory")
    if not os.access(parent, os.W_OK):
        raise CommandError(f"{path}: {parent} is not writable")


def _json_safe(value: Any) -> Any:
    """NaN/Inf (e.g. no held-out stream to measure on) as null, so the output is JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value
