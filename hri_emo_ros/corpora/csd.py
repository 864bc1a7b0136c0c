# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Read CMU-MultimodalSDK computational sequences (.csd, HDF5) without the SDK.

Layout (CMU-MultimodalSDK, mmsdk/mmdatasdk/computational_sequence/file_ops.py):

    <root>/data/<video_id>/features    (intervals, ...) feature rows
    <root>/data/<video_id>/intervals   (intervals, 2) start/end seconds
    <root>/metadata/<key>              length-1 string dataset holding JSON

The root group's name is the sequence's name ("COVAREP", "FACET 4.2", "All Labels", ...);
it is the file's first top-level key, whatever the file is called. Rows are read lazily by
slices, so a many-gigabyte COVAREP file costs only the rows a sample needs. HDF5 handles do
not survive fork, so each process opens its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import h5py
import numpy as np

from hri_emo_ros.corpora.errors import CorpusError


class ComputationalSequence:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._handle: h5py.File | None = None
        self._pid = -1
        handle = self._file()
        if not handle.keys():
            raise CorpusError("bad_csd", f"{self.path} is empty; expected a computational "
                              f"sequence with <root>/data and <root>/metadata")
        self.root = next(iter(handle.keys()))
        group = handle[self.root]
        if not isinstance(group, h5py.Group) or "data" not in group:
            raise CorpusError("bad_csd", f"{self.path}: the root group '{self.root}' has no "
                              f"'data' group; not a computational sequence")
        self.metadata = _read_metadata(group.get("metadata"))

    def _file(self) -> h5py.File:
        if self._handle is None or self._pid != os.getpid():
            try:
                self._handle = h5py.File(self.path, "r")
            except OSError as error:
                raise CorpusError("bad_csd", f"{self.path} is not a readable HDF5 "
                                  f"computational sequence ({error})") from None
            self._pid = os.getpid()
        return self._handle

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_handle": None, "_pid": -1}

    @property
    def _data(self) -> h5py.Group:
        return self._file()[self.root]["data"]

    def videos(self) -> list[str]:
        return list(self._data.keys())

    def __contains__(self, video: str) -> bool:
        return video in self._data

    def _entry(self, video: str) -> h5py.Group:
        entry = self._data[video]
        if "features" not in entry or "intervals" not in entry:
            raise CorpusError("bad_csd", f"{self.path}: data/{video} lacks 'features' or "
                              f"'intervals'")
        rows, spans = entry["features"].shape[0], entry["intervals"].shape
        if len(spans) != 2 or spans[1] != 2 or spans[0] != rows:
            raise CorpusError("bad_csd", f"{self.path}: data/{video} has {rows} feature rows "
                              f"but intervals of shape {spans}; expected ({rows}, 2)")
        return entry

    def intervals(self, video: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """(rows, 2) float64 start/end seconds of rows start:stop."""
        return np.asarray(self._entry(video)["intervals"][start:stop], dtype=np.float64)

    def features(self, video: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows start:stop, flattened to (rows, dim); byte strings (words) stay bytes."""
        values = self._entry(video)["features"][start:stop]
        return values.reshape(values.shape[0], -1)

    def dim(self) -> int:
        """Feature width (from the first video)."""
        for video in self.videos():
            shape = self._data[video]["features"].shape
            return int(np.prod(shape[1:])) if len(shape) > 1 else 1
        raise CorpusError("bad_csd", f"{self.path}: data holds no video")

    def dimension_names(self) -> list[str] | None:
        names = self.metadata.get("dimension names")
        return [str(n) for n in names] if isinstance(names, list) else None


def _read_metadata(group: h5py.Group | None) -> dict:
    metadata = {}
    for key in [] if group is None else group.keys():
        raw = group[key][()]
        raw = raw[0] if isinstance(raw, np.ndarray) and raw.size else raw
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        try:
            metadata[key] = json.loads(text)
        except json.JSONDecodeError:
            metadata[key] = text
    return metadata


def decode_words(values: np.ndarray) -> list[str]:
    """Words of a `words` sequence ((rows, 1) byte strings) as text."""
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
            for v in np.asarray(values).reshape(-1)]


def find_sequences(directory: Path) -> dict[str, ComputationalSequence]:
    """Every .csd file directly in `directory`, by root name."""
    found: dict[str, ComputationalSequence] = {}
    for path in sorted(Path(directory).glob("*.csd")):
        sequence = ComputationalSequence(path)
        if sequence.root in found:
            raise CorpusError("bad_layout", f"{path} and {found[sequence.root].path} both hold "
                              f"the '{sequence.root}' sequence; keep one")
        found[sequence.root] = sequence
    return found
