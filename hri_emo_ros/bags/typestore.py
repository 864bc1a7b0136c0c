# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A rosbags typestore that knows the ROS 2 Jazzy standard types and all hri_emo_msgs.

Our message types are registered from the .msg text of the installed package (found with
`ament_index_python` when it is importable and the workspace is sourced), else from the
repository's `hri_emo_msgs/msg`. The RIHS01 hashes then equal the ones rosidl generated,
so bags written here and bags recorded by `ros2 bag record` agree on every type.
"""

from __future__ import annotations

import functools
from pathlib import Path

from rosbags.typesys import Stores, get_types_from_msg, get_typestore
from rosbags.typesys.store import Typestore

from hri_emo_ros.bags.errors import BagError

PACKAGE = "hri_emo_msgs"
STANDARD_STORE = Stores.ROS2_JAZZY
REPO_MSG_DIR = Path(__file__).resolve().parents[2] / PACKAGE / "msg"


def installed_msg_dir() -> Path | None:
    """share/hri_emo_msgs/msg of the sourced workspace, or None when not found."""
    try:
        from ament_index_python.packages import (  # optional, pure Python
            PackageNotFoundError,
            get_package_share_directory,
        )
    except ImportError:
        return None
    try:
        directory = Path(get_package_share_directory(PACKAGE)) / "msg"
    except (PackageNotFoundError, OSError, ValueError, LookupError):  # OSError: not sourced
        return None
    return directory if any(directory.glob("*.msg")) else None


def msg_directory() -> Path:
    """Where the .msg files of hri_emo_msgs are: the installed share, else the repository."""
    installed = installed_msg_dir()
    if installed is not None:
        return installed
    if any(REPO_MSG_DIR.glob("*.msg")):
        return REPO_MSG_DIR
    raise BagError(
        "no_definitions",
        f"no .msg files of {PACKAGE} found: neither an installed share/{PACKAGE}/msg "
        f"(source install/setup.bash) nor {REPO_MSG_DIR}",
    )


@functools.lru_cache(maxsize=8)
def _own_types_from(directory: str) -> dict:
    types: dict = {}
    for path in sorted(Path(directory).glob("*.msg")):
        types.update(get_types_from_msg(path.read_text(encoding="utf-8"),
                                        f"{PACKAGE}/msg/{path.stem}"))
    return types


def own_types(directory: Path | None = None) -> dict:
    """rosbags type definitions of every message in hri_emo_msgs, keyed 'pkg/msg/Name'."""
    return dict(_own_types_from(str(directory or msg_directory())))


def hri_typestore(directory: Path | None = None) -> Typestore:
    """A fresh typestore: Jazzy standard types + hri_emo_msgs (safe to extend per bag)."""
    store = get_typestore(STANDARD_STORE)
    store.register(own_types(directory))
    return store


def normalize_type_name(name: str) -> str:
    """'sensor_msgs/Image' or 'sensor_msgs/msg/Image' -> 'sensor_msgs/msg/Image'."""
    parts = name.strip().split("/")
    if len(parts) == 2 and all(parts):
        return f"{parts[0]}/msg/{parts[1]}"
    if len(parts) == 3 and parts[1] == "msg" and parts[0] and parts[2]:
        return "/".join(parts)
    raise BagError("unknown_type",
                   f"message type {name!r} is not of the form 'package/msg/Name'")


def require_type(store: Typestore, name: str) -> str:
    """The normalized name of a type the store knows; BagError(unknown_type) otherwise."""
    full = normalize_type_name(name)
    if full not in store.fielddefs:
        raise BagError("unknown_type",
                       f"message type {full!r} is neither a ROS 2 Jazzy standard type nor "
                       f"one of {PACKAGE}; register its .msg text first")
    return full
