#!/usr/bin/env bash
# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
# Run the whole test suite the ROS way (colcon test -> pytest), show colcon's test results,
# then ruff. Extra arguments go to pytest, e.g. scripts/run_tests.sh -k roundtrip
set -euo pipefail
cd "$(dirname "$0")/.."
set +u
# shellcheck disable=SC1091
source scripts/env.sh
set -u
# A DDS domain per run so that concurrent runs on one machine do not see each other.
export ROS_DOMAIN_ID="${ROS_DOMAIN_ID:-$(( ($$ % 90) + 5 ))}"
pytest_args=(-ra)
[ $# -gt 0 ] && pytest_args+=("$@")
colcon --log-base log test --base-paths . hri_emo_msgs --build-base build --install-base install \
  --packages-select hri_emo_ros --event-handlers console_direct+ --pytest-args "${pytest_args[@]}"
status=0
colcon test-result --test-result-base build/hri_emo_ros --verbose || status=1
echo "[test] ruff check"
ruff check . || status=1
exit $status
