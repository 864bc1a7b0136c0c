# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Between bag records (raw CDR bytes + type name) and rclpy messages.

Replay needs no conversion: `Publisher.publish(record.data)` sends the recorded bytes as
they are (rclpy publishes `bytes` raw). Recording needs none either: a subscription made
with `raw=True` hands its callback the serialized bytes to put into a `BagWriter`.
`to_rclpy` / `from_rclpy` are for code that wants message objects.
"""

from __future__ import annotations

import importlib
from typing import Any

from rclpy.serialization import deserialize_message, serialize_message

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.typestore import normalize_type_name


def message_class(ros_type_name: str) -> type:
    """The generated rclpy class of 'pkg/msg/Name' (or 'pkg/Name')."""
    package, _, name = normalize_type_name(ros_type_name).split("/")
    try:
        module = importlib.import_module(f"{package}.msg")
    except ImportError as err:
        raise BagError("unknown_type", f"message package {package!r} of {ros_type_name!r} is "
                                       "not importable; source the workspace that builds it"
                       ) from err
    cls = getattr(module, name, None)
    if not isinstance(cls, type):
        raise BagError("unknown_type", f"{package}.msg has no message {name!r} (asked for "
                                       f"{ros_type_name!r}); is the workspace built and sourced?")
    return cls


def to_rclpy(raw_bytes: bytes, ros_type_name: str) -> Any:
    """Deserialize recorded CDR bytes into an rclpy message of the named type."""
    cls = message_class(ros_type_name)
    try:
        return deserialize_message(bytes(raw_bytes), cls)
    except Exception as err:  # rclpy raises a bare RuntimeError / _rclpy errors
        raise BagError("bad_record", f"the {len(raw_bytes)} bytes are not a serialized "
                                     f"{ros_type_name} ({err})") from err


def from_rclpy(message: Any) -> bytes:
    """CDR bytes of an rclpy message, as a bag stores them.

    Fast CDR leaves alignment padding uninitialised, so the bytes can differ from a bag's
    copy of the same message in padding bytes only; both deserialize to the same message.
    """
    return serialize_message(message)


def ros_type_name(message_or_class: Any) -> str:
    """'pkg/msg/Name' of an rclpy message or message class."""
    cls = message_or_class if isinstance(message_or_class, type) else type(message_or_class)
    package = cls.__module__.split(".")[0]
    return f"{package}/msg/{cls.__name__}"
