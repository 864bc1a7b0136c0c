# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""CMU-MOSEI from its CMU-MultimodalSDK computational sequences: one sample per labelled
segment of `All Labels`, each modality cut to the segment's interval.

Sequences are found by root name, whatever the files are called: `All Labels` (7: sentiment,
happy, sad, anger, surprise, disgust, fear), `COVAREP` (audio, 74), `FACET 4.2` (video, 35)
or `OpenFace_2` (video, 713; `data.visual: openface`), `glove_vectors` (text, 300) and
`words` (the word of each GloVe row; `sp` rows are pauses and are dropped).
`data.align`: "words" (the standard aligned protocol) makes one step per spoken word, the
audio and video frames averaged over the word's interval (a segment without a spoken word
keeps its frames); "none" keeps the frames (a long segment average-pooled to
data.max_steps). Step times are seconds before the segment's end, every step has quality 1;
NaN/+-Inf feature values are set to 0. A segment without a single audio or video frame is
left out (and counted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.corpora.csd import ComputationalSequence, decode_words
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.sequence_arrays import clean_rows, pool_steps
from hri_emo_ros.fusion.dataset import FusionDataset, FusionSample
from hri_emo_ros.fusion.records import ModalitySteps

LABELS, WORDS = "All Labels", "words"
AUDIO, TEXT = "COVAREP", "glove_vectors"
VISUAL = {"facet": "FACET 4.2", "openface": "OpenFace_2"}
STANDARD_DIMS = {AUDIO: 74, TEXT: 300, "FACET 4.2": 35, "OpenFace_2": 713}
LABEL_COLUMNS = ("sentiment", "happy", "sad", "angry", "surprised", "disgusted", "fearful")
PAUSE = "sp"


def overlapping(intervals: np.ndarray, start: float, end: float) -> np.ndarray:
    """Rows whose interval overlaps [start, end] (a zero-length row counts at its instant)."""
    ends = np.maximum(intervals[:, 1], intervals[:, 0] + 1e-6)
    return (intervals[:, 0] < end) & (ends > start)


@dataclass
class Segment:
    video: str
    index: int
    start: float
    end: float
    label: np.ndarray                   # (7,) sentiment then six intensities
    rows: dict[str, tuple[int, int]]    # modality -> [first, last + 1) rows that overlap


def find_segments(labels: ComputationalSequence, sources: Mapping[str, ComputationalSequence],
                  videos: Sequence[str]) -> tuple[list[Segment], int]:
    """Labelled segments of `videos` with the row range of each source that overlaps them,
    and how many segments had no audio or video frame (left out)."""
    segments, empty = [], 0
    for video in videos:
        spans, values = labels.intervals(video), labels.features(video).astype(np.float64)
        if values.shape[1] != len(LABEL_COLUMNS):
            raise CorpusError("bad_layout", f"{labels.path}: data/{video}/features has "
                              f"{values.shape[1]} columns; All Labels has {len(LABEL_COLUMNS)}")
        intervals = {m: s.intervals(video) for m, s in sources.items() if video in s}
        for index, (start, end) in enumerate(spans):
            rows = {}
            for modality, iv in intervals.items():
                hit = np.nonzero(overlapping(iv, start, end))[0]
                if hit.size:
                    rows[modality] = (int(hit[0]), int(hit[-1]) + 1)
            if not set(rows) - {WORDS, TEXT}:
                empty += 1
                continue
            segments.append(Segment(video, index, float(start), float(end), values[index],
                                    rows))
    return segments, empty


def step_times(intervals: np.ndarray, start: float, end: float) -> np.ndarray:
    """Midpoints of the rows' parts inside [start, end], in seconds before `end`."""
    inside = (np.maximum(intervals[:, 0], start) + np.minimum(intervals[:, 1], end)) / 2.0
    return np.clip(inside, start, end) - end


def word_average(features: np.ndarray, intervals: np.ndarray, words: np.ndarray,
                 word_times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One step per word interval, at the word's time: the mean of the frames overlapping it
    (a word without a frame has no step)."""
    hits = [overlapping(intervals, a, b) for a, b in words]
    kept = [i for i, hit in enumerate(hits) if hit.any()]
    if not kept:
        return np.zeros((0, features.shape[1]), np.float32), np.zeros(0)
    rows = np.stack([features[hits[i]].mean(axis=0) for i in kept]).astype(np.float32)
    return rows, word_times[kept]


class MoseiCsdSplit(FusionDataset):
    def __init__(self, sources: Mapping[str, ComputationalSequence], visual: str,
                 segments: Sequence[Segment], emotions: Sequence[str], align: str,
                 max_steps: Mapping[str, int] | None, description: dict) -> None:
        self.sources, self.visual = dict(sources), visual
        self.segments, self.emotions, self.align = list(segments), tuple(emotions), align
        self.columns = [LABEL_COLUMNS.index(e) for e in self.emotions]
        self.max_steps = dict(max_steps or {})
        self.modality_source = {"audio": AUDIO, "text": TEXT, "video": visual}
        self.feature_dims = {m: (sources[s].dim() if s in sources else STANDARD_DIMS[s])
                             for m, s in self.modality_source.items()}
        names = {m: sources[s].dimension_names() if s in sources else None
                 for m, s in self.modality_source.items()}
        self.feature_names = (None if any(n is None for n in names.values())
                              else {m: tuple(n) for m, n in names.items()})
        self.feature_space = f"CMU-MOSEI {AUDIO}/{visual}/GloVe"
        self._description = description

    def __len__(self) -> int:
        return len(self.segments)

    def description(self) -> dict:
        return {**self._description, "segments": len(self)}

    def _rows(self, source: str, segment: Segment) -> tuple[np.ndarray, np.ndarray] | None:
        """(features or words, intervals) of the source's rows inside the segment."""
        if source not in segment.rows or source not in self.sources:
            return None
        first, stop = segment.rows[source]
        sequence = self.sources[source]
        intervals = sequence.intervals(segment.video, first, stop)
        values = sequence.features(segment.video, first, stop)
        keep = overlapping(intervals, segment.start, segment.end)
        order = np.argsort(intervals[keep, 0], kind="stable")
        return values[keep][order], intervals[keep][order]

    def _words(self, segment: Segment) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """GloVe rows of the spoken words (pauses dropped), their intervals and words."""
        glove, words = self._rows(TEXT, segment), self._rows(WORDS, segment)
        if glove is None:
            if words is None:
                return np.zeros((0, self.feature_dims["text"]), np.float32), np.zeros((0, 2)), []
            spoken = [i for i, w in enumerate(decode_words(words[0])) if w.lower() != PAUSE]
            return (np.zeros((0, self.feature_dims["text"]), np.float32), words[1][spoken], [])
        vectors, intervals = glove
        if words is not None:
            by_interval = {(round(a, 3), round(b, 3)): w
                           for w, (a, b) in zip(decode_words(words[0]), words[1])}
            labels = [by_interval.get((round(a, 3), round(b, 3)), "") for a, b in intervals]
            spoken = [i for i, w in enumerate(labels) if w.lower() != PAUSE]
        else:  # no words sequence: pauses are the all-zero vectors
            labels = [""] * len(vectors)
            spoken = [i for i in range(len(vectors)) if np.any(vectors[i] != 0)]
        features, _ = clean_rows(vectors[spoken])
        return features, intervals[spoken], [labels[i] for i in spoken]

    def sample(self, index: int) -> FusionSample:
        segment = self.segments[index]
        start, end = segment.start, segment.end
        text, word_spans, words = self._words(segment)
        word_times = step_times(word_spans, start, end)
        modalities: dict[str, ModalitySteps] = {}
        if text.shape[0]:
            modalities["text"] = ModalitySteps("text", text, word_times,
                                               np.ones(text.shape[0], np.float32),
                                               words if all(words) else [])
        for modality in ("audio", "video"):
            rows = self._rows(self.modality_source[modality], segment)
            if rows is None:
                continue
            features, _ = clean_rows(rows[0])
            if self.align == "words" and word_spans.shape[0]:
                features, times = word_average(features, rows[1], word_spans, word_times)
            else:
                features, times = pool_steps(features, step_times(rows[1], start, end),
                                             self.max_steps.get(modality))
            order = np.argsort(times, kind="stable")
            if features.shape[0]:
                modalities[modality] = ModalitySteps(
                    modality, features[order], times[order],
                    np.ones(features.shape[0], np.float32))
        label = segment.label
        intensities = label[1:]
        info = {"id": f"{segment.video}[{segment.index}]", "video_id": segment.video,
                "segment": segment.index, "start": start, "end": end,
                "sentiment": float(label[0]),
                "intensities": dict(zip(LABEL_COLUMNS[1:], intensities.tolist()))}
        with np.errstate(invalid="ignore"):
            labels = np.where(np.isfinite(label[self.columns]),
                              (label[self.columns] > 0).astype(np.float32), np.nan)
        valence = float(np.clip(label[0] / 3.0, -1.0, 1.0))
        return FusionSample(modalities, labels.astype(np.float32), valence, float("nan"), info)
