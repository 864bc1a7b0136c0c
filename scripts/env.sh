# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
# Source this file to use the built workspace: the venv, the colcon install space, and
# localhost-only DDS discovery. Usage: source scripts/env.sh
_hri_emo_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
# shellcheck disable=SC1091
source "$_hri_emo_root/.venv/bin/activate"
# shellcheck disable=SC1091
source "$_hri_emo_root/install/setup.bash"
export PATH="$_hri_emo_root/install/hri_emo_ros/lib/hri_emo_ros:$PATH"
export ROS_AUTOMATIC_DISCOVERY_RANGE="${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST}"
export HF_HUB_OFFLINE=1
unset _hri_emo_root
