# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Read the MulT pickles (Tsai et al. 2019, "Multimodal Transformer for Unaligned
Multimodal Language Sequences"): `<name>_data.pkl` (word-aligned) and
`<name>_data_noalign.pkl`, each `{train, valid, test}` -> `vision` (N, T, 35 FACET),
`text` (N, T, 300 GloVe), `audio` (N, T, 74 COVAREP), `labels` (+ `id`).

- CMU-MOSEI (`mosei_senti_data*.pkl`): labels (N, 1, 1) sentiment in [-3, 3] -> valence =
  s / 3; there are no emotion labels, so every emotion label is NaN (masked, never 0).
- IEMOCAP (`iemocap_data*.pkl`): labels (N, 4, 2), one two-way one-hot per class in the
  order neutral, happy, sad, angry; index 1 = present (MulT takes the argmax). No valence.

Splits: train -> train, valid -> calibration, test -> test. The arrays carry no lengths:
rows that are all zeros are padding. NaN/+-Inf (MulT's MOSEI audio has -inf) are set to 0,
as MulT's loader does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hri_emo_ros.corpora.array_pickle import read_split_pickle
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.sequence_arrays import PaddedArrays, clean_array
from hri_emo_ros.fusion.dataset import FusionDataset

SPLITS = {"train": "train", "calibration": "valid", "test": "test"}
MODALITY_KEYS = {"audio": "audio", "text": "text", "video": "vision"}
IEMOCAP_CLASSES = ("neutral", "happy", "sad", "angry")
FILES = {"mosei": ("mosei_senti_data.pkl", "mosei_senti_data_noalign.pkl"),
         "iemocap": ("iemocap_data.pkl", "iemocap_data_noalign.pkl")}
SPACES = {"mosei": "CMU-MOSEI MulT COVAREP/FACET/GloVe",
          "iemocap": "IEMOCAP MulT COVAREP/FACET/GloVe"}


def sample_id(raw: object) -> str:
    """A MulT `id` entry (a string, bytes, or an array of them) as one string."""
    parts = np.asarray(raw, dtype=object).reshape(-1).tolist()
    text = [p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in parts]
    return "_".join(text)


def _labels(corpus: str, raw: np.ndarray, emotions: tuple[str, ...], where: str
            ) -> tuple[np.ndarray, np.ndarray]:
    """(N, E) labels (NaN = unlabelled) and (N,) valence from MulT `labels`."""
    count = raw.shape[0]
    if corpus == "mosei":
        flat = raw.reshape(count, -1)
        if flat.shape[1] != 1:
            raise CorpusError("bad_layout", f"{where}: labels of shape {raw.shape}; a MOSEI "
                              f"sentiment pickle has (N, 1, 1)")
        sentiment = flat[:, 0].astype(np.float64)
        return (np.full((count, len(emotions)), np.nan, np.float32),
                np.clip(sentiment / 3.0, -1.0, 1.0))
    if raw.ndim != 3 or raw.shape[1:] != (len(IEMOCAP_CLASSES), 2):
        raise CorpusError("bad_layout", f"{where}: labels of shape {raw.shape}; an IEMOCAP "
                          f"pickle has (N, 4, 2) one-hots ({', '.join(IEMOCAP_CLASSES)})")
    present = (np.argmax(raw, axis=-1) == 1).astype(np.float32)
    columns = [IEMOCAP_CLASSES.index(e) for e in emotions]
    return present[:, columns], np.full(count, np.nan)


def _split(part: object, corpus: str, emotions: tuple[str, ...], where: str,
           max_steps: dict[str, int] | None, path: Path, split: str) -> FusionDataset:
    if not isinstance(part, dict):
        raise CorpusError("bad_layout", f"{where} is a {type(part).__name__}, not a dict of "
                          f"arrays")
    missing = [k for k in (*MODALITY_KEYS.values(), "labels") if k not in part]
    if missing:
        raise CorpusError("bad_layout", f"{where} lacks {missing}; a MulT split has vision, "
                          f"text, audio and labels")
    labels_raw = np.asarray(part["labels"], dtype=np.float64)
    count = labels_raw.shape[0]
    arrays, zeroed = {}, 0
    for modality, key in MODALITY_KEYS.items():
        array, replaced = clean_array(part[key])
        if array.ndim != 3 or array.shape[0] != count:
            raise CorpusError("bad_layout", f"{where}/{key} has shape {array.shape}; expected "
                              f"({count}, steps, dims) like its {count} labels")
        arrays[modality], zeroed = array, zeroed + replaced
    labels, valence = _labels(corpus, labels_raw, emotions, where)
    ids = ([sample_id(i) for i in part["id"]] if "id" in part
           else [f"{split}/{i}" for i in range(count)])
    info = []
    for i in range(count):
        item = {"id": ids[i], "video_id": ids[i].split("_")[0] if "id" in part else ids[i],
                "index": i}
        if corpus == "mosei":
            item["sentiment"] = float(labels_raw[i].reshape(-1)[0])
        else:
            item["emotion"] = [e for e, on in zip(emotions, labels[i]) if on]
        info.append(item)
    description = {"adapter": corpus, "source": "mult", "file": str(path), "split": split,
                   "nonfinite_values_zeroed": zeroed}
    return PaddedArrays(arrays, {}, labels, valence, info, emotions, SPACES[corpus],
                        max_steps, description)


def mult_file(directory: Path, corpus: str, aligned: bool | None = None) -> Path:
    """The MulT pickle of `corpus` in `directory`: the word-aligned one, or the unaligned
    one (aligned=False); with None whichever is there, aligned first."""
    names = FILES[corpus] if aligned is None else (FILES[corpus][0 if aligned else 1],)
    for name in names:
        if (directory / name).is_file():
            return directory / name
    raise CorpusError("missing_data", f"{directory} holds no MulT pickle; expected "
                      f"{' or '.join(names)}")


def load_mult_splits(path: Path, corpus: str, emotions: tuple[str, ...], *,
                     max_steps: dict[str, int] | None = None, aligned: bool | None = None
                     ) -> dict[str, FusionDataset]:
    """{"train", "calibration", "test"} datasets from the MulT pickle at `path` (the file, or
    the directory holding it: see `mult_file`), labelled with `emotions` (for IEMOCAP a
    subset of neutral, happy, sad, angry, in any order). `max_steps`: longer sequences are
    average-pooled to that many steps per modality."""
    path = Path(path).expanduser()
    if corpus not in FILES:
        raise ValueError(f"MulT pickles exist for {', '.join(FILES)}, not '{corpus}'")
    if path.is_dir():
        path = mult_file(path, corpus, aligned)
    emotions = tuple(emotions)
    if corpus == "iemocap":
        unknown = [e for e in emotions if e not in IEMOCAP_CLASSES]
        if unknown:
            raise CorpusError("unknown_emotion", f"MulT's IEMOCAP pickle labels only "
                              f"{', '.join(IEMOCAP_CLASSES)}, not {', '.join(unknown)}")
    if not path.is_file():
        raise CorpusError("missing_data", f"{path}: no such file; expected the MulT pickle "
                          f"{' or '.join(FILES[corpus])}")
    data = read_split_pickle(path, "a MulT pickle", SPLITS)
    return {ours: _split(data[ours], corpus, emotions, f"{path}[{SPLITS[ours]!r}]",
                         max_steps, path, ours) for ours in SPLITS}
