# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A parameter file whose node sections follow the namespace the nodes run in.

rcl matches a parameter file's sections by fully qualified node name ('/**' aside), so
`hri_emo_face:` reaches /hri_emo_face but not /robot1/hri_emo_face, and rclpy before Jazzy
does not read '/**/hri_emo_face' either. Under a namespace the launch file and
`hri-emo run --namespace` therefore pass a copy whose bare node sections are fully
qualified. No rclpy here: the launch file imports it.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml

_NAMESPACE = re.compile(r"^(/[A-Za-z_][A-Za-z0-9_]*)+$")


def normalise_namespace(namespace: str) -> str:
    """"" for the root namespace, else "/a/b" (a leading '/' is added; ROS name rules)."""
    namespace = namespace.strip().rstrip("/")
    if not namespace:
        return ""
    if not namespace.startswith("/"):
        namespace = "/" + namespace
    if not _NAMESPACE.match(namespace):
        raise ValueError(f"namespace {namespace!r}: use tokens of letters, digits and '_' "
                         "separated by '/', none starting with a digit")
    return namespace


def namespaced_parameter_file(path: Path, namespace: str,
                              directory: Path | None = None) -> Path:
    """`path` itself in the root namespace; else a copy (in `directory`, default the
    temporary one) whose sections named by a bare node name are moved under `namespace`.
    Sections that already start with '/' (such as '/**') are kept as they are."""
    namespace = normalise_namespace(namespace)
    if not namespace:
        return path
    try:
        sections = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot read the parameter file: {error}") from None
    if not isinstance(sections, dict):
        raise ValueError(f"{path}: a parameter file maps node names to ros__parameters")
    moved = {(key if str(key).startswith("/") else f"{namespace}/{key}"): value
             for key, value in sections.items()}
    handle, name = tempfile.mkstemp(prefix="hri_emo_params_", suffix=".yaml",
                                    dir=None if directory is None else str(directory))
    with open(handle, "w", encoding="utf-8") as out:
        yaml.safe_dump(moved, out, sort_keys=False)
    return Path(name)
