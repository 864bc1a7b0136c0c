# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo train fusion --config YAML | --dataset NAME --data-dir DIR [...]`

Train the fusion encoder and emotion decoder (seeded, progress bar, checkpoints, resume,
metrics per epoch; CPU or GPU).

  hri-emo train fusion --config config/train_fusion.yaml [--set train.epochs=2 ...]
  hri-emo train fusion --dataset mosei --data-dir ~/data/CMU_MOSEI [--source csd|mmsa|mult]
  hri-emo train fusion --dataset iemocap --data-dir ~/data/IEMOCAP_full_release --fold Session1

With --dataset the corpus's protocol sets the labels and the split; the run goes to
runs/fusion-<dataset>-<fold> and nothing is copied into models/ unless you --set ship_to=...
(--config then only supplies hyper-parameters). A corpus with missing videos or sessions is
refused unless --allow-partial. Multi-GPU / multi-process (same arguments):
`torchrun --nproc_per_node N -m hri_emo_ros.fusion.trainer ...`.
"""

from __future__ import annotations

import argparse
import json

from hri_emo_ros.commands.errors import CommandError


def register(targets: argparse._SubParsersAction) -> None:
    from hri_emo_ros.fusion.train_args import add_arguments

    parser = targets.add_parser(
        "fusion", help="train the fusion model and emotion decoder", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.set_defaults(run=run, prog=parser.prog)


def run(args: argparse.Namespace) -> int:
    from hri_emo_ros.fusion.train_args import config_from_args
    from hri_emo_ros.fusion.trainer import summary, train

    try:
        result = train(config_from_args(args), args.overrides)
    except (ValueError, FileNotFoundError, KeyError) as error:
        raise CommandError(str(error)) from None
    if result is not None:
        print(json.dumps(summary(result), indent=2))
    return 0
