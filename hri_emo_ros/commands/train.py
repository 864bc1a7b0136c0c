# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo train TARGET`: offline training of one part of the model.

Each target is a module of hri_emo_ros.commands with `register(targets)` that adds its own
parser to the `train` subparsers; adding a target is one entry in `TARGETS`.
"""

from __future__ import annotations

import argparse
from importlib import import_module

TARGETS = (
    "train_hierarchy",
    "train_fusion",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("train", help="train a part of the model offline",
                                   description=__doc__.splitlines()[0])
    targets = parser.add_subparsers(dest="target", metavar="TARGET")
    for name in TARGETS:
        import_module(f"hri_emo_ros.commands.{name}").register(targets)

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(run=show_help, prog=parser.prog)
