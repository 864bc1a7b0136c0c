# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Text features of an utterance: per-word `TEXT_FEATURES` plus sentence valence.

Input policy (each refusal is an `InvalidText` with a machine-readable `reason`):
- not a str/bytes -> "not_text"; bytes that are not UTF-8, or a str holding lone
  surrogates -> "invalid_utf8";
- empty or whitespace only -> "empty"; no words at all (e.g. "...") -> "no_words";
- more than `MAX_TEXT_CHARS` (10,000) characters -> "too_long", checked before any model
  work, so a 1 MB transcript is refused at once. Shorter texts that exceed the model's
  256-token window are truncated at a word boundary and flagged (`truncated=True`); the
  valence then describes the part the model saw.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hri_emo_ros.common.feature_spec import TEXT_EMBEDDING_DIM, TEXT_FEATURES
from hri_emo_ros.perception.text_encoder import MODEL_NAME, TextEncoder
from hri_emo_ros.perception.text_valence import load_head, predict_valence
from hri_emo_ros.perception.vader_prior import VaderPrior

MAX_TEXT_CHARS = 10_000
ANONYMOUS = "anonymous"
EXTRACTOR_ID = f"text/{MODEL_NAME}+vader+valence-head/1"


class InvalidText(ValueError):
    """Text that cannot be analysed; `reason` is a short machine-readable kind."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass
class TextFeatures:
    """Features of one utterance (maps to ModalityFeatures, one step per word)."""

    person_id: str
    stamp: float
    text: str  # what was analysed (the input, cut at the model window if truncated)
    words: list[str]
    word_spans: list[tuple[int, int]]  # character offsets of the words in `text`
    features: np.ndarray  # (len(words), len(TEXT_FEATURES)) float32
    quality: np.ndarray  # (len(words),) recogniser confidence, 1 when unknown
    sentence_embedding: np.ndarray  # (384,)
    valence: float  # valence head, [-1, 1]
    vader_compound: float  # [-1, 1]
    truncated: bool
    feature_names: tuple[str, ...] = field(default=TEXT_FEATURES)
    extractor: str = EXTRACTOR_ID

    def to_record(self) -> dict:
        """JSON-serialisable summary (no embeddings)."""
        word_valence = self.features[:, TEXT_EMBEDDING_DIM]
        return {
            "text": self.text,
            "valence": round(self.valence, 4),
            "vader_compound": round(self.vader_compound, 4),
            "words": list(self.words),
            "word_vader_valence": [round(float(v), 4) for v in word_valence],
            "truncated": self.truncated,
            "person_id": self.person_id,
            "stamp": self.stamp,
        }


def checked_text(text: object) -> str:
    """The text as a valid str, or InvalidText (see the module docstring)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        if len(text) > 4 * MAX_TEXT_CHARS:
            raise InvalidText("too_long", f"{len(text)} bytes (max {MAX_TEXT_CHARS} characters)")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidText("invalid_utf8", str(error)) from None
    if not isinstance(text, str):
        raise InvalidText("not_text", f"expected str or UTF-8 bytes, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidText("too_long", f"{len(text)} characters (max {MAX_TEXT_CHARS})")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidText("invalid_utf8", str(error)) from None
    if not text.strip():
        raise InvalidText("empty", "the text is empty or whitespace only")
    return text


class TextPipeline:
    def __init__(
        self,
        device: str = "auto",
        head_path: str | Path | None = None,
        model_dir: str | Path | None = None,
    ) -> None:
        self._vader = VaderPrior()
        self.encoder = TextEncoder(model_dir, device=device, keep_token=self._vader.rates)
        self.head, self.head_metadata = load_head(head_path, device=device)

    def process(
        self,
        text: str | bytes,
        person_id: str = ANONYMOUS,
        stamp: float = 0.0,
        confidence: float = math.nan,
    ) -> TextFeatures:
        text = checked_text(text)
        encoded = self.encoder.encode(text)
        if not encoded.words:
            raise InvalidText("no_words", f"no words in {text[:40]!r}")
        compound = self._vader.compound(encoded.text)
        valence = float(
            predict_valence(self.head, encoded.sentence_embedding[None, :], np.array([compound]))[0]
        )
        count = len(encoded.words)
        word_valence = np.array([self._vader.word_valence(w) for w in encoded.words], np.float32)
        features = np.concatenate(
            [
                encoded.word_embeddings,
                word_valence[:, None],
                np.full((count, 1), valence, np.float32),
            ],
            axis=1,
        ).astype(np.float32)
        quality = 1.0 if not math.isfinite(confidence) else min(1.0, max(0.0, confidence))
        return TextFeatures(
            person_id=person_id or ANONYMOUS,
            stamp=float(stamp),
            text=encoded.text,
            words=encoded.words,
            word_spans=encoded.word_spans,
            features=features,
            quality=np.full(count, quality, np.float32),
            sentence_embedding=encoded.sentence_embedding,
            valence=valence,
            vader_compound=compound,
            truncated=encoded.truncated,
        )


def process_text_file(path: str | Path, pipeline: TextPipeline | None = None) -> list[dict]:
    """One record per non-blank line of a UTF-8 text file; lines that are refused give
    {"text", "error": reason} instead of failing the whole file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"text file not found: {path}")
    try:
        lines = path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise InvalidText("invalid_utf8", f"{path}: {error}") from None
    pipeline = pipeline or TextPipeline()
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = pipeline.process(line).to_record()
        except InvalidText as error:
            record = {"text": line[:200], "error": error.reason}
        record["line"] = number
        records.append(record)
    return records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Valence and word features, one line each")
    parser.add_argument("text_file", type=Path, help="UTF-8 text, one utterance per line")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    for record in process_text_file(args.text_file, TextPipeline(device=args.device)):
        print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main()
