# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""CMU-MOSEI (Zadeh et al. 2018, "Multimodal Language Analysis in the Wild") for the fusion
trainer, from any of its three common forms (`data.source`, "auto" picks by the files in
`data.data_dir`):

- "csd": the CMU-MultimodalSDK computational sequences (mosei_csd.py), split by the SDK's
  standard folds. The fold file is `data.fold_file`, else `<data_dir>/cmu_mosei_std_folds.py`
  (the SDK's own file, mmsdk/mmdatasdk/dataset/standard_datasets/CMU_MOSEI/, read as text
  with `ast`: its `standard_train_fold`, `standard_valid_fold` and `standard_test_fold`
  lists; it is never imported) or `<data_dir>/mosei_folds.json` ({"train": [...], "valid":
  [...], "test": [...]} video ids). Fold videos without labels, or without one of the three
  modality sequences, make a partial corpus: refused unless `data.allow_partial`.
- "mmsa": MMSA's aligned_50.pkl / unaligned_50.pkl (mmsa_pickle.py), in data_dir or
  data_dir/Processed.
- "mult": MulT's mosei_senti_data.pkl / mosei_senti_data_noalign.pkl (mult_pickle.py).

`data.align` "words" (default) reads the word-aligned form (aligned_50, mosei_senti_data, or
.csd frames averaged per word), "none" the unaligned one. Labels: sentiment s in [-3, 3] ->
valence s / 3 (arousal unlabelled); an emotion is present when its intensity is > 0. The
pickles have no emotion labels: those are NaN (masked), and only valence is learned.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from pathlib import Path

from hri_emo_ros.corpora.csd import find_sequences
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.mmsa_pickle import load_mmsa_splits, mmsa_file
from hri_emo_ros.corpora.mosei_csd import (
    AUDIO,
    LABEL_COLUMNS,
    LABELS,
    TEXT,
    VISUAL,
    WORDS,
    MoseiCsdSplit,
    find_segments,
)
from hri_emo_ros.corpora.mult_pickle import FILES as MULT_FILES
from hri_emo_ros.corpora.mult_pickle import load_mult_splits, mult_file
from hri_emo_ros.corpora.registry import Protocol
from hri_emo_ros.fusion.dataset import FusionDataset, register_adapter

PROTOCOL = Protocol(
    name="mosei",
    emotions=("happy", "sad", "angry", "surprised", "disgusted", "fearful"),
    folds=("standard",),
    default_fold="standard",
    metrics="mosei",
    split="the CMU-MultimodalSDK standard folds (2249 train / 300 valid / 678 test videos; "
          "valid is the calibration split), one sample per labelled segment; the MMSA and "
          "MulT pickles carry the same split",
    licence="CMU-MOSEI is distributed by the CMU MultiComp Lab for research through the "
            "CMU-MultimodalSDK (features only, no raw video); no separate data licence is "
            "published with it: cite Zadeh et al. (ACL 2018), and check the lab's terms "
            "before any non-research use; MMSA and MulT pickles are derived from it",
)
DATA_DEFAULTS = {"source": "auto", "align": "words", "visual": "facet",
                 "max_steps": {"audio": 50, "text": 50, "video": 50}}
SOURCES = ("auto", "csd", "mmsa", "mult")
FOLD_FILES = ("cmu_mosei_std_folds.py", "mosei_folds.json")
FOLD_NAMES = {"train": "standard_train_fold", "valid": "standard_valid_fold",
              "test": "standard_test_fold"}
SPLITS = {"train": "train", "calibration": "valid", "test": "test"}


def read_folds(path: Path) -> dict[str, list[str]]:
    """{"train", "valid", "test"} -> video ids, from the SDK's .py fold file or a JSON one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CorpusError("missing_data", f"{path}: cannot read the fold file ({error})") from None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CorpusError("bad_layout", f"{path} is not JSON ({error})") from None
        data = data if isinstance(data, dict) else {}
        folds = {k: data.get(k, data.get(sdk)) for k, sdk in FOLD_NAMES.items()}
    else:
        folds = dict.fromkeys(FOLD_NAMES)
        try:
            tree = ast.parse(text, filename=str(path))
        except SyntaxError as error:
            raise CorpusError("bad_layout", f"{path} is not Python ({error.msg})") from None
        wanted = {sdk: ours for ours, sdk in FOLD_NAMES.items()}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name) and node.targets[0].id in wanted:
                try:
                    folds[wanted[node.targets[0].id]] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    for name, ids in folds.items():
        if not isinstance(ids, list) or not all(isinstance(v, str) for v in ids):
            raise CorpusError("bad_layout", f"{path} gives no list of video ids for the "
                              f"{name} fold (expected {FOLD_NAMES[name]} or '{name}')")
    return folds


def fold_file(data_dir: Path, configured: str | None) -> Path:
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise CorpusError("missing_data", f"{path}: no such fold file")
        return path
    for name in FOLD_FILES:
        if (data_dir / name).is_file():
            return data_dir / name
    raise CorpusError("missing_data", f"{data_dir} has no standard folds: expected "
                      f"{FOLD_FILES[0]} (from CMU-MultimodalSDK mmsdk/mmdatasdk/dataset/"
                      f"standard_datasets/CMU_MOSEI/) or {FOLD_FILES[1]}")


def detect_source(data_dir: Path, source: str) -> str:
    if source not in SOURCES:
        raise CorpusError("unknown_option", f"data.source '{source}' is not one of "
                          f"{', '.join(SOURCES)}")
    if source != "auto":
        return source
    if any(data_dir.glob("*.csd")):
        return "csd"
    if mmsa_file(data_dir) is not None:
        return "mmsa"
    if any((data_dir / name).is_file() for name in MULT_FILES["mosei"]):
        return "mult"
    raise CorpusError("missing_data", f"{data_dir} holds no CMU-MOSEI data: expected the "
                      f"CMU-MultimodalSDK .csd files (All Labels, COVAREP, FACET 4.2, "
                      f"glove_vectors, words), MMSA aligned_50.pkl/unaligned_50.pkl, or MulT "
                      f"{' / '.join(MULT_FILES['mosei'])}")


def csd_splits(data_dir: Path, config: dict, emotions: tuple[str, ...]
               ) -> dict[str, FusionDataset]:
    visual = str(config.get("visual", "facet"))
    if visual not in VISUAL:
        raise CorpusError("unknown_option", f"data.visual '{visual}' is not one of "
                          f"{', '.join(VISUAL)}")
    sequences = find_sequences(data_dir)
    if LABELS not in sequences:
        raise CorpusError("missing_data", f"{data_dir} has no '{LABELS}' computational "
                          f"sequence (CMU_MOSEI_Labels.csd); found {sorted(sequences)}")
    partial = bool(config.get("allow_partial", False))
    wanted = (AUDIO, VISUAL[visual], TEXT)
    absent = [name for name in wanted if name not in sequences]
    if absent and not partial:
        raise CorpusError("missing_data", f"{data_dir} lacks the {', '.join(absent)} "
                          f"sequence(s); add the .csd files or pass --allow-partial to train "
                          f"without them")
    labels = sequences[LABELS]
    sources = {n: sequences[n] for n in (*wanted, WORDS) if n in sequences}
    folds = read_folds(fold_file(data_dir, config.get("fold_file")))
    splits = {}
    for ours, theirs in SPLITS.items():
        videos = folds[theirs]
        unlabelled = [v for v in videos if v not in labels]
        gaps = {n: [v for v in videos if v in labels and v not in s]
                for n, s in sources.items() if n != WORDS}
        gaps = {n: g for n, g in gaps.items() if g}
        if (unlabelled or gaps) and not partial:
            first = unlabelled[:1] or next(iter(gaps.values()))[:1]
            where = labels.path if unlabelled else sources[next(iter(gaps))].path
            count = len(unlabelled) or len(next(iter(gaps.values())))
            raise CorpusError("missing_data", f"{count} of the {len(videos)} {theirs}-fold "
                              f"videos (e.g. '{first[0]}') are missing from {where}; pass "
                              f"--allow-partial to train on the videos present")
        kept = [v for v in videos if v in labels]
        segments, empty = find_segments(labels, sources, kept)
        description = {"adapter": "mosei", "source": "csd", "split": ours, "fold": theirs,
                       "videos": len(kept), "videos_missing": len(unlabelled),
                       "videos_missing_a_modality": {n: len(g) for n, g in gaps.items()},
                       "segments_without_frames": empty, "align": config.get("align"),
                       "visual": VISUAL[visual]}
        splits[ours] = MoseiCsdSplit(sources, VISUAL[visual], segments, emotions,
                                     str(config.get("align", "words")),
                                     config.get("max_steps"), description)
        if not len(splits[ours]):
            raise CorpusError("empty_split", f"no labelled segment of the {theirs} fold has "
                              f"features in {data_dir}")
    return splits


def mosei_splits(data_config: dict, emotions: Sequence[str]) -> dict[str, FusionDataset]:
    """Adapter factory registered as 'mosei'."""
    config = {**DATA_DEFAULTS, **{k: v for k, v in data_config.items() if v is not None}}
    if not config.get("data_dir"):
        raise CorpusError("missing_data", "mosei needs data.data_dir (--data-dir)")
    data_dir = Path(config["data_dir"]).expanduser()
    if not data_dir.is_dir():
        raise CorpusError("missing_data", f"{data_dir}: no such directory; expected the "
                          f"CMU-MOSEI download there")
    fold = config.get("fold") or PROTOCOL.default_fold
    if fold not in PROTOCOL.folds:
        raise CorpusError("unknown_fold", f"unknown fold '{fold}' of mosei; choose "
                          f"{', '.join(PROTOCOL.folds)}")
    unknown = [e for e in emotions if e not in LABEL_COLUMNS[1:]]
    if unknown:
        raise CorpusError("unknown_emotion", f"CMU-MOSEI labels {', '.join(PROTOCOL.emotions)}"
                          f", not {', '.join(unknown)}; set model.emotions to those")
    align = str(config.get("align"))
    if align not in ("words", "none"):
        raise CorpusError("unknown_option", f"data.align '{align}' is not words or none")
    source, emotions = detect_source(data_dir, str(config["source"])), tuple(emotions)
    max_steps = config.get("max_steps")
    if source == "csd":
        return csd_splits(data_dir, config, emotions)
    if source == "mmsa":
        path = mmsa_file(data_dir, align == "words")
        if path is None:
            name = "aligned_50.pkl" if align == "words" else "unaligned_50.pkl"
            raise CorpusError("missing_data", f"{data_dir} (or its Processed/) has no {name}; "
                              f"expected the MMSA pickle for data.align={align}")
        return load_mmsa_splits(path, emotions, max_steps=max_steps)
    return load_mult_splits(mult_file(data_dir, "mosei", align == "words"), "mosei",
                            emotions, max_steps=max_steps)


register_adapter(PROTOCOL.name, mosei_splits)
