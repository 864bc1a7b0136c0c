# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Atomic, checksummed, per-key persistence for long-lived state.

Each key (usually a person id) is one file `<directory>/<safe key>.state`:

    HRIEMO1 <sha256 of payload, hex> <payload length>\\n<payload bytes>

Writes go to a temporary file in the same directory, are fsync'ed, then renamed over the
old file (POSIX rename is atomic), so a kill at any moment leaves either the old or the new
complete file. A file whose header, length or checksum does not match is never used: it is
moved aside to `<directory>/corrupt/` and reported through `LoadResult.error`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"HRIEMO1"
SUFFIX = ".state"
_SAFE_KEY = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class LoadResult:
    """Outcome of `StateStore.load`: payload is None when absent or corrupt."""

    payload: bytes | None
    error: str | None = None
    quarantined_to: Path | None = None

    def json(self) -> Any:
        return None if self.payload is None else json.loads(self.payload.decode("utf-8"))


def key_to_filename(key: str) -> str:
    """Map any key to a safe file name; distinct keys stay distinct via a short hash."""
    if not key:
        raise ValueError("state key must not be empty")
    safe = _SAFE_KEY.sub("_", key)[:80]
    if safe != key:
        safe = f"{safe}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"
    return safe + SUFFIX


def encode(payload: bytes) -> bytes:
    digest = hashlib.sha256(payload).hexdigest().encode("ascii")
    return MAGIC + b" " + digest + b" " + str(len(payload)).encode("ascii") + b"\n" + payload


def decode(blob: bytes) -> bytes:
    """Return the payload of an encoded blob; raise ValueError saying what is wrong."""
    header, sep, payload = blob.partition(b"\n")
    if not sep:
        raise ValueError("truncated: no header line")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC:
        raise ValueError("not a hri_emo state file (bad header)")
    try:
        length = int(parts[2])
    except ValueError:
        raise ValueError("bad length field in header") from None
    if len(payload) != length:
        raise ValueError(f"truncated: expected {length} payload bytes, found {len(payload)}")
    if hashlib.sha256(payload).hexdigest().encode("ascii") != parts[1]:
        raise ValueError("checksum mismatch")
    return payload


class StateStore:
    """Per-key atomic persistence in one directory, with retention by last-seen time."""

    def __init__(self, directory: str | os.PathLike[str], retention_days: float = 0.0):
        self.directory = Path(directory).expanduser()
        self.retention_days = retention_days
        self.directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        return self.directory / key_to_filename(key)

    def save(self, key: str, payload: bytes | dict | list) -> Path:
        """Atomically replace the state of `key` (dicts/lists are stored as JSON)."""
        if not isinstance(payload, bytes):
            payload = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")
        target = self.path_for(key)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(encode(payload))
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return target

    def load(self, key: str) -> LoadResult:
        """Read the state of `key`; a corrupt file is quarantined, never returned."""
        path = self.path_for(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return LoadResult(None)
        try:
            return LoadResult(decode(blob))
        except ValueError as err:
            moved = self.quarantine(path)
            return LoadResult(None, error=f"{path.name}: {err}", quarantined_to=moved)

    def quarantine(self, path: Path) -> Path:
        corrupt_dir = self.directory / "corrupt"
        corrupt_dir.mkdir(exist_ok=True)
        destination = corrupt_dir / f"{path.name}.{int(time.time())}"
        os.replace(path, destination)
        return destination

    def delete(self, key: str) -> bool:
        try:
            self.path_for(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def delete_all(self) -> int:
        """Delete every stored state; returns how many files were removed."""
        paths = self.keys_on_disk()
        for path in paths:
            path.unlink(missing_ok=True)
        return len(paths)

    def keys_on_disk(self) -> list[Path]:
        return sorted(self.directory.glob("*" + SUFFIX))

    def clean_temporaries(self) -> int:
        """Remove temporary files left by a process killed mid-write."""
        leftovers = list(self.directory.glob(".tmp-*"))
        for path in leftovers:
            path.unlink(missing_ok=True)
        return len(leftovers)

    def purge_expired(self, now: float | None = None) -> list[Path]:
        """Delete state files not written for longer than the retention (0 keeps all)."""
        if self.retention_days <= 0:
            return []
        now = time.time() if now is None else now
        horizon = now - self.retention_days * 86400.0
        removed = [p for p in self.keys_on_disk() if p.stat().st_mtime < horizon]
        for path in removed:
            path.unlink(missing_ok=True)
        return removed
