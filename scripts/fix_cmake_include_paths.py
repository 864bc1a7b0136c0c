# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Rewrite the wheel builder's Python/numpy include paths in the venv's exported CMake files.

The ROS 2 PyPI wheels were built under /opt/python/cpXY-cpXY; their exported targets list
that interpreter's include directories, which do not exist here, and CMake refuses to
generate. We substitute this interpreter's real include directories. Idempotent.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from pathlib import Path

import numpy

BUILDER_PYTHON_INCLUDE = re.compile(r"/opt/python/cp\d+-cp\d+/include/python3\.\d+")
BUILDER_NUMPY_INCLUDE = re.compile(
    r"/opt/python/cp\d+-cp\d+/lib/python3\.\d+/site-packages/numpy/(?:_?core)/include"
)


def main(prefix: str) -> int:
    python_include = sysconfig.get_paths()["include"]
    numpy_include = numpy.get_include()
    changed = 0
    for path in Path(prefix, "share").rglob("*.cmake"):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if "/opt/python/" not in text:
            continue
        fixed = BUILDER_NUMPY_INCLUDE.sub(numpy_include, text)
        fixed = BUILDER_PYTHON_INCLUDE.sub(python_include, fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8", errors="surrogateescape")
            changed += 1
    leftovers = [
        str(p) for p in Path(prefix, "share").rglob("*.cmake")
        if "/opt/python/" in p.read_text(encoding="utf-8", errors="surrogateescape")
    ]
    if leftovers:
        print("unrepaired builder paths remain in: " + ", ".join(leftovers), file=sys.stderr)
        return 1
    print(f"[setup] repaired builder include paths in {changed} CMake files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else sys.prefix))
