#!/usr/bin/env bash
# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
# `make demo`: replay the shipped sample session through the complete graph over real ROS
# topics (lock-step, simulated time) and write runs/<time>/report.html.
# DEVICE=cuda|cpu|auto (default auto) picks the torch device of every node.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
set +u  # the colcon setup scripts read unset variables
# shellcheck disable=SC1091
source scripts/env.sh
set -u
export ROS_LOG_DIR="${ROS_LOG_DIR:-$root/log/ros}"
out="runs/$(date +%Y%m%d-%H%M%S)"
hri-emo eval data/sample_session/bag --labels data/sample_session/labels.csv \
  --out "$out" --device "${DEVICE:-auto}"
