# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Per-word text features (TEXT_FEATURES) of many rated sentences, batched and cached.

The features are computed exactly as `perception.text_pipeline.TextPipeline.process`
computes them, but many sentences per MiniLM call: the same word splitting
(`text_encoder.split_words` keeping VADER-rated emoticons), word vector = mean of the
word's sub-word token states in sentence context, L2-normalised; word valence = VADER
lexicon / 4; sentence valence = the shipped text valence head applied to the (masked-mean,
L2-normalised) sentence embedding and the VADER compound. Two sources:
- "text_pipeline": the valence head is available (models/text_valence_head.pt);
- "minilm+vader": no head yet, so the VADER compound stands in for the sentence valence.
"auto" picks the first that works. The expensive part (MiniLM) is cached
as `<cache_dir>/bootstrap_text_<key>.npz` (float16 word vectors, sentence embeddings, VADER
compounds; the key covers the sentences and `max_words`); the sentence valence is applied
when the table is loaded, so a head that lands later needs no re-encoding.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hri_emo_ros.common.feature_spec import FEATURE_DIMS

TEXT_DIM = FEATURE_DIMS["text"]
SOURCES = ("text_pipeline", "minilm+vader")


@dataclass
class TextFeatureTable:
    """Words and per-word features of many sentences, stored as one flat array."""

    sentence_ids: list[str]
    words: list[list[str]]
    offsets: np.ndarray   # (sentences + 1,) row offsets into `features`
    features: np.ndarray  # (total words, TEXT_DIM) float16
    source: str
    sentence_embeddings: np.ndarray | None = None  # (sentences, 384) float16, unit norm

    def sentence_features(self, index: int) -> np.ndarray:
        return self.features[self.offsets[index]:self.offsets[index + 1]].astype(np.float32)


def load_valence_head(source: str):
    """(head or None, resolved source) for "auto" | "text_pipeline" | "minilm+vader"."""
    from hri_emo_ros.perception.text_valence import ValenceHeadMissing, load_head

    if source not in ("auto",) + SOURCES:
        raise ValueError(f"unknown text feature source '{source}'; expected {SOURCES}")
    if source == "minilm+vader":
        return None, source
    try:
        return load_head(device="cpu")[0], "text_pipeline"
    except (ValenceHeadMissing, OSError):
        if source == "text_pipeline":
            raise
        return None, "minilm+vader"


class MiniLMWords:
    """MiniLM word vectors, sentence embeddings and VADER values for batches of sentences."""

    def __init__(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        from hri_emo_ros.perception.text_encoder import locate_minilm
        from hri_emo_ros.perception.vader_prior import VaderPrior

        path = locate_minilm()
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.vader = VaderPrior()

    def encode(self, texts: Sequence[str], max_words: int) -> list[tuple]:
        """Per text: (words, (words, 385) vectors + word valence, (384,) sentence, compound)."""
        from hri_emo_ros.perception.text_encoder import MAX_TOKENS, split_words

        batch = self.tokenizer(list(texts), padding=True, truncation=True,
                               max_length=MAX_TOKENS, return_offsets_mapping=True,
                               return_tensors="pt")
        offsets = batch.pop("offset_mapping").numpy()
        mask = batch["attention_mask"]
        with self._torch.inference_mode():
            states = self.model(**batch).last_hidden_state
            pooled = (states * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        states, pooled = states.numpy(), pooled.numpy()
        results = []
        for i, text in enumerate(texts):
            starts, ends = offsets[i, :, 0], offsets[i, :, 1]
            real = ends > starts
            seen_end = int(ends.max())
            words, rows = [], []
            for word, start, end in split_words(text, self.vader.rates):
                members = real & (starts < end) & (ends > start)
                if end > seen_end or not members.any():
                    continue
                vector = states[i, members].mean(axis=0)
                vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
                rows.append(np.append(vector, self.vader.word_valence(word)))
                words.append(word)
            matrix = np.asarray(rows, dtype=np.float32).reshape(-1, TEXT_DIM - 1)
            sentence = pooled[i] / max(float(np.linalg.norm(pooled[i])), 1e-12)
            results.append((words[-max_words:], matrix[-max_words:], sentence,
                            self.vader.compound(text)))
        return results


def _cache_key(sentence_ids: Sequence[str], max_words: int) -> str:
    digest = hashlib.sha256(f"v3|{max_words}|{TEXT_DIM}".encode())
    for sentence_id in sentence_ids:
        digest.update(sentence_id.encode() + b"\0")
    return digest.hexdigest()[:16]


def _encode_all(texts: Sequence[str], max_words: int, batch_size: int, progress: bool) -> dict:
    from tqdm import tqdm

    encoder = MiniLMWords()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    results: list = [None] * len(texts)
    with tqdm(total=len(texts), desc="text features (MiniLM)", disable=not progress) as bar:
        for first in range(0, len(order), batch_size):
            chunk = order[first:first + batch_size]
            for i, item in zip(chunk, encoder.encode([texts[j] for j in chunk], max_words),
                               strict=True):
                results[i] = item
            bar.update(len(chunk))
    words = [r[0] for r in results]
    return {
        "offsets": np.concatenate([[0], np.cumsum([len(w) for w in words])]).astype(np.int64),
        "words": np.array([w for ws in words for w in ws], dtype=str),
        "word_features": np.concatenate([r[1] for r in results]).astype(np.float16),
        "sentence_embeddings": np.stack([r[2] for r in results]).astype(np.float16),
        "compounds": np.array([r[3] for r in results], dtype=np.float32),
    }


def build_text_features(
    sentence_ids: Sequence[str],
    texts: Sequence[str],
    cache_dir: Path,
    max_words: int = 32,
    source: str = "auto",
    batch_size: int = 64,
    progress: bool = True,
) -> TextFeatureTable:
    """The per-word TEXT_FEATURES of `texts` (MiniLM work cached on disk).

    Sentences without any word get an empty entry (callers skip them).
    """
    if len(sentence_ids) != len(texts):
        raise ValueError(f"{len(sentence_ids)} ids for {len(texts)} texts")
    head, source = load_valence_head(source)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"bootstrap_text_{_cache_key(sentence_ids, max_words)}.npz"
    if path.is_file():
        data = dict(np.load(path, allow_pickle=False))
    else:
        started = time.monotonic()
        data = _encode_all(texts, max_words, batch_size, progress)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, **data, sentence_ids=np.array(list(sentence_ids), dtype=str),
                 build_seconds=np.array(time.monotonic() - started))
        tmp.replace(path)
    compounds = data["compounds"]
    if head is None:
        valence = compounds
    else:
        from hri_emo_ros.perception.text_valence import predict_valence

        valence = predict_valence(head, data["sentence_embeddings"].astype(np.float32),
                                  compounds)
    offsets = data["offsets"]
    per_word = np.repeat(valence.astype(np.float16), np.diff(offsets))
    features = np.concatenate([data["word_features"], per_word[:, None]], axis=1)
    flat = data["words"].tolist()
    words = [flat[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
    return TextFeatureTable(list(sentence_ids), words, offsets, features, source,
                            data["sentence_embeddings"])
