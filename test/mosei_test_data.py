# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Tiny CMU-MOSEI releases in the real formats, written by the tests themselves.

- `write_csd`: a computational sequence exactly as CMU-MultimodalSDK writes one (root group
  named after the sequence, data/<video>/{features, intervals}, metadata/<key> as length-1
  variable-length string datasets holding JSON).
- `write_sdk_release`: All Labels / COVAREP (100 Hz) / FACET 4.2 (30 Hz) / glove_vectors /
  words files under the SDK's file names plus the SDK's cmu_mosei_std_folds.py. Every
  segment expresses one emotion; its audio frames, face frames and word vectors carry that
  emotion's pattern under noise, and its sentiment follows the emotion, so a model can
  learn it. Video "hand01" (test fold) is fixed for hand-checked expectations.
- `write_mult_pickle`, `write_mmsa_pickle`: the MulT and MMSA pickles with their real keys
  and shapes (small N), from the same kind of learnable samples.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import h5py
import numpy as np

EMOTIONS = ("happy", "sad", "angry", "surprised", "disgusted", "fearful")
SENTIMENT = {"happy": 2.0, "surprised": 1.0, "sad": -2.0, "angry": -2.5, "disgusted": -1.5,
             "fearful": -1.0}
DIMS = {"COVAREP": 74, "FACET 4.2": 35, "glove_vectors": 300}
FILES = {"All Labels": "CMU_MOSEI_Labels.csd", "COVAREP": "CMU_MOSEI_COVAREP.csd",
         "FACET 4.2": "CMU_MOSEI_VisualFacet42.csd",
         "glove_vectors": "CMU_MOSEI_TimestampedWordVectors.csd",
         "words": "CMU_MOSEI_TimestampedWords.csd"}
HAND_LABEL = [2.0, 1.5, 0.0, 0.0, 1.0 / 3.0, 0.0, 0.0]  # happy and surprised present
HAND_WORDS = [(0.5, 1.2, "hello"), (1.2, 1.405, "sp"), (1.405, 2.005, "good"),
              (2.005, 2.6, "day"), (2.6, 3.5, "sp")]


def write_csd(path: Path, root: str, data: dict[str, tuple[np.ndarray, np.ndarray]],
              dimension_names: list[str] | None = None) -> Path:
    metadata = {
        "root name": root, "computational sequence description": f"{root} for a test",
        "computational sequence version": "1.0", "alignment compatible": True,
        "dataset name": "CMU-MOSEI", "dataset version": "1.0", "creator": "test",
        "contact": "test@example.org", "featureset bib citation": "-",
        "dataset bib citation": "-", "md5": None, "uuid": "00000000"}
    if dimension_names is not None:
        metadata["dimension names"] = dimension_names
    with h5py.File(path, "w") as handle:
        group = handle.create_group(root)
        videos = group.create_group("data")
        for video, (features, intervals) in data.items():
            entry = videos.create_group(video)
            entry.create_dataset("features", data=features)
            entry.create_dataset("intervals", data=intervals)
        meta = group.create_group("metadata")
        for key, value in metadata.items():
            meta.create_dataset(key, (1,), dtype=h5py.special_dtype(vlen=str))
            meta[key][0] = json.dumps(value)
    return path


def frames(rate: float, duration: float) -> np.ndarray:
    starts = np.arange(int(round(duration * rate))) / rate
    return np.stack([starts, starts + 1.0 / rate], axis=1)


def _video(rng, patterns, segments: int) -> dict:
    """Labels, COVAREP, FACET, words and GloVe rows of one learnable video."""
    spans, labels, classes = [], [], []
    for k in range(segments):
        emotion = EMOTIONS[int(rng.integers(len(EMOTIONS)))]
        row = np.zeros(7)
        row[0] = SENTIMENT[emotion] + rng.normal(0, 0.2)
        row[1 + EMOTIONS.index(emotion)] = rng.choice([1.0, 2.0, 3.0])
        spans.append((3.0 * k + 0.5, 3.0 * k + 2.5))
        labels.append(row)
        classes.append(emotion)
    duration = 3.0 * segments

    def stream(name, rate):
        iv = frames(rate, duration)
        feats = rng.normal(0, 1, (len(iv), DIMS[name])).astype(np.float32)
        for (a, b), emotion in zip(spans, classes):
            inside = (iv[:, 0] >= a) & (iv[:, 0] < b)
            feats[inside] += 1.5 * patterns[name][EMOTIONS.index(emotion)]
        return feats, iv

    words, vectors, word_iv = [], [], []
    t = 0.0
    while t + 0.4 <= duration:
        emotion = next((e for (a, b), e in zip(spans, classes) if a <= t < b), None)
        words += [b"word", b"sp"]
        vec = rng.normal(0, 1, DIMS["glove_vectors"])
        if emotion is not None:
            vec += 1.5 * patterns["glove_vectors"][EMOTIONS.index(emotion)]
        vectors += [vec, np.zeros(DIMS["glove_vectors"])]
        word_iv += [(t, t + 0.3), (t + 0.3, t + 0.4)]
        t += 0.4
    return {"All Labels": (np.array(labels), np.array(spans)),
            "COVAREP": stream("COVAREP", 100.0), "FACET 4.2": stream("FACET 4.2", 30.0),
            "glove_vectors": (np.array(vectors, np.float32), np.array(word_iv)),
            "words": (np.array(words).reshape(-1, 1), np.array(word_iv))}


def _hand_video() -> dict:
    """Video hand01: labelled segments [1, 3] s, [50, 52] s (no features at all) and
    [3.6, 3.9] s (frames but no spoken word). COVAREP column 0 is each frame's start time;
    FACET column 0 is 7 everywhere."""
    audio_iv = frames(100.0, 4.0)
    audio = np.zeros((len(audio_iv), DIMS["COVAREP"]), np.float32)
    audio[:, 0] = audio_iv[:, 0]
    audio[150, 1] = -np.inf  # COVAREP's -inf, set to 0 by the reader
    video_iv = frames(30.0, 4.0)
    video = np.zeros((len(video_iv), DIMS["FACET 4.2"]), np.float32)
    video[:, 0] = 7.0
    words = np.array([[w.encode()] for _, _, w in HAND_WORDS])
    word_iv = np.array([(a, b) for a, b, _ in HAND_WORDS])
    glove = np.zeros((len(HAND_WORDS), DIMS["glove_vectors"]), np.float32)
    for i, (_, _, w) in enumerate(HAND_WORDS):
        if w != "sp":
            glove[i, 0] = i + 1.0
    labels = np.array([HAND_LABEL, [-3.0, 0, 2.0, 0, 0, 0, 0], [-1.0, 0, 1.0, 0, 0, 0, 0]])
    return {"All Labels": (labels, np.array([[1.0, 3.0], [50.0, 52.0], [3.6, 3.9]])),
            "COVAREP": (audio, audio_iv), "FACET 4.2": (video, video_iv),
            "glove_vectors": (glove, word_iv), "words": (words, word_iv)}


def fold_ids(counts: tuple[int, int, int] = (8, 3, 3)) -> dict[str, list[str]]:
    return {"train": [f"tr{i:02d}" for i in range(counts[0])],
            "valid": [f"va{i:02d}" for i in range(counts[1])],
            "test": ["hand01"] + [f"te{i:02d}" for i in range(counts[2] - 1)]}


def write_fold_file(path: Path, folds: dict[str, list[str]]) -> Path:
    """The SDK's cmu_mosei_std_folds.py layout: three module-level lists."""
    path.write_text("".join(f"standard_{name}_fold={ids!r}\n" for name, ids in folds.items()),
                    encoding="utf-8")
    return path


def write_sdk_release(root: Path, counts: tuple[int, int, int] = (8, 3, 3), segments: int = 4,
                      seed: int = 0, skip: dict[str, list[str]] | None = None) -> dict:
    """The tiny release under `root`; `skip` leaves videos out of sequences, e.g.
    {"FACET 4.2": ["tr01"]}. Returns the fold ids."""
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    patterns = {name: np.random.default_rng(100 + i).normal(0, 1, (len(EMOTIONS), dim))
                for i, (name, dim) in enumerate(DIMS.items())}
    folds = fold_ids(counts)
    videos = {v: (_hand_video() if v == "hand01" else _video(rng, patterns, segments))
              for ids in folds.values() for v in ids}
    for name, filename in FILES.items():
        data = {v: content[name] for v, content in videos.items()
                if v not in (skip or {}).get(name, [])}
        names = (["sentiment", "happy", "sad", "anger", "surprise", "disgust", "fear"]
                 if name == "All Labels" else None)
        write_csd(root / filename, name, data, names)
    write_fold_file(root / "cmu_mosei_std_folds.py", folds)
    return folds


def learnable_arrays(rng, count: int, steps: int, dims: dict[str, int], patterns: dict,
                     pad_left: bool = True) -> tuple[dict, np.ndarray, list[int]]:
    """Zero-padded (count, steps, dim) arrays whose real rows carry the class pattern, the
    classes, and each sample's real length."""
    classes = rng.integers(len(EMOTIONS), size=count)
    lengths = rng.integers(3, steps + 1, size=count).tolist()
    arrays = {}
    for name, dim in dims.items():
        array = np.zeros((count, steps, dim), np.float32)
        for i in range(count):
            rows = rng.normal(0, 1, (lengths[i], dim)) + 1.5 * patterns[name][classes[i]]
            if pad_left:
                array[i, steps - lengths[i]:] = rows
            else:
                array[i, :lengths[i]] = rows
        arrays[name] = array
    return arrays, classes, lengths


def write_mult_pickle(path: Path, corpus: str, counts=(48, 16, 16), steps: int = 20,
                      seed: int = 0) -> dict:
    """MulT's <name>_data.pkl: {train, valid, test} -> vision (N, T, 35), text (N, T, 300),
    audio (N, T, 74), labels (N, 1, 1) sentiment or (N, 4, 2) IEMOCAP one-hots, id."""
    rng = np.random.default_rng(seed)
    dims = {"vision": 35, "text": 300, "audio": 74}
    patterns = {n: np.random.default_rng(7 + i).normal(0, 1, (len(EMOTIONS), d))
                for i, (n, d) in enumerate(dims.items())}
    data = {}
    for split, count in zip(("train", "valid", "test"), counts):
        arrays, classes, _ = learnable_arrays(rng, count, steps, dims, patterns)
        arrays["audio"][0, -1, 3] = -np.inf
        if corpus == "mosei":
            labels = np.array([SENTIMENT[EMOTIONS[c]] for c in classes]).reshape(-1, 1, 1)
        else:
            labels = np.zeros((count, 4, 2), np.float32)
            labels[:, :, 0] = 1.0
            labels[np.arange(count), classes % 4, 0] = 0.0
            labels[np.arange(count), classes % 4, 1] = 1.0
        ids = np.array([[f"{split}v{i}".encode(), b"0.0", b"3.0"] for i in range(count)])
        data[split] = {**arrays, "labels": labels.astype(np.float32), "id": ids}
    with open(path, "wb") as handle:
        pickle.dump(data, handle, protocol=4)
    return data


def write_mmsa_pickle(path: Path, aligned: bool, counts=(48, 16, 16), seed: int = 0) -> dict:
    """MMSA's aligned_50.pkl / unaligned_50.pkl (MOSEI dims T/A/V 768/74/35)."""
    rng = np.random.default_rng(seed)
    dims = {"text": 768, "audio": 74, "vision": 35}
    patterns = {n: np.random.default_rng(17 + i).normal(0, 1, (len(EMOTIONS), d))
                for i, (n, d) in enumerate(dims.items())}
    data = {}
    for split, count in zip(("train", "valid", "test"), counts):
        arrays, classes, lengths = learnable_arrays(rng, count, 50, {"text": 768}, patterns,
                                                    pad_left=False)
        mask = np.zeros((count, 50))
        for i, n in enumerate(lengths):
            mask[i, :n] = 1
        text_bert = np.stack([mask * 101, mask, np.zeros_like(mask)], axis=1)
        part = {"id": [f"{split}vid{i}$_${i % 3}" for i in range(count)],
                "raw_text": np.array([f"sentence {i}" for i in range(count)]),
                "text": arrays["text"], "text_bert": text_bert.astype(np.float32),
                "regression_labels": np.array([SENTIMENT[EMOTIONS[c]] for c in classes],
                                              np.float32),
                "classification_labels": np.array([float(SENTIMENT[EMOTIONS[c]] > 0)
                                                   for c in classes], np.float32),
                "annotations": np.array(["Positive" if SENTIMENT[EMOTIONS[c]] > 0
                                         else "Negative" for c in classes])}
        for name, dim, steps in (("audio", 74, 50 if aligned else 60),
                                 ("vision", 35, 50 if aligned else 40)):
            array = np.zeros((count, steps, dim), np.float32)
            own = lengths if aligned else rng.integers(2, steps + 1, size=count).tolist()
            for i in range(count):
                array[i, :own[i]] = (rng.normal(0, 1, (own[i], dim))
                                     + 1.5 * patterns[name][classes[i]])
            part[name] = array
            if not aligned:
                part[f"{name}_lengths"] = list(own)
        part["audio"][0, 0, 5] = -np.inf
        data[split] = part
    with open(path, "wb") as handle:
        pickle.dump(data, handle, protocol=4)
    return data
