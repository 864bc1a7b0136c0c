# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The human-rated sentences of Hutto & Gilbert (ICWSM 2014) and our fixed splits of them.

The vaderSentiment 3.3.2 source distribution carries
`additional_resources/hutto_ICWSM_2014.tar.gz`: ~23.7k sentences from four domains, each
with the mean of >= 20 human valence ratings on -4 .. +4. Only `tweets` and
`movieReviewSnippets` may be used for training, validation and model selection;
`nytEditorialSnippets` and `amazonReviewSnippets` are reserved for one final, independent
evaluation (`split_sentences` never puts them in a training split).
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VADER_SDIST_REQUIREMENT = "vaderSentiment==3.3.2"
VADER_SDIST_NAME = "vaderSentiment-3.3.2.tar.gz"
INNER_ARCHIVE = "additional_resources/hutto_ICWSM_2014.tar.gz"
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "hri_emo"

TRAIN_DOMAINS = ("tweets", "movieReviewSnippets")
RESERVED_DOMAINS = ("nytEditorialSnippets", "amazonReviewSnippets")
DOMAINS = TRAIN_DOMAINS + RESERVED_DOMAINS
RATING_SCALE = 4.0  # ratings are on -4 .. +4
SPLIT_SEED = 20140601
SPLIT_FRACTIONS = {"train": 0.70, "validation": 0.15, "heldout": 0.15}


class RatedDataError(RuntimeError):
    """The rated-sentence archive is missing, unreadable or not the expected one."""


@dataclass(frozen=True)
class RatedSentence:
    domain: str
    sentence_id: str
    text: str
    rating: float  # mean human rating, -4 .. +4

    @property
    def valence(self) -> float:
        """Rating scaled to -1 .. +1, the valence head's target."""
        return self.rating / RATING_SCALE


def _inner_archive_bytes(archive: Path) -> bytes:
    with tarfile.open(archive, "r:gz") as outer:
        names = outer.getnames()
        if any(name.endswith("_GroundTruth.txt") for name in names):
            return archive.read_bytes()  # already the inner archive
        nested = [n for n in names if n.endswith(INNER_ARCHIVE)]
        if not nested:
            raise RatedDataError(f"{archive} holds neither {INNER_ARCHIVE} nor rating files")
        member = outer.extractfile(nested[0])
        if member is None:
            raise RatedDataError(f"{archive}: {nested[0]} is not a regular file")
        return member.read()


def load_rated_sentences(
    archive: str | Path, domains: tuple[str, ...] = DOMAINS
) -> list[RatedSentence]:
    """Read the rated sentences of `domains` from the vaderSentiment sdist or the inner
    hutto_ICWSM_2014.tar.gz (either works)."""
    archive = Path(archive)
    if not archive.is_file():
        raise RatedDataError(f"archive not found: {archive}")
    unknown = set(domains) - set(DOMAINS)
    if unknown:
        raise ValueError(f"unknown domains {sorted(unknown)}; expected some of {DOMAINS}")
    try:
        inner = _inner_archive_bytes(archive)
        sentences: list[RatedSentence] = []
        with tarfile.open(fileobj=io.BytesIO(inner), mode="r:gz") as tar:
            for domain in domains:
                member = tar.extractfile(f"hutto_ICWSM_2014/{domain}_GroundTruth.txt")
                if member is None:
                    raise RatedDataError(f"{archive}: no ratings for {domain}")
                for line in member.read().decode("utf-8").splitlines():
                    fields = line.split("\t")
                    if len(fields) == 3 and fields[2].strip():
                        sentences.append(
                            RatedSentence(domain, fields[0], fields[2].strip(), float(fields[1]))
                        )
    except (tarfile.TarError, KeyError, UnicodeDecodeError, ValueError, OSError) as error:
        raise RatedDataError(f"cannot read rated sentences from {archive}: {error}") from error
    return sentences


def find_vader_sdist(cache_dir: str | Path = DEFAULT_CACHE_DIR) -> Path | None:
    path = Path(cache_dir) / VADER_SDIST_NAME
    return path if path.is_file() else None


def download_vader_sdist(cache_dir: str | Path = DEFAULT_CACHE_DIR) -> Path:
    """`pip download` the vaderSentiment sdist into `cache_dir` (once) and return its path."""
    cached = find_vader_sdist(cache_dir)
    if cached is not None:
        return cached
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
        VADER_SDIST_REQUIREMENT, "-d", str(cache_dir),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    cached = find_vader_sdist(cache_dir)
    if result.returncode != 0 or cached is None:
        raise RatedDataError(
            f"could not download {VADER_SDIST_REQUIREMENT}: {result.stderr.strip()[-500:]}"
        )
    return cached


def split_sentences(
    sentences: list[RatedSentence], seed: int = SPLIT_SEED
) -> dict[str, list[RatedSentence]]:
    """Fixed split: {"train", "validation", "heldout"} from TRAIN_DOMAINS only, stratified by
    domain (identical texts kept on one side), plus one list per reserved domain."""
    splits: dict[str, list[RatedSentence]] = {name: [] for name in SPLIT_FRACTIONS}
    for domain in TRAIN_DOMAINS:
        groups: dict[str, list[RatedSentence]] = {}
        for sentence in sentences:
            if sentence.domain == domain:
                groups.setdefault(" ".join(sentence.text.lower().split()), []).append(sentence)
        keys = sorted(groups)
        # A domain-specific, platform-independent permutation.
        digest = hashlib.sha256(f"{seed}/{domain}".encode()).digest()
        order = np.random.default_rng(int.from_bytes(digest[:8], "little")).permutation(len(keys))
        bounds = np.cumsum([0.0] + list(SPLIT_FRACTIONS.values())) * len(keys)
        for name, low, high in zip(SPLIT_FRACTIONS, bounds[:-1], bounds[1:], strict=True):
            for index in order[round(low):round(high)]:
                splits[name].extend(groups[keys[index]])
    for domain in RESERVED_DOMAINS:
        splits[domain] = [s for s in sentences if s.domain == domain]
    return splits
