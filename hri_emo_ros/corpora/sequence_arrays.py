# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of the readers of precomputed-feature corpora (CMU-MOSEI .csd, MulT and
MMSA pickles): clean feature rows, pool long sequences, and a FusionDataset over padded
(N, T, D) arrays.

Pickled arrays carry no timestamps. Their steps get nominal times: a word-aligned step is
WORD_S seconds, and every modality of a sample spans the same duration (its text's word
count x WORD_S, or, without text, its shortest modality's step count x WORD_S), so steps of
different modalities that happened together stay together in time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from hri_emo_ros.fusion.dataset import FusionDataset, FusionSample
from hri_emo_ros.fusion.records import ModalitySteps

WORD_S = 0.3  # nominal seconds per word-aligned step


def clean_rows(values: np.ndarray) -> tuple[np.ndarray, int]:
    """float32 rows with NaN/+-Inf set to 0 (as the corpora's reference loaders do), and how
    many values were replaced."""
    rows = np.asarray(values, dtype=np.float32)
    bad = ~np.isfinite(rows)
    count = int(bad.sum())
    if count:
        rows = np.where(bad, np.float32(0.0), rows)
    return rows, count


def clean_array(array: np.ndarray, chunk: int = 512) -> tuple[np.ndarray, int]:
    """`clean_rows` for a large (N, T, D) array, in place once float32, chunk by chunk."""
    array = np.asarray(array)
    if array.dtype != np.float32:
        array = array.astype(np.float32)
    count = 0
    for start in range(0, array.shape[0], chunk):
        part = array[start:start + chunk]
        bad = ~np.isfinite(part)
        if bad.any():
            count += int(bad.sum())
            part[bad] = 0.0
    return array, count


def has_steps(array: np.ndarray, lengths: np.ndarray | None, chunk: int = 512) -> np.ndarray:
    """(N,) whether each padded sequence has at least one real step."""
    if lengths is not None:
        return np.asarray(lengths).reshape(-1) > 0
    return np.concatenate([np.any(array[i:i + chunk] != 0.0, axis=(1, 2))
                           for i in range(0, array.shape[0], chunk)] or [np.zeros(0, bool)])


def pool_steps(features: np.ndarray, times: np.ndarray, cap: int | None
               ) -> tuple[np.ndarray, np.ndarray]:
    """At most `cap` steps: consecutive rows averaged in near-equal chunks (each stamped with
    its newest time), so a long sequence is summarised rather than cut to its end."""
    if cap is None or features.shape[0] <= cap:
        return features, times
    chunks = np.array_split(np.arange(features.shape[0]), cap)
    pooled = np.stack([features[c].mean(axis=0) for c in chunks]).astype(np.float32)
    return pooled, np.array([times[c[-1]] for c in chunks], dtype=np.float64)


def even_times(count: int, duration: float) -> np.ndarray:
    """`count` step times spread over `duration` seconds, the newest at 0."""
    return -duration * (count - 1 - np.arange(count)) / max(count, 1)


def valid_rows(sequence: np.ndarray, length: int | None) -> np.ndarray:
    """The real steps of one padded (T, D) sequence: the first `length` rows when the corpus
    gives lengths, else every row that is not all zeros (padding, wherever it sits)."""
    if length is not None:
        return sequence[:max(0, min(int(length), sequence.shape[0]))]
    return sequence[np.any(sequence != 0.0, axis=1)]


class PaddedArrays(FusionDataset):
    """One split of a pickled corpus: per modality (N, T, D) arrays (NaN/Inf already set to
    0), optional per-sample lengths, (N, E) labels (NaN = unlabelled), (N,) valence.
    Samples without a single real step in any modality are left out (and counted)."""

    def __init__(self, arrays: Mapping[str, np.ndarray], lengths: Mapping[str, np.ndarray],
                 labels: np.ndarray, valence: np.ndarray, info: Sequence[dict],
                 emotions: Sequence[str], feature_space: str,
                 max_steps: Mapping[str, int] | None = None, description: dict | None = None
                 ) -> None:
        self.arrays, self.lengths = dict(arrays), dict(lengths)
        self.labels, self.valence, self.info = labels, valence, list(info)
        self.emotions = tuple(emotions)
        self.feature_space = feature_space
        self.feature_dims = {m: int(a.shape[2]) for m, a in self.arrays.items()}
        self.max_steps = dict(max_steps or {})
        present = np.zeros(labels.shape[0], dtype=bool)
        for name, array in self.arrays.items():
            present |= has_steps(array, self.lengths.get(name))
        self.rows = np.nonzero(present)[0]
        self._description = {**(description or {}),
                             "empty_samples_left_out": int((~present).sum())}

    def __len__(self) -> int:
        return int(self.rows.size)

    def description(self) -> dict:
        return {**self._description, "samples": len(self)}

    def sample(self, position: int) -> FusionSample:
        index = int(self.rows[position])
        rows = {}
        for name, array in self.arrays.items():
            length = self.lengths.get(name)
            kept = valid_rows(array[index], None if length is None else length[index])
            if kept.shape[0]:
                rows[name] = kept
        if "text" in rows:
            duration = WORD_S * rows["text"].shape[0]
        else:
            duration = WORD_S * min((r.shape[0] for r in rows.values()), default=1)
        modalities = {}
        for name, kept in rows.items():
            features, times = pool_steps(kept.astype(np.float32),
                                         even_times(kept.shape[0], duration),
                                         self.max_steps.get(name))
            modalities[name] = ModalitySteps(name, features, times,
                                             np.ones(features.shape[0], np.float32))
        return FusionSample(modalities, self.labels[index].astype(np.float32),
                            float(self.valence[index]), float("nan"), dict(self.info[index]))
