# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Labelled corpus utterances as fusion samples cut the way the robot cuts its windows.

A sample is what the fusion node would hold at one moment while the person speaks: per
modality the steps of the last `window_s` (2 s; text 8 s), dropped when the newest one is
older than `stale_after_s` (1 s; text 8 s), thinned to `max_steps` keeping the newest (all
three from `fusion.sync.SyncConfig`), times relative to the window end.
- Calibration and test samples end where the speech ends, when the transcript arrives.
- A training sample does the same, or with probability `mid_utterance_rate` ends at a
  random moment inside the speech, before the transcript exists (so without text); drawn
  anew every epoch.
`window_s: null` uses the whole utterance instead (steps thinned to `max_steps`).

The `data` section of a training config for a raw corpus (hri_emo_ros.corpora.*):
    data_dir: the release's root directory          fold: a PROTOCOL fold (default: its own)
    allow_partial: false   accept a release with parts missing (never the test fold's)
    cache_dir: ~/.cache/hri_emo/corpora             workers: 0 (processes computing features)
    progress: true                                  perception: PerceptionConfig fields
    windows: WindowConfig fields                     (+ the corpus's own keys, see its module)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.feature_cache import DEFAULT_CACHE_ROOT, FeatureCache
from hri_emo_ros.corpora.utterance_perception import CachedUtterance, MediaItem, PerceptionConfig
from hri_emo_ros.fusion.dataset import FusionDataset, FusionSample
from hri_emo_ros.fusion.records import ModalitySteps
from hri_emo_ros.fusion.sync import SyncConfig, thin_newest

SPLITS = ("train", "calibration", "test")
MIN_MID_SPEECH_S = 0.5


@dataclass
class LabelledUtterance:
    media: MediaItem
    speaker: str
    emotions: tuple[str, ...]          # our names; several when perceived votes tie
    valence: float = math.nan
    arousal: float = math.nan
    info: dict = field(default_factory=dict)


def raw_corpus_defaults() -> dict:
    """The `data` keys every raw-corpus adapter reads, at their defaults (a corpus module's
    DATA_DEFAULTS, which `hri-emo train fusion --dataset` writes into the run's config)."""
    return {"cache_dir": DEFAULT_CACHE_ROOT, "workers": 0, "progress": True,
            "perception": asdict(PerceptionConfig()), "windows": asdict(WindowConfig())}


def _sync() -> SyncConfig:
    return SyncConfig()


@dataclass
class WindowConfig:
    window_s: float | None = field(default_factory=lambda: _sync().window_s)
    text_window_s: float = field(default_factory=lambda: _sync().window_of("text"))
    stale_after_s: float = field(default_factory=lambda: _sync().stale_after_s)
    text_stale_after_s: float = field(default_factory=lambda: _sync().stale_of("text"))
    max_steps: dict[str, int] = field(default_factory=lambda: dict(_sync().max_steps))
    mid_utterance_rate: float = 0.5

    @classmethod
    def from_dict(cls, data: dict | None) -> WindowConfig:
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise CorpusError("unknown_option", f"unknown window options {sorted(unknown)}; "
                              f"known: {sorted(cls.__dataclass_fields__)}")
        return cls(**data)


def window_modalities(record: CachedUtterance, end: float, with_text: bool,
                      config: WindowConfig) -> dict[str, ModalitySteps]:
    """The steps the fusion node would hold at time `end` (seconds from utterance start)."""
    out = {}
    for name, steps in record.modalities.items():
        if name == "text" and not with_text:
            continue
        whole = config.window_s is None
        span = math.inf if whole else (config.text_window_s if name == "text"
                                       else config.window_s)
        stale = math.inf if whole else (config.text_stale_after_s if name == "text"
                                        else config.stale_after_s)
        times = steps.step_times
        chosen = np.flatnonzero((times <= end + 1e-9) & (times > end - span))
        if chosen.size == 0 or end - times[chosen[-1]] > stale:
            continue
        chosen = chosen[thin_newest(chosen.size, config.max_steps.get(name, chosen.size))]
        labels = [steps.step_labels[i] for i in chosen] if steps.step_labels else []
        out[name] = ModalitySteps(name, steps.features[chosen], times[chosen] - end,
                                  steps.quality[chosen], labels, steps.person_id,
                                  steps.extractor)
    return out


class UtteranceCorpus(FusionDataset):
    """One split of a raw corpus, its features read from a FeatureCache."""

    def __init__(self, corpus: str, split: str, utterances: Sequence[LabelledUtterance],
                 cache: FeatureCache, emotions: Sequence[str], windows: WindowConfig,
                 required: Sequence[str], seed: int = 0, extra: dict | None = None) -> None:
        self.corpus, self.split, self.cache, self.windows = corpus, split, cache, windows
        self.emotions, self.seed, self.epoch = tuple(emotions), seed, 0
        entries = cache.entries()
        self.utterances = [u for u in utterances if any(
            entries[u.media.utterance_id]["steps"].get(m, 0) > 0 for m in required)]
        self.without_signal = len(utterances) - len(self.utterances)
        self.extra = extra or {}
        self._records: dict[str, CachedUtterance] = {}

    def __len__(self) -> int:
        return len(self.utterances)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def record(self, index: int) -> CachedUtterance:
        key = self.utterances[index].media.utterance_id
        if key not in self._records:
            self._records[key] = self.cache.load(key)
        return self._records[key]

    def sample(self, index: int) -> FusionSample:
        utterance, record = self.utterances[index], self.record(index)
        speech_start, speech_end = record.speech_span
        view, modalities = "end", {}
        if self.split == "train" and self.windows.window_s is not None:
            rng = np.random.default_rng([self.seed, self.epoch, index])
            if (speech_end - speech_start > MIN_MID_SPEECH_S
                    and rng.random() < self.windows.mid_utterance_rate):
                end = rng.uniform(speech_start + MIN_MID_SPEECH_S, speech_end)
                modalities = window_modalities(record, end, False, self.windows)
                view = "mid"
        if not modalities:
            view = "end"
            modalities = window_modalities(record, speech_end, True, self.windows)
        if not modalities:  # the evidence stops before the speech end (e.g. video only)
            newest = max(float(s.step_times[-1]) for s in record.modalities.values())
            modalities = window_modalities(record, newest, True, self.windows)
        labels = np.array([1.0 if e in utterance.emotions else 0.0 for e in self.emotions],
                          np.float32)
        info = {"utterance_id": record.utterance_id, "speaker": utterance.speaker,
                "emotions": list(utterance.emotions), "view": view, **utterance.info}
        return FusionSample(modalities, labels, utterance.valence, utterance.arousal, info)

    def description(self) -> dict:
        return {"adapter": self.corpus, "split": self.split, "utterances": len(self),
                "speakers": sorted({u.speaker for u in self.utterances}),
                "without_signal": self.without_signal, "cache": str(self.cache.directory),
                "windows": asdict(self.windows), **self.extra}


def raw_release_request(corpus: str, data_config: dict, emotions: Sequence[str],
                        labelable: Sequence[str], folds: Sequence[str],
                        default_fold: str) -> tuple[Path, str]:
    """The checked release directory and fold of a raw-release adapter's request."""
    if not data_config.get("data_dir"):
        raise CorpusError("missing_data", f"{corpus} needs data.data_dir (--data-dir)")
    check_raw_source(corpus, data_config)
    check_emotions(corpus, emotions, labelable)
    fold = data_config.get("fold") or default_fold
    if fold not in folds:
        raise CorpusError("unknown_fold", f"{corpus} has no fold '{fold}'; choose from "
                          f"{', '.join(folds)}")
    return Path(data_config["data_dir"]).expanduser(), fold


def check_raw_source(corpus: str, data_config: dict) -> None:
    """Corpora read only from their raw release accept no other `source`."""
    source = data_config.get("source") or "auto"
    if source not in ("auto", "raw"):
        raise CorpusError("unknown_option", f"{corpus} is read from its raw release only "
                          f"(source raw or auto), not '{source}'")


def check_emotions(corpus: str, emotions: Sequence[str], labelable: Sequence[str]) -> None:
    unknown = [e for e in emotions if e not in labelable]
    if unknown:
        raise CorpusError("bad_label", f"{corpus} cannot label {unknown}; its emotions are "
                          f"{tuple(labelable)}")


def corpus_splits(corpus: str, utterances: Sequence[LabelledUtterance],
                  assign: Callable[[LabelledUtterance], str | None], data_config: dict,
                  emotions: Sequence[str], required: Sequence[str],
                  extra: dict | None = None) -> dict[str, FusionDataset]:
    """Features cached for every utterance `assign` puts in a split, then the three splits.

    Utterances labelled with none of `emotions` are left out (e.g. IEMOCAP's frustration).
    """
    kept = [u for u in utterances if set(u.emotions) & set(emotions)]
    parts: dict[str, list[LabelledUtterance]] = {s: [] for s in SPLITS}
    for utterance in kept:
        split = assign(utterance)
        if split is not None:
            parts[split].append(utterance)
    for split, items in parts.items():
        if not items:
            raise CorpusError("empty_split", f"{corpus}: the {split} split of fold "
                              f"{data_config.get('fold')} holds no utterance labelled "
                              f"{tuple(emotions)} under {data_config.get('data_dir')}")
    cache = FeatureCache(data_config.get("cache_dir") or DEFAULT_CACHE_ROOT, corpus,
                         PerceptionConfig.from_dict(data_config.get("perception")))
    report = cache.build([u.media for split in SPLITS for u in parts[split]],
                         workers=int(data_config.get("workers") or 0),
                         progress=bool(data_config.get("progress", True)))
    if cache.perception is not None:  # free the perception models before training
        cache.perception.close()
        cache.perception = None
    extra = {**(extra or {}), "fold": data_config.get("fold"),
             "features": {"computed": report.computed, "reused": report.reused,
                          "modality_errors": report.modality_errors}}
    windows = WindowConfig.from_dict(data_config.get("windows"))
    seed = int(data_config.get("seed", 0))
    splits: dict[str, FusionDataset] = {}
    for split in SPLITS:
        splits[split] = UtteranceCorpus(corpus, split, parts[split], cache, emotions, windows,
                                        required, seed, extra)
        if len(splits[split]) == 0:
            raise CorpusError("empty_split", f"{corpus}: no utterance of the {split} split has "
                              f"usable {'/'.join(required)} features (see {cache.directory})")
    return splits
