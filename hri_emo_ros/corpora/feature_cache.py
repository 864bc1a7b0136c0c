# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Perception features of a raw corpus, computed once and kept on disk.

    cache = FeatureCache("~/.cache/hri_emo/corpora", "iemocap", PerceptionConfig())
    report = cache.build(media_items, workers=4)      # tqdm bar; resumable
    utterance = cache.load("Ses01F_impro01_F000")     # CachedUtterance

On-disk format, one directory per perception spec:

    <root>/<corpus>/<spec_hash>/spec.json     the spec (PerceptionConfig.spec(): extractor ids,
                                              feature-name hash, valence-head hash, detector,
                                              frame rate, ...); any change gives a new hash
    <root>/<corpus>/<spec_hash>/index.jsonl   one JSON line per finished utterance: id, file,
                                              fingerprint, duration, steps per modality,
                                              errors (the last line of an id wins)
    <root>/<corpus>/<spec_hash>/items/<id>.npz  one per utterance (np.savez_compressed, no
                                              pickles): for each modality m present,
                                              m_features (steps, FEATURE_DIMS[m]) float32,
                                              m_times (steps,) s from the utterance start,
                                              m_quality (steps,), m_labels (steps,) str
                                              (words, face expressions; empty for audio),
                                              m_extractor; and `meta`, a JSON string (id,
                                              duration, speech_span, errors, info)

Every file is written to a temporary name and renamed, so a killed build leaves whole
files only; a restart skips every utterance whose .npz exists with the same fingerprint
(an .npz without its index line is re-indexed from its `meta`). With `workers` > 1 the
utterances are shared among spawned processes, each with its own perception cores; only the
parent writes the index. Every process computes with one torch thread (the same numbers
whichever process computed an utterance, and no oversubscription).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from tqdm import tqdm

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.utterance_perception import (
    PERSON,
    CachedUtterance,
    MediaItem,
    PerceptionConfig,
    UtterancePerception,
)
from hri_emo_ros.fusion.records import ModalitySteps

CACHE_FORMAT = 1
DEFAULT_CACHE_ROOT = "~/.cache/hri_emo/corpora"
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}")


@dataclass
class CacheReport:
    total: int
    computed: int
    reused: int
    seconds: float
    modality_errors: dict[str, int] = field(default_factory=dict)


def item_file(utterance_id: str) -> str:
    if SAFE_NAME.fullmatch(utterance_id):
        return f"{utterance_id}.npz"
    return f"x{hashlib.sha1(utterance_id.encode()).hexdigest()[:20]}.npz"


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        write(handle)
    os.replace(tmp, path)


def save_utterance(directory: Path, record: CachedUtterance) -> dict:
    """Write one utterance's .npz; return its index line."""
    arrays: dict[str, np.ndarray] = {}
    for name, steps in record.modalities.items():
        arrays[f"{name}_features"] = np.asarray(steps.features, np.float32)
        arrays[f"{name}_times"] = np.asarray(steps.step_times, np.float64)
        arrays[f"{name}_quality"] = np.asarray(steps.quality, np.float32)
        arrays[f"{name}_labels"] = np.array(steps.step_labels, dtype=np.str_)
        arrays[f"{name}_extractor"] = np.array(steps.extractor)
    meta = {"id": record.utterance_id, "duration": record.duration,
            "speech_span": list(record.speech_span), "errors": record.errors, "info": record.info}
    arrays["meta"] = np.array(json.dumps(meta))
    name = item_file(record.utterance_id)
    _atomic_write(directory / "items" / name, lambda handle: np.savez_compressed(handle, **arrays))
    return _index_line(name, meta, {m: s.steps for m, s in record.modalities.items()})


def _index_line(name: str, meta: dict, steps: dict[str, int]) -> dict:
    return {"id": meta["id"], "file": name, "fingerprint": meta["info"].get("fingerprint"),
            "duration": meta["duration"], "steps": steps, "errors": meta["errors"]}


def load_utterance(path: Path) -> CachedUtterance:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            modalities = {}
            for name in FEATURE_DIMS:
                if f"{name}_features" not in data:
                    continue
                modalities[name] = ModalitySteps(
                    name, data[f"{name}_features"], data[f"{name}_times"],
                    data[f"{name}_quality"], [str(x) for x in data[f"{name}_labels"]],
                    PERSON, str(data[f"{name}_extractor"]))
    except (OSError, ValueError, KeyError) as error:
        raise CorpusError("bad_cache", f"cached features {path} are unreadable ({error}); "
                          "delete the file and build again") from None
    for name, steps in modalities.items():
        if steps.features.ndim != 2 or steps.features.shape[1] != FEATURE_DIMS[name]:
            raise CorpusError("bad_cache", f"{path}: {name} features of shape "
                              f"{steps.features.shape}, expected (steps, {FEATURE_DIMS[name]})")
    return CachedUtterance(meta["id"], meta["duration"], tuple(meta["speech_span"]), modalities,
                           meta["errors"], meta["info"])


_WORKER: dict = {}


def _start_worker(config: PerceptionConfig) -> None:
    import torch

    torch.set_num_threads(1)
    _WORKER["perception"] = UtterancePerception(config)


def _work(item: MediaItem, directory: str) -> dict:
    return save_utterance(Path(directory), _WORKER["perception"].analyse(item))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FeatureCache:
    def __init__(self, root: str | Path, corpus: str, config: PerceptionConfig | None = None,
                 perception: UtterancePerception | None = None) -> None:
        """`perception`: cores already loaded (with the same config) to compute with."""
        self.config = config or PerceptionConfig()
        if perception is not None and perception.config != self.config:
            raise CorpusError("unknown_option", "the perception cores given were made for "
                              "another PerceptionConfig than the cache's")
        self.spec = {"format": CACHE_FORMAT, **self.config.spec()}
        digest = hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()
        self.spec_hash = digest[:16]
        self.directory = Path(root).expanduser() / corpus / self.spec_hash
        self.perception = perception  # else loaded on the first item computed here
        self._entries: dict[str, dict] | None = None

    @property
    def index_path(self) -> Path:
        return self.directory / "index.jsonl"

    def entries(self) -> dict[str, dict]:
        """Index lines by utterance id (cached utterances only)."""
        if self._entries is None:
            self._entries = self._read_index()
        return self._entries

    def _read_index(self) -> dict[str, dict]:
        entries: dict[str, dict] = {}
        if self.index_path.is_file():
            for line in self.index_path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill; its .npz is re-indexed below
                entries[entry["id"]] = entry
        items = self.directory / "items"
        entries = {k: v for k, v in entries.items() if (items / v["file"]).is_file()}
        known = {entry["file"] for entry in entries.values()}
        for path in sorted(items.glob("*.npz")) if items.is_dir() else []:
            if path.name not in known:
                record = load_utterance(path)
                meta = {"id": record.utterance_id, "duration": record.duration,
                        "errors": record.errors, "info": record.info}
                entry = _index_line(path.name, meta, {m: s.steps for m, s in
                                                      record.modalities.items()})
                self._append(entry)
                entries[entry["id"]] = entry
        return entries

    def _append(self, entry: dict) -> None:
        with open(self.index_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def _prepare(self) -> None:
        (self.directory / "items").mkdir(parents=True, exist_ok=True)
        spec_path = self.directory / "spec.json"
        if not spec_path.is_file():
            text = json.dumps(self.spec, indent=2, sort_keys=True).encode()
            _atomic_write(spec_path, lambda handle: handle.write(text))
        for tmp in (self.directory / "items").glob(".*.tmp"):
            pid = tmp.name.rsplit(".", 2)[-2]
            if not pid.isdigit() or not _pid_alive(int(pid)):
                tmp.unlink(missing_ok=True)

    def build(self, items: Sequence[MediaItem], workers: int = 0,
              progress: bool = True) -> CacheReport:
        """Compute the features of every item not cached yet (see the module docstring)."""
        started = time.monotonic()
        ids = [item.utterance_id for item in items]
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})[:5]
            raise CorpusError("bad_layout", f"utterance ids occur twice: {duplicates}")
        self._prepare()
        self._entries = None
        entries = self.entries()
        pending = [item for item in items if item.utterance_id not in entries
                   or entries[item.utterance_id]["fingerprint"] != item.fingerprint()]
        bar = tqdm(total=len(pending), desc=f"{self.directory.parent.name} features",
                   unit="utt", disable=not progress or not pending)
        try:
            if workers > 1 and len(pending) > 1:
                self._build_parallel(pending, workers, bar)
            elif pending:
                self._build_here(pending, bar)
        finally:
            bar.close()
        errors: dict[str, int] = {}
        for item_id in ids:
            for modality in entries[item_id]["errors"]:
                errors[modality] = errors.get(modality, 0) + 1
        return CacheReport(len(items), len(pending), len(items) - len(pending),
                           time.monotonic() - started, errors)

    def _build_here(self, pending: list[MediaItem], bar: tqdm) -> None:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as in the workers: same numbers, no oversubscription
        try:
            for item in pending:
                if self.perception is None:
                    self.perception = UtterancePerception(self.config)
                self._finished(save_utterance(self.directory, self.perception.analyse(item)),
                               bar)
        finally:
            torch.set_num_threads(threads)

    def _build_parallel(self, pending: list[MediaItem], workers: int, bar: tqdm) -> None:
        context = get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(self.config,)) as pool:
            futures = [pool.submit(_work, item, str(self.directory)) for item in pending]
            try:
                for future in as_completed(futures):
                    self._finished(future.result(), bar)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _finished(self, entry: dict, bar: tqdm) -> None:
        self._append(entry)
        self.entries()[entry["id"]] = entry
        bar.update(1)

    def load(self, utterance_id: str) -> CachedUtterance:
        entry = self.entries().get(utterance_id)
        if entry is None:
            raise CorpusError("bad_cache", f"utterance '{utterance_id}' is not in the cache "
                              f"{self.directory}; build it first")
        return load_utterance(self.directory / "items" / entry["file"])
