# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The rated-sentence loader and split, and the shipped valence head on the held-out split.

The held-out test needs the vaderSentiment 3.3.2 sdist: it is looked for in
~/.cache/hri_emo and otherwise fetched with `pip download` (skipped when offline).
"""

from __future__ import annotations

import io
import json
import tarfile

import numpy as np
import pytest
import torch

from hri_emo_ros.perception.text_encoder import TextEncoder
from hri_emo_ros.perception.text_valence import (
    ValenceHeadMissing,
    load_head,
    models_dir,
    predict_valence,
)
from hri_emo_ros.perception.text_valence_data import (
    RESERVED_DOMAINS,
    TRAIN_DOMAINS,
    RatedDataError,
    RatedSentence,
    download_vader_sdist,
    find_vader_sdist,
    load_rated_sentences,
    split_sentences,
)
from hri_emo_ros.perception.train_text_valence import pearson_r
from hri_emo_ros.perception.vader_prior import VaderPrior

# The reference VADER r on the whole domains (Hutto & Gilbert 2014 data, VADER 3.3.2).
VADER_REFERENCE_R = {"nytEditorialSnippets": 0.503, "amazonReviewSnippets": 0.590}


def _tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _fake_sdist(tmp_path) -> str:
    """A miniature sdist in the real layout: nested tar.gz, tab-separated, CRLF lines."""
    rows = {
        "tweets": [("1", "2.5", "What a lovely day :)"), ("2", "-3.1", "I hate this")],
        "movieReviewSnippets": [("1", "0.2", "A film."), ("2", "1.25", "Quite good.")],
        "nytEditorialSnippets": [("1_1", "-0.4", "Taxes rose.")],
        "amazonReviewSnippets": [("1_1", "3.0", "Love it!")],
    }
    inner = _tar_gz({
        f"hutto_ICWSM_2014/{domain}_GroundTruth.txt":
            "".join(f"{a}\t{b}\t{c}\r\n" for a, b, c in lines).encode()
        for domain, lines in rows.items()
    })
    outer = _tar_gz({
        "vaderSentiment-3.3.2/setup.py": b"",
        "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner,
    })
    path = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    path.write_bytes(outer)
    return str(path)


def test_loader_reads_the_nested_archive(tmp_path):
    sentences = load_rated_sentences(_fake_sdist(tmp_path))
    assert len(sentences) == 6
    first = sentences[0]
    assert (first.domain, first.sentence_id, first.text, first.rating) == (
        "tweets", "1", "What a lovely day :)", 2.5
    )
    assert first.valence == pytest.approx(0.625)
    only_train = load_rated_sentences(_fake_sdist(tmp_path), TRAIN_DOMAINS)
    assert {s.domain for s in only_train} == set(TRAIN_DOMAINS)


def test_loader_errors_are_clear(tmp_path):
    with pytest.raises(RatedDataError, match="not found"):
        load_rated_sentences(tmp_path / "absent.tar.gz")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(RatedDataError):
        load_rated_sentences(junk)


def test_split_is_fixed_disjoint_and_never_trains_on_reserved_domains():
    sentences = [
        RatedSentence(domain, str(i), f"{domain} sentence {i % 150}", float(i % 9 - 4))
        for domain in TRAIN_DOMAINS + RESERVED_DOMAINS
        for i in range(200)
    ]
    first, second = split_sentences(sentences), split_sentences(sentences)
    assert first == second
    trained = first["train"] + first["validation"] + first["heldout"]
    assert {s.domain for s in trained} == set(TRAIN_DOMAINS)
    assert len(trained) == 400
    texts = {name: {s.text for s in first[name]} for name in ("train", "validation", "heldout")}
    assert not texts["train"] & texts["validation"]  # duplicated texts stay on one side
    assert not texts["train"] & texts["heldout"]
    assert not texts["validation"] & texts["heldout"]
    for domain in RESERVED_DOMAINS:
        assert len(first[domain]) == 200
    assert split_sentences(sentences, seed=1) != first


def test_missing_head_says_how_to_train_it(tmp_path):
    with pytest.raises(ValenceHeadMissing, match="train_text_valence"):
        load_head(tmp_path / "absent.pt")


@pytest.fixture(scope="module")
def rated_sentences() -> list[RatedSentence]:
    archive = find_vader_sdist()
    if archive is None:
        try:
            archive = download_vader_sdist()
        except (RatedDataError, OSError) as error:
            pytest.skip(f"vaderSentiment sdist not cached and not downloadable: {error}")
    return load_rated_sentences(archive, TRAIN_DOMAINS)


@pytest.fixture
def one_torch_thread():
    # Two intra-op threads on a busy 2-core machine run several times slower than one.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_shipped_head_beats_vader_on_the_heldout_split(rated_sentences, one_torch_thread):
    head, metadata = load_head(device="cpu")
    heldout = split_sentences(rated_sentences)["heldout"]
    encoder = TextEncoder(device="cpu")
    embeddings = encoder.embed_sentences([s.text for s in heldout])
    vader = VaderPrior()
    compounds = np.array([vader.compound(s.text) for s in heldout], np.float32)
    predicted = predict_valence(head, embeddings, compounds)
    targets = np.array([s.valence for s in heldout])
    domains = np.array([s.domain for s in heldout])
    recorded = json.loads((models_dir() / "text_valence_head.json").read_text())["heldout"]
    for domain in TRAIN_DOMAINS:
        mask = domains == domain
        head_r = pearson_r(predicted[mask], targets[mask])
        vader_r = pearson_r(compounds[mask], targets[mask])
        assert head_r > vader_r, (domain, head_r, vader_r)
        assert head_r == pytest.approx(recorded[domain]["head_r"], abs=0.005)
        assert mask.sum() == recorded[domain]["n"]
    assert metadata["metrics"]["heldout"] == recorded


def test_shipped_metrics_beat_vader_on_the_reserved_domains():
    report = json.loads((models_dir() / "text_valence_head.json").read_text())
    for domain, reference in VADER_REFERENCE_R.items():
        measured = report["reserved"][domain]
        assert measured["vader_r"] == pytest.approx(reference, abs=0.001)
        assert measured["head_r"] > measured["vader_r"]
