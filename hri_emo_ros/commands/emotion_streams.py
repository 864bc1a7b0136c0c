# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Recorded EmotionState streams for offline training, from bags and JSON-lines files.

A path is a rosbag2 bag (a directory with metadata.yaml, or a .mcap/.db3 file) whose
`hri_emo_msgs/EmotionState` topics are read, a JSON-lines file (.jsonl, .ndjson, .json:
one EmotionState-like object per line: person_id, stamp [s] or header.stamp {sec, nanosec},
labels, scores, valence, arousal, confidence), or a directory holding such bags and files.
One stream is one person's messages from one file or bag topic, in recorded order.
Values are passed on as recorded: the trainer rejects and counts invalid ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import STORAGE_SUFFIXES, open_bag

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
EMOTION_STATE = "hri_emo_msgs/msg/EmotionState"


class StreamError(ValueError):
    """A stream source that cannot be read; the message names the path (and line)."""


@dataclass
class EmotionStream:
    source: str  # file, or bag + topic
    person_id: str
    records: list[dict[str, Any]] = field(default_factory=list)


def load_streams(paths: Sequence[Path], topics: Sequence[str] | None = None
                 ) -> list[EmotionStream]:
    """Every person's stream from every source under `paths` (StreamError if none)."""
    streams: list[EmotionStream] = []
    for kind, path in _sources(paths):
        if kind == "bag":
            streams += _by_person(_bag_records(path, topics))
        else:
            streams += _by_person((str(path), record) for record in _jsonl_records(path))
    if not streams:
        raise StreamError(f"{', '.join(map(str, paths))}: no EmotionState messages found")
    return streams


def _is_bag(path: Path) -> bool:
    return (path.is_dir() and (path / "metadata.yaml").is_file()) or \
        (path.is_file() and path.suffix in STORAGE_SUFFIXES)


def _sources(paths: Sequence[Path]) -> Iterator[tuple[str, Path]]:
    for path in paths:
        if not path.exists():
            raise StreamError(f"{path}: no such file or directory")
        if _is_bag(path):
            yield "bag", path
        elif path.is_file():
            if path.suffix not in JSONL_SUFFIXES:
                raise StreamError(f"{path}: not a bag (.mcap, .db3) or a JSON-lines file "
                                  f"({', '.join(JSONL_SUFFIXES)})")
            yield "jsonl", path
        else:
            found = [p for p in sorted(path.iterdir()) if _is_bag(p) or
                     (p.is_file() and p.suffix in JSONL_SUFFIXES)]
            if not found:
                raise StreamError(f"{path}: holds no bag and no JSON-lines file")
            yield from _sources(found)


def _bag_records(path: Path, topics: Sequence[str] | None
                 ) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        with open_bag(path) as bag:
            chosen = list(topics) if topics else \
                [t.name for t in bag.topics.values() if t.msgtype == EMOTION_STATE]
            if not chosen:
                have = ", ".join(f"{t.name} ({t.msgtype})" for t in bag.topics.values())
                raise StreamError(f"{path}: no {EMOTION_STATE} topic; it has: {have or 'none'}")
            for name in chosen:
                if name in bag.topics and bag.topics[name].msgtype != EMOTION_STATE:
                    raise StreamError(f"{path}: topic {name} is a {bag.topics[name].msgtype}, "
                                      f"not an {EMOTION_STATE}")
            for record, msg in bag.messages(chosen):
                yield f"{path}:{record.topic}", _message_dict(msg)
    except BagError as error:
        raise StreamError(str(error)) from None


def _message_dict(msg: Any) -> dict[str, Any]:
    stamp = msg.header.stamp
    return {"person_id": msg.person_id, "stamp": stamp.sec + stamp.nanosec * 1e-9,
            "labels": list(msg.labels), "scores": [float(s) for s in msg.scores],
            "valence": float(msg.valence), "arousal": float(msg.arousal),
            "confidence": float(msg.confidence)}


def _jsonl_records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open("r", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise StreamError(f"{path}:{number}: not JSON ({error.msg})") from None
                if not isinstance(record, dict):
                    raise StreamError(f"{path}:{number}: expected a JSON object, got "
                                      f"{type(record).__name__}")
                yield _with_stamp(record)
    except UnicodeDecodeError as error:
        raise StreamError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise StreamError(f"{path}: {error.strerror or error}") from None


def _with_stamp(record: dict[str, Any]) -> dict[str, Any]:
    """`stamp` in seconds, taken from header.stamp {sec, nanosec} when it is not given."""
    header = record.get("header")
    header_stamp = header.get("stamp") if isinstance(header, dict) else None
    if "stamp" not in record and isinstance(header_stamp, dict):
        sec, nanosec = header_stamp.get("sec"), header_stamp.get("nanosec", 0)
        if isinstance(sec, int) and isinstance(nanosec, int):
            record["stamp"] = sec + nanosec * 1e-9
    return record


def _by_person(records: Iterable[tuple[str, dict[str, Any]]]) -> list[EmotionStream]:
    streams: dict[tuple[str, str], EmotionStream] = {}
    for source, record in records:
        person = record.get("person_id")
        key = (source, person if isinstance(person, str) else repr(person))
        if key not in streams:
            streams[key] = EmotionStream(source, key[1])
        streams[key].records.append(record)
    return list(streams.values())
