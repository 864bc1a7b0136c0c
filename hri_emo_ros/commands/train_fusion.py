# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo train fusion --config config/train_fusion.yaml [--set key=value ...]`

Train the fusion encoder and emotion decoder (seeded, progress bar, checkpoints, resume,
metrics per epoch; CPU or GPU). Multi-GPU:
`torchrun --nproc_per_node N -m hri_emo_ros.fusion.trainer --config ...`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hri_emo_ros.commands.errors import CommandError


def register(targets: argparse._SubParsersAction) -> None:
    parser = targets.add_parser(
        "fusion", help="train the fusion model and emotion decoder", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, type=Path, metavar="YAML",
                        help="training configuration, e.g. config/train_fusion.yaml")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE", help="override a config value, e.g. train.epochs=2")
    parser.set_defaults(run=run, prog=parser.prog)


def run(args: argparse.Namespace) -> int:
    if not args.config.is_file():
        raise CommandError(f"{args.config}: training configuration not found")
    from hri_emo_ros.fusion.trainer import main

    argv = ["--config", str(args.config)]
    for override in args.overrides:
        argv += ["--set", override]
    try:
        return main(argv)
    except (ValueError, FileNotFoundError, KeyError) as error:
        raise CommandError(str(error)) from None
