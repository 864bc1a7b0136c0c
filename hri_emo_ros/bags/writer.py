# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Write rosbag2 bags (mcap by default, sqlite3 optionally), e.g. the outputs of an evaluation.

Each record is (topic, msgtype, stamp_ns, message) where message is serialized CDR bytes
(what an rclpy raw subscription receives, or `rclpy.serialization.serialize_message`) or a
rosbags message object. Records may come in any order; readers return them in time order.
mcap bags are zstd chunk-compressed by default (read natively by `ros2 bag` and rosbags).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rosbags.interfaces import (
    Qos,
    QosDurability,
    QosHistory,
    QosLiveliness,
    QosReliability,
    QosTime,
)
from rosbags.rosbag2 import CompressionFormat, CompressionMode, StoragePlugin, Writer
from rosbags.typesys.store import Typestore

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import BagRecord
from hri_emo_ros.bags.typestore import hri_typestore, require_type

STORAGES = {"mcap": StoragePlugin.MCAP, "sqlite3": StoragePlugin.SQLITE3}
BAG_VERSION = 8  # rosbag2 metadata version written by Jazzy; read by Jazzy and newer
MAX_STAMP_NS = 2**63 - 1
_TOPIC = re.compile(r"^(/[A-Za-z_][A-Za-z0-9_]*)+$")
_INFINITE = QosTime(sec=9223372036, nsec=854775807)  # rmw's "infinite" duration
# What a default rclpy publisher offers (reliable, volatile, keep last 10): `ros2 bag play`
# replays with it.
DEFAULT_QOS = Qos(QosHistory.KEEP_LAST, 10, QosReliability.RELIABLE, QosDurability.VOLATILE,
                  _INFINITE, _INFINITE, QosLiveliness.AUTOMATIC, _INFINITE, False)
_CDR_ENCAPSULATIONS = (b"\x00\x00", b"\x00\x01")  # plain CDR, big / little endian


class BagWriter:
    """A new bag at `path` (must not exist); use as a context manager or call close()."""

    def __init__(self, path: str | Path, storage: str = "mcap", store: Typestore | None = None,
                 compress: bool | None = None, check: bool = True) -> None:
        self.path = Path(path)
        if storage not in STORAGES:
            raise BagError("bad_storage", f"cannot write {self.path}: storage {storage!r} is "
                                          f"not one of {', '.join(STORAGES)}")
        compress = storage == "mcap" if compress is None else compress
        if compress and storage != "mcap":
            raise BagError("bad_storage", f"cannot write {self.path}: only mcap bags can be "
                                          "chunk-compressed")
        if self.path.exists():
            raise BagError("exists", f"{self.path} already exists; expected a new path for "
                                     "the bag (delete the old one first)")
        self.storage = storage
        self.store = store if store is not None else hri_typestore()
        self.check = check
        self.count = 0
        self._writer = Writer(self.path, version=BAG_VERSION, storage_plugin=STORAGES[storage])
        if compress:
            self._writer.set_compression(CompressionMode.STORAGE, CompressionFormat.ZSTD)
        try:
            self._writer.open()
        except Exception as err:
            raise BagError("not_a_bag", f"cannot create a bag at {self.path}: {err}") from err
        self._connections: dict[str, Any] = {}

    def _connection(self, topic: str, msgtype: str) -> Any:
        connection = self._connections.get(topic)
        if connection is None:
            if not _TOPIC.match(topic):
                raise BagError("bad_record", f"{self.path}: topic {topic!r} is not an absolute "
                                             "ROS topic name like /camera/image_raw")
            connection = self._writer.add_connection(topic, msgtype, typestore=self.store,
                                                     offered_qos_profiles=[DEFAULT_QOS])
            self._connections[topic] = connection
        elif connection.msgtype != msgtype:
            raise BagError("bad_record", f"{self.path}: topic {topic} already carries "
                                         f"{connection.msgtype}, not {msgtype}")
        return connection

    def _serialized(self, topic: str, msgtype: str, message: Any) -> bytes:
        if isinstance(message, (bytes, bytearray, memoryview)):
            data = bytes(message)
            if len(data) < 4 or data[:2] not in _CDR_ENCAPSULATIONS:
                raise BagError("bad_record", f"{self.path}: the bytes for {topic} are not a "
                                             "CDR-serialized ROS 2 message")
            if self.check:
                try:
                    self.store.deserialize_cdr(data, msgtype)
                except Exception as err:
                    raise BagError("bad_record", f"{self.path}: the bytes for {topic} are not "
                                                 f"a valid {msgtype} ({err})") from err
            return data
        if getattr(message, "__msgtype__", None) != msgtype:
            raise BagError("bad_record", f"{self.path}: the object for {topic} is a "
                                         f"{getattr(message, '__msgtype__', type(message))}, "
                                         f"expected a {msgtype} object or CDR bytes")
        try:
            return bytes(self.store.serialize_cdr(message, msgtype))
        except Exception as err:
            raise BagError("bad_record", f"{self.path}: the {msgtype} object for {topic} "
                                         f"does not serialize ({err})") from err

    def write(self, topic: str, msgtype: str, stamp_ns: int, message: Any) -> None:
        """Append one message received at `stamp_ns` (ns since the epoch)."""
        full_type = require_type(self.store, msgtype)
        if isinstance(stamp_ns, bool) or not isinstance(stamp_ns, int) \
                or not 0 <= stamp_ns <= MAX_STAMP_NS:
            raise BagError("bad_record", f"{self.path}: stamp {stamp_ns!r} for {topic} is not "
                                         "an integer number of nanoseconds >= 0")
        connection = self._connection(topic, full_type)
        self._writer.write(connection, stamp_ns, self._serialized(topic, full_type, message))
        self.count += 1

    def write_record(self, record: BagRecord) -> None:
        self.write(record.topic, record.msgtype, record.stamp_ns, record.data)

    def close(self) -> None:
        if self._writer.storage is not None:
            self._writer.close()

    def __enter__(self) -> BagWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def write_bag(path: str | Path, records: Iterable[BagRecord | tuple], storage: str = "mcap",
              store: Typestore | None = None, compress: bool | None = None) -> int:
    """Write all records (BagRecord or (topic, msgtype, stamp_ns, message)) to a new bag."""
    with BagWriter(path, storage, store, compress) as writer:
        for record in records:
            if isinstance(record, BagRecord):
                writer.write_record(record)
            else:
                writer.write(*record)
        return writer.count
