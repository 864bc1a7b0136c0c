#!/usr/bin/env bash
# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
#
# Idempotent workspace setup: .venv with pinned ROS 2 wheels + dependencies, CMake include-path
# repair, colcon build of hri_emo_msgs and hri_emo_ros. Re-runs skip what has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROS_DISTRO=${ROS_DISTRO:-jazzy}
PYTHON=${PYTHON:-python3}
VENV=${VENV:-$ROOT/.venv}

fail() { echo "make setup: $*" >&2; exit 1; }
say() { echo "[setup] $*"; }

case "$ROS_DISTRO" in
  jazzy|kilted) ;;
  *) fail "ROS_DISTRO=$ROS_DISTRO is not supported; use jazzy (default) or kilted." ;;
esac

# --- prerequisites: one clear sentence each -------------------------------------------------
command -v "$PYTHON" >/dev/null || fail "Python 3.10+ is required but '$PYTHON' was not found (set PYTHON=/path/to/python3)."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || fail "Python 3.10 or newer is required, '$PYTHON' is $("$PYTHON" -V 2>&1)."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info >= (3, 15))' \
  || fail "Python $("$PYTHON" -V 2>&1 | cut -d' ' -f2) is newer than the ROS 2 wheels support (3.10-3.14)."
PY_INCLUDE=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$PY_INCLUDE/Python.h" ] \
  || fail "Python headers are missing ($PY_INCLUDE/Python.h); install them, e.g. 'apt-get install python3-dev'."
command -v cmake >/dev/null || fail "cmake is required to build the message package; install it, e.g. 'apt-get install cmake'."
command -v cc >/dev/null || command -v gcc >/dev/null \
  || fail "a C compiler is required to build the message package; install it, e.g. 'apt-get install build-essential'."
command -v c++ >/dev/null || command -v g++ >/dev/null \
  || fail "a C++ compiler is required to build the message package; install it, e.g. 'apt-get install g++'."
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null \
  || fail "Python's venv module is missing; install it, e.g. 'apt-get install python3-venv'."

hash_of() { { cat "$@" 2>/dev/null || true; } | sha256sum | cut -c1-16; }

# --- virtual environment and pinned dependencies --------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
pip_install() {
  # pip's notes about this machine's unused local index folders are noise: keep real errors.
  local rc
  "$VENV/bin/python" -m pip --disable-pip-version-check install -q "$@" 2>&1 \
    | { grep -v "^WARNING: Location 'file:" || true; }
  rc=${PIPESTATUS[0]}
  return "$rc"
}
REQS=(requirements/ros-$ROS_DISTRO.txt requirements/base.txt requirements/nodeps.txt requirements/constraints-$ROS_DISTRO.txt)
deps_hash="$ROS_DISTRO-$(hash_of "${REQS[@]}")"
if [ "$(cat "$VENV/.hri_emo_deps" 2>/dev/null)" != "$deps_hash" ]; then
  say "installing pinned dependencies for ROS 2 $ROS_DISTRO (first run downloads ~1 GB)"
  constraints=()
  [ -f "requirements/constraints-$ROS_DISTRO.txt" ] && constraints=(-c "requirements/constraints-$ROS_DISTRO.txt")
  pip_install -r "requirements/ros-$ROS_DISTRO.txt" -r requirements/base.txt "${constraints[@]}"
  pip_install --no-deps -r requirements/nodeps.txt
  # The wheels' exported CMake targets carry the wheel builder's include paths; point them at
  # this interpreter's headers and numpy, or colcon fails with "Generate step failed".
  "$VENV/bin/python" scripts/fix_cmake_include_paths.py "$VENV"
  echo "$deps_hash" > "$VENV/.hri_emo_deps"
  rm -f "$ROOT/install/.hri_emo_build"
else
  say "dependencies up to date ($deps_hash)"
fi

# --- colcon build -----------------------------------------------------------------------------
build_inputs=$(git ls-files -co --exclude-standard hri_emo_msgs package.xml setup.py setup.cfg \
  resource launch config models 2>/dev/null || find hri_emo_msgs launch config models -type f)
build_hash="$deps_hash-$(echo "$build_inputs" | sort | xargs cat 2>/dev/null | sha256sum | cut -c1-16)-$(echo "$build_inputs" | sha256sum | cut -c1-8)"
if [ "$(cat "$ROOT/install/.hri_emo_build" 2>/dev/null)" != "$build_hash" ]; then
  say "colcon build (hri_emo_msgs, hri_emo_ros)"
  (
    # shellcheck disable=SC1091
    source "$VENV/bin/activate"
    export AMENT_PREFIX_PATH="$VENV${AMENT_PREFIX_PATH:+:$AMENT_PREFIX_PATH}"
    colcon --log-base "$ROOT/log" build --base-paths "$ROOT" "$ROOT/hri_emo_msgs" \
      --build-base "$ROOT/build" --install-base "$ROOT/install" --symlink-install \
      --event-handlers console_direct- --cmake-args -DBUILD_TESTING=OFF -DPython3_EXECUTABLE="$VENV/bin/python"
  )
  echo "$build_hash" > "$ROOT/install/.hri_emo_build"
else
  say "workspace up to date"
fi
say "ready: source scripts/env.sh (or use make test / make demo)"
