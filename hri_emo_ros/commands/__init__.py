# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The `hri-emo` subcommands, one module each.

Every command module has `register(subparsers)`, which adds its parser and sets the
defaults `run` (a function `args -> exit code`) and `prog` (the name errors are reported
under). Heavy imports (torch, models) happen inside `run`, so `hri-emo --help` and usage
errors stay fast. A command reports a failure the user can fix by raising `CommandError`.
"""
