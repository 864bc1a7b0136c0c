# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Read rosbag2 bags (mcap or sqlite3) as raw CDR records in time order.

A bag is a rosbag2 directory (metadata.yaml + storage files) or a single .mcap/.db3 file.
`BagReader.records()` yields `BagRecord(topic, msgtype, stamp_ns, data)`, where `data` is
the serialized CDR message exactly as recorded (publishable with rclpy as bytes) and
`stamp_ns` the bag's receive time. `deserialize()` turns a record into a rosbags object.

Types are resolved per topic: hri_emo_msgs and Jazzy standard types from our typestore
(checked against the bag's own type hash), other types from the definition the bag carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rosbags.interfaces import Connection, MessageDefinitionFormat
from rosbags.rosbag2 import Reader
from rosbags.typesys import Stores, get_types_from_idl, get_types_from_msg, get_typestore
from rosbags.typesys.store import Typestore

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.typestore import hri_typestore

STORAGE_SUFFIXES = {".mcap": "mcap", ".db3": "sqlite3"}
EXPECTED = "a rosbag2 directory with metadata.yaml, or a .mcap or .db3 file"

# How a topic's type is known: from our typestore, only from the bag's own definition,
# not at all, or ours with a different definition than the bag's.
OURS, FROM_BAG, UNKNOWN, MISMATCH = "ours", "bag", "unknown", "mismatch"


@dataclass(frozen=True)
class BagRecord:
    topic: str
    msgtype: str
    stamp_ns: int
    data: bytes


@dataclass(frozen=True)
class TopicInfo:
    name: str
    msgtype: str
    count: int
    definition: str  # OURS | FROM_BAG | UNKNOWN | MISMATCH


def _storage_file(path: Path) -> tuple[Path, str]:
    """The path rosbags should open and the storage kind, or BagError."""
    if not path.exists():
        raise BagError("not_found", f"{path} does not exist; expected {EXPECTED}")
    if path.is_file():
        kind = STORAGE_SUFFIXES.get(path.suffix)
        if kind is None:
            raise BagError("not_a_bag", f"{path} is not a rosbag2 bag; expected {EXPECTED}")
        return path, kind
    if (path / "metadata.yaml").is_file():
        kinds = {STORAGE_SUFFIXES[p.suffix] for p in path.iterdir() if p.suffix in STORAGE_SUFFIXES}
        return path, kinds.pop() if len(kinds) == 1 else "unknown"
    files = [p for p in sorted(path.iterdir()) if p.suffix in STORAGE_SUFFIXES]
    if len(files) == 1:  # a bag directory whose metadata.yaml was lost
        return files[0], STORAGE_SUFFIXES[files[0].suffix]
    raise BagError("not_a_bag", f"{path} is a directory without metadata.yaml and without "
                                f"exactly one storage file; expected {EXPECTED}")


def _types_in_definition(connection: Connection) -> dict:
    definition = connection.msgdef
    if definition.format == MessageDefinitionFormat.MSG and definition.data.strip():
        return get_types_from_msg(definition.data, connection.msgtype)
    if definition.format == MessageDefinitionFormat.IDL and definition.data.strip():
        separator = "=" * 80 + "\n"
        types: dict = {}
        for part in definition.data.split(separator):
            if part.strip():
                types.update(get_types_from_idl(part.split("\n", 1)[1]
                                                if part.startswith("IDL: ") else part))
        return types
    return {}


class BagReader:
    """An open bag; use as a context manager or call close()."""

    def __init__(self, path: str | Path, store: Typestore | None = None) -> None:
        self.path = Path(path)
        target, self.storage = _storage_file(self.path)
        self.store = store if store is not None else hri_typestore()
        self._bag_store = get_typestore(Stores.EMPTY)
        try:
            self._reader = Reader(target)
            self._reader.open()
        except Exception as err:  # rosbags raises many kinds for damaged files
            kind = "" if self.storage == "unknown" else f" {self.storage}"
            raise BagError("corrupt", f"{self.path} could not be read as a rosbag2{kind} bag "
                                      f"({err})") from err
        try:
            self.topics: dict[str, TopicInfo] = self._resolve_topics()
        except Exception as err:
            self._reader.close()
            raise BagError("corrupt", f"{self.path} has unreadable topic metadata ({err})"
                           ) from err

    def _resolve_topics(self) -> dict[str, TopicInfo]:
        topics: dict[str, TopicInfo] = {}
        for name, info in sorted(self._reader.topics.items()):
            connection = info.connections[0]
            msgtype = info.msgtype or connection.msgtype
            topics[name] = TopicInfo(name, msgtype, int(info.msgcount),
                                     self._definition_status(connection))
        return topics

    def _definition_status(self, connection: Connection) -> str:
        try:
            bag_types = _types_in_definition(connection)
        except Exception:  # an unparsable embedded definition is as good as none
            bag_types = {}
        if connection.msgtype in self.store.fielddefs:
            bag_hash = connection.digest if connection.digest.startswith("RIHS01_") else ""
            if not bag_hash and bag_types:
                try:
                    scratch = get_typestore(Stores.EMPTY)
                    scratch.register(bag_types)
                    bag_hash = scratch.hash_rihs01(connection.msgtype)
                except Exception:  # an incomplete definition: trust the type name
                    bag_hash = ""
            ours = self.store.hash_rihs01(connection.msgtype)
            return OURS if not bag_hash or bag_hash == ours else MISMATCH
        if connection.msgtype in bag_types:
            try:
                self._bag_store.register(bag_types)
            except Exception:  # conflicts with another topic's definition of a shared type
                return UNKNOWN
            return FROM_BAG
        return UNKNOWN

    @property
    def message_count(self) -> int:
        return int(self._reader.message_count)

    @property
    def start_ns(self) -> int | None:
        """Receive time of the first message; None for an empty bag."""
        return int(self._reader.start_time) if self.message_count else None

    @property
    def end_ns(self) -> int | None:
        """Receive time of the last message; None for an empty bag."""
        return int(self._reader.end_time) - 1 if self.message_count else None

    @property
    def duration_s(self) -> float:
        return (self.end_ns - self.start_ns) * 1e-9 if self.message_count else 0.0

    def _check_topics(self, topics: Iterable[str] | str | None) -> set[str]:
        if topics is None:
            return set(self.topics)
        wanted = {topics} if isinstance(topics, str) else set(topics)
        missing = sorted(wanted - set(self.topics))
        if missing:
            have = ", ".join(f"{t.name} ({t.msgtype})" for t in self.topics.values()) or "none"
            raise BagError("unknown_topics",
                           f"{self.path} has no topic {', '.join(missing)}; it has: {have}")
        return wanted

    def records(self, topics: Iterable[str] | str | None = None, start_ns: int | None = None,
                stop_ns: int | None = None) -> Iterator[BagRecord]:
        """Raw records of the given topics (all when None) in time order, start <= t < stop."""
        wanted = self._check_topics(topics)
        connections = [c for c in self._reader.connections if c.topic in wanted]
        if not connections:
            return
        stream = self._reader.messages(connections, start=start_ns, stop=stop_ns)
        while True:
            try:
                connection, stamp, data = next(stream)
            except StopIteration:
                return
            except Exception as err:
                raise BagError("corrupt", f"{self.path} is damaged: reading its messages "
                                          f"failed ({err})") from err
            yield BagRecord(connection.topic, connection.msgtype, int(stamp), bytes(data))

    def _store_for(self, topic: str, msgtype: str) -> Typestore:
        """The typestore that deserializes this topic; BagError when none can."""
        status = self.topics[topic].definition if topic in self.topics else UNKNOWN
        if status == MISMATCH:
            raise BagError("type_mismatch",
                           f"{self.path}: the bag's definition of {msgtype} on {topic} differs "
                           "from the installed one; rebuild or re-record with matching "
                           "interfaces")
        if status == UNKNOWN:
            raise BagError("unknown_type",
                           f"{self.path}: message type {msgtype} on {topic} is not a known "
                           "type and the bag carries no usable definition of it")
        return self.store if status == OURS else self._bag_store

    def deserialize(self, record: BagRecord) -> Any:
        """The rosbags message object of a record; BagError when its type is not known."""
        store = self._store_for(record.topic, record.msgtype)
        try:
            return store.deserialize_cdr(record.data, record.msgtype)
        except Exception as err:
            raise BagError("corrupt", f"{self.path}: the {record.msgtype} message on "
                                      f"{record.topic} at {record.stamp_ns} ns does not "
                                      f"deserialize ({err})") from err

    def messages(self, topics: Iterable[str] | str | None = None,
                 start_ns: int | None = None,
                 stop_ns: int | None = None) -> Iterator[tuple[BagRecord, Any]]:
        """(record, deserialized object) pairs; type problems are raised before the first."""
        wanted = self._check_topics(topics)
        for name in sorted(wanted):
            if self.topics[name].count:
                self._store_for(name, self.topics[name].msgtype)
        for record in self.records(wanted, start_ns, stop_ns):
            yield record, self.deserialize(record)

    def close(self) -> None:
        if self._reader.is_open:
            self._reader.close()

    def __enter__(self) -> BagReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_bag(path: str | Path, store: Typestore | None = None) -> BagReader:
    """Open a bag for reading (see BagReader)."""
    return BagReader(path, store)
