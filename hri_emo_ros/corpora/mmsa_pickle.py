# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Read the MMSA feature pickles of CMU-MOSEI (thuiar/MMSA: `aligned_50.pkl`,
`unaligned_50.pkl`, usually under MOSEI/Processed/): `{train, valid, test}` -> `id`
("video$_$clip"), `raw_text`, `text` (N, L, 768 BERT), `text_bert` (N, 3, L: token ids,
attention mask, segment ids), `audio` (N, Ta, 74 COVAREP), `vision` (N, Tv, 35 FACET),
`audio_lengths` / `vision_lengths` (unaligned only), `regression_labels` (sentiment in
[-3, 3]), `classification_labels`, `annotations`.

Labels: sentiment -> valence = s / 3; MMSA has no emotion labels, so they are NaN (masked,
never 0). Lengths are read from the arrays: the text's from the `text_bert` attention mask,
audio/vision from their `*_lengths` (clipped to the array) or, in the aligned file, the
text's; without either, all-zero rows are padding. `-inf`/NaN in audio are set to 0 (as
MMSA's loader does). Splits: train -> train, valid -> calibration, test -> test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hri_emo_ros.corpora.array_pickle import read_split_pickle
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.mult_pickle import SPLITS, sample_id
from hri_emo_ros.corpora.sequence_arrays import PaddedArrays, clean_array
from hri_emo_ros.fusion.dataset import FusionDataset

FILES = {True: "aligned_50.pkl", False: "unaligned_50.pkl"}
MODALITY_KEYS = {"audio": "audio", "text": "text", "video": "vision"}
SPACE = "CMU-MOSEI MMSA BERT/COVAREP/FACET"


def mmsa_file(directory: Path, aligned: bool | None = None) -> Path | None:
    """The MMSA pickle in `directory` or its Processed/ folder (aligned first when None)."""
    names = [FILES[True], FILES[False]] if aligned is None else [FILES[aligned]]
    for folder in (directory, directory / "Processed"):
        for name in names:
            if (folder / name).is_file():
                return folder / name
    return None


def _lengths(part: dict, arrays: dict[str, np.ndarray], where: str) -> dict[str, np.ndarray]:
    count = arrays["text"].shape[0]
    lengths: dict[str, np.ndarray] = {}
    if "text_bert" in part:
        tokens = np.asarray(part["text_bert"])
        if tokens.ndim != 3 or tokens.shape[0] != count or tokens.shape[1] != 3:
            raise CorpusError("bad_layout", f"{where}/text_bert has shape {tokens.shape}; "
                              f"expected ({count}, 3, tokens)")
        lengths["text"] = np.asarray(tokens[:, 1, :] > 0).sum(axis=1)
    for modality in ("audio", "video"):
        key = f"{MODALITY_KEYS[modality]}_lengths"
        if key in part:
            given = np.asarray(part[key]).reshape(-1).astype(np.int64)
            if given.size != count:
                raise CorpusError("bad_layout", f"{where}/{key} has {given.size} entries for "
                                  f"{count} samples")
            lengths[modality] = np.clip(given, 0, arrays[modality].shape[1])
        elif "text" in lengths and arrays[modality].shape[1] == arrays["text"].shape[1]:
            lengths[modality] = lengths["text"]  # aligned to the text's tokens
    return lengths


def _split(part: object, emotions: tuple[str, ...], where: str, path: Path, split: str,
           max_steps: dict[str, int] | None) -> FusionDataset:
    if not isinstance(part, dict):
        raise CorpusError("bad_layout", f"{where} is a {type(part).__name__}, not a dict")
    missing = [k for k in (*MODALITY_KEYS.values(), "regression_labels") if k not in part]
    if missing:
        raise CorpusError("bad_layout", f"{where} lacks {missing}; an MMSA split has text, "
                          f"audio, vision and regression_labels")
    sentiment = np.asarray(part["regression_labels"], dtype=np.float64).reshape(-1)
    count = sentiment.size
    arrays, zeroed = {}, 0
    for modality, key in MODALITY_KEYS.items():
        array, replaced = clean_array(part[key])
        if array.ndim != 3 or array.shape[0] != count:
            raise CorpusError("bad_layout", f"{where}/{key} has shape {array.shape}; expected "
                              f"({count}, steps, dims) like its {count} labels")
        arrays[modality], zeroed = array, zeroed + replaced
    lengths = _lengths(part, arrays, where)
    ids = ([sample_id(i) for i in part["id"]] if "id" in part
           else [f"{split}/{i}" for i in range(count)])
    raw_text = list(part.get("raw_text", [""] * count))
    info = [{"id": ids[i], "video_id": ids[i].split("$_$")[0], "index": i,
             "sentiment": float(sentiment[i]), "text": str(raw_text[i])} for i in range(count)]
    description = {"adapter": "mosei", "source": "mmsa", "file": str(path), "split": split,
                   "nonfinite_values_zeroed": zeroed}
    return PaddedArrays(arrays, lengths, np.full((count, len(emotions)), np.nan, np.float32),
                        np.clip(sentiment / 3.0, -1.0, 1.0), info, emotions, SPACE,
                        max_steps, description)


def load_mmsa_splits(path: Path, emotions: tuple[str, ...], *,
                     max_steps: dict[str, int] | None = None) -> dict[str, FusionDataset]:
    """{"train", "calibration", "test"} from the MMSA pickle at `path`."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError("missing_data", f"{path}: no such file; expected an MMSA pickle "
                          f"({' or '.join(FILES.values())})")
    data = read_split_pickle(path, "an MMSA pickle", SPLITS)
    return {ours: _split(data[ours], tuple(emotions), f"{path}[{SPLITS[ours]!r}]", path, ours,
                         max_steps) for ours in SPLITS}
