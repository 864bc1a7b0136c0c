# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""EmotionState streams from a public corpus for `hri-emo train hierarchy --dataset`.

The corpus split (train by default: no test sample is used) is read with the corpus's
protocol and data defaults, each utterance whole (raw corpora: `windows.window_s: null`),
and replayed through a fusion checkpoint trained on the live perception features
(corpora/state_streams.py). Errors are CommandError, one sentence.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hri_emo_ros.commands.errors import CommandError

# Raw corpora (corpora/utterance_dataset.py) give a sample per utterance cut like a live
# window; the hierarchy wants each utterance whole, every step of it.
# One stream per speaker (sample info "speaker"), utterances in release order, by default.
DEFAULT_STREAM_KEYS = {"iemocap": "speaker", "cremad": "speaker", "ravdess": "speaker"}
WHOLE_UTTERANCES = {"window_s": None, "mid_utterance_rate": 0.0,
                    "max_steps": {"audio": 4096, "text": 4096, "video": 4096}}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from hri_emo_ros.commands.arg_types import positive_float, positive_int

    corpus = parser.add_argument_group("pre-training on a public corpus (instead of --streams)")
    corpus.add_argument("--dataset", metavar="NAME",
                        help="corpus whose samples, run through --fusion-checkpoint, give the "
                             "streams (no labels are used)")
    corpus.add_argument("--data-dir", type=Path, metavar="DIR", help="where the corpus lies")
    corpus.add_argument("--fusion-checkpoint", type=Path, metavar="PT",
                        help="fusion model on the live features (default: the shipped "
                             "fusion_bootstrap.pt)")
    corpus.add_argument("--fold", metavar="F", help="protocol fold (default: its default)")
    corpus.add_argument("--source", metavar="S", help="form of the corpus, as for training")
    corpus.add_argument("--split", choices=("train", "calibration", "test"), default="train",
                        help="split to replay (default train)")
    corpus.add_argument("--stream-key", metavar="KEY[,KEY]",
                        help="sample info keys whose equal values form one stream (default: "
                             "speaker for iemocap/cremad/ravdess, else one stream per sample "
                             "= 'none')")
    corpus.add_argument("--start-key", metavar="KEY",
                        help="sample info key holding its start time [s] on the stream clock")
    corpus.add_argument("--rate", type=positive_float, default=10.0,
                        help="fusions per second per person, as the fusion node (default 10)")
    corpus.add_argument("--max-samples", type=positive_int, metavar="N",
                        help="replay only the split's first N samples")
    corpus.add_argument("--device", default="auto", help="auto | cpu | cuda (fusion model)")


def corpus_flags_without_dataset(args: argparse.Namespace) -> list[str]:
    return [flag for flag, value in (
        ("--data-dir", args.data_dir), ("--fusion-checkpoint", args.fusion_checkpoint),
        ("--fold", args.fold), ("--source", args.source), ("--stream-key", args.stream_key),
        ("--start-key", args.start_key), ("--max-samples", args.max_samples)) if value]


def load_corpus_streams(args: argparse.Namespace) -> tuple[list[list[dict]], dict]:
    """(EmotionState records per stream, replay statistics) for the corpus in `args`."""
    from hri_emo_ros.corpora.state_streams import ReplaySettings, emotion_streams
    from hri_emo_ros.fusion.dataset import build_datasets
    from hri_emo_ros.fusion.errors import InvalidInput
    from hri_emo_ros.fusion.feature_space import is_live, space_name
    from hri_emo_ros.fusion.runtime import FusionRuntime
    from hri_emo_ros.fusion.train_args import corpus_config

    try:
        config = corpus_config(args.dataset, args.data_dir, args.fold, args.source)
    except ValueError as error:
        raise CommandError(str(error)) from None
    data = config["data"]
    data["windows"] = {**data.get("windows", {}), **WHOLE_UTTERANCES}
    try:
        runtime = FusionRuntime.from_checkpoint(args.fusion_checkpoint, args.device,
                                                cuda_graphs=False)
    except FileNotFoundError:
        raise CommandError(f"{args.fusion_checkpoint}: fusion checkpoint not found") from None
    except (InvalidInput, ValueError) as error:  # torch's own message can run many lines
        raise CommandError(str(error).splitlines()[0]) from None
    try:
        dataset = build_datasets(data, config["model"]["emotions"])[args.split]
    except (ValueError, KeyError, OSError) as error:
        raise CommandError(f"{args.dataset}: {error}") from None
    if not is_live(dataset.feature_spec()):
        raise CommandError(f"{args.dataset} gives {space_name(dataset.feature_spec())} "
                           f"features, but the hierarchy learns from what the live graph "
                           f"fuses; use a source with the robot's own perception features")
    settings = ReplaySettings(rate_hz=args.rate)
    try:
        streams, stats = emotion_streams(dataset, runtime, settings, _stream_keys(args),
                                         args.start_key, args.max_samples, args.dataset)
    except (ValueError, OSError) as error:  # ReplayError, InvalidInput, CorpusError
        raise CommandError(f"{args.dataset}: {error}") from None
    stats.update({"dataset": args.dataset, "split": args.split, "fold": data.get("fold"),
                  "fusion_checkpoint": str(args.fusion_checkpoint or "the shipped "
                                           "fusion_bootstrap.pt"),
                  "fusion_model_id": runtime.model_id})
    return [s.records for s in streams if s.records], stats


def _stream_keys(args: argparse.Namespace) -> tuple[str, ...]:
    text = args.stream_key or DEFAULT_STREAM_KEYS.get(args.dataset, "none")
    return () if text == "none" else tuple(k.strip() for k in text.split(",") if k.strip())
