# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""CREMA-D (Cao et al. 2014) through our perception cores.

Layout read (a clone of github.com/CheyneyComputerScience/CREMA-D with its LFS files):
    AudioWAV/<actor>_<sentence>_<emotion>_<level>.wav   16 kHz; actors 1001-1091
    VideoFlash/<same name>.flv                          optional
    processedResults/summaryTable.csv                   optional perceived labels
Transcript: the fixed text of the sentence code (SENTENCES). Labels (`data.labels`):
"MultiModalVote" (default when summaryTable.csv exists: the emotion raters perceived from
the audio-visual clip, the closest match to what the model sees; ties like "N:S" give
several labels), "VoiceVote", "FaceVote", or "intended" (the acted emotion in the file name;
the default without summaryTable.csv). A vote we cannot read falls back to the intended
emotion (counted in the split's description). Valence/arousal: the circumplex place of
the label (mean over ties) times the file's intensity level (label_maps). Utterances with
neither audio nor video features are left out (the text is the same for every emotion).

Split (named "cremad-actor-5fold"): actor group g = (actor - 1001) mod 10; fold k (1-5)
tests groups 2k-2 and 2k-1, calibrates on group 2k mod 10, trains on the other seven
(about 18 / 9 / 64 actors); speaker-independent.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.label_maps import (
    CREMAD_EMOTIONS,
    CREMAD_INTENSITY,
    CREMAD_VOTES,
    circumplex,
)
from hri_emo_ros.corpora.registry import Protocol
from hri_emo_ros.corpora.utterance_dataset import (
    LabelledUtterance,
    corpus_splits,
    raw_corpus_defaults,
    raw_release_request,
)
from hri_emo_ros.corpora.utterance_perception import MediaItem
from hri_emo_ros.fusion.dataset import FusionDataset, register_adapter

SENTENCES: dict[str, str] = {
    "IEO": "It's eleven o'clock.",
    "TIE": "That is exactly what happened.",
    "IOM": "I'm on my way to the meeting.",
    "IWW": "I wonder what this is about.",
    "TAI": "The airplane is almost full.",
    "MTI": "Maybe tomorrow it will be cold.",
    "IWL": "I would like a new alarm clock.",
    "ITH": "I think I have a doctor's appointment.",
    "DFA": "Don't forget a jacket.",
    "ITS": "I think I've seen this before.",
    "TSI": "The surface is slick.",
    "WSI": "We'll stop in a couple of minutes.",
}
ACTORS = tuple(range(1001, 1092))
FILE_NAME = re.compile(r"^(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})$")
VOTE_COLUMNS = ("MultiModalVote", "VoiceVote", "FaceVote")
FOLDS = tuple(f"fold{k}" for k in range(1, 6))
DATA_DEFAULTS = raw_corpus_defaults()
PROTOCOL = Protocol(
    name="cremad",
    emotions=("angry", "disgusted", "fearful", "happy", "neutral", "sad"),
    folds=FOLDS,
    default_fold="fold1",
    metrics="categorical",
    split=("cremad-actor-5fold: actor group g = (actor - 1001) mod 10; fold k tests groups "
           "2k-2 and 2k-1, calibrates on group 2k mod 10, trains on the other seven"),
    licence=("Open Database License (ODbL 1.0) for the database and Database Contents License "
             "(DbCL 1.0) for its contents (github.com/CheyneyComputerScience/CREMA-D)"),
)


def fold_split(actor: int, fold: str) -> str:
    k, group = int(fold.removeprefix("fold")), (actor - 1001) % 10
    if group in (2 * k - 2, 2 * k - 1):
        return "test"
    return "calibration" if group == (2 * k) % 10 else "train"


def read_votes(path: Path, column: str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "FileName" not in reader.fieldnames or (
                column not in reader.fieldnames):
            raise CorpusError("bad_layout", f"{path}: expected the columns FileName and {column} "
                              f"(summaryTable.csv of CREMA-D), got {reader.fieldnames}")
        return {row["FileName"].strip(): (row[column] or "").strip() for row in reader}


def parse_vote(vote: str) -> tuple[str, ...] | None:
    letters = [token.strip() for token in vote.split(":")]
    if not vote or any(letter not in CREMAD_VOTES for letter in letters):
        return None
    return tuple(dict.fromkeys(CREMAD_VOTES[letter] for letter in letters))


def read_release(root: Path, labels: str | None = None, allow_partial: bool = False
                 ) -> tuple[list[LabelledUtterance], dict]:
    """Every clip of AudioWAV/ with its label; (utterances, notes for the description)."""
    audio_dir = root / "AudioWAV"
    if not audio_dir.is_dir():
        raise CorpusError("missing_data", f"{audio_dir} not found; expected CREMA-D's AudioWAV/"
                          "<actor>_<sentence>_<emotion>_<level>.wav files under data_dir")
    table = root / "processedResults" / "summaryTable.csv"
    labels = labels or ("MultiModalVote" if table.is_file() else "intended")
    if labels not in VOTE_COLUMNS + ("intended",):
        raise CorpusError("unknown_option", f"data.labels '{labels}' is not one of "
                          f"{VOTE_COLUMNS + ('intended',)}")
    if labels != "intended" and not table.is_file():
        raise CorpusError("missing_data", f"{table} not found; it holds the {labels} labels "
                          "(or set data.labels=intended)")
    votes = read_votes(table, labels) if labels != "intended" else {}
    utterances, fallbacks, ignored = [], 0, 0
    for wav in sorted(audio_dir.glob("*.wav")):
        match = FILE_NAME.match(wav.stem)
        if match is None or match.group(2) not in SENTENCES or (
                match.group(3) not in CREMAD_EMOTIONS) or match.group(4) not in CREMAD_INTENSITY:
            ignored += 1
            continue
        actor, sentence, code, level = match.groups()
        intended = (CREMAD_EMOTIONS[code],)
        emotions = intended
        if labels != "intended":
            emotions = parse_vote(votes.get(wav.stem, "")) or intended
            fallbacks += emotions is intended
        places = np.array([circumplex(e, CREMAD_INTENSITY[level]) for e in emotions])
        video = root / "VideoFlash" / f"{wav.stem}.flv"
        utterances.append(LabelledUtterance(
            MediaItem(wav.stem, wav, video if video.is_file() else None, SENTENCES[sentence]),
            actor, emotions, float(places[:, 0].mean()), float(places[:, 1].mean()),
            {"intended": intended[0], "level": level}))
    if not utterances:
        raise CorpusError("missing_data", f"{audio_dir}: no file named <actor>_<sentence>_"
                          "<emotion>_<level>.wav (e.g. 1001_DFA_ANG_XX.wav)")
    missing = sorted(set(ACTORS) - {int(u.speaker) for u in utterances})
    if missing and not allow_partial:
        raise CorpusError("missing_data", f"{audio_dir}: no clip of {len(missing)} of the 91 "
                          f"CREMA-D actors (e.g. {missing[:5]}); expected actors 1001-1091 "
                          "(set data.allow_partial=true to use the actors present)")
    notes = {"labels": labels, "label_fallbacks": fallbacks, "ignored_files": ignored,
             "missing_actors": len(missing)}
    return utterances, notes


def cremad_splits(data_config: dict, emotions: Sequence[str]) -> dict[str, FusionDataset]:
    """Adapter factory registered as 'cremad'."""
    release, fold = raw_release_request("cremad", data_config, emotions, PROTOCOL.emotions,
                                        FOLDS, PROTOCOL.default_fold)
    utterances, notes = read_release(release,
                                     data_config.get("labels"),
                                     bool(data_config.get("allow_partial", False)))
    return corpus_splits("cremad", utterances, lambda u: fold_split(int(u.speaker), fold),
                         {**data_config, "fold": fold}, emotions, ("audio", "video"),
                         {**notes, "split_rule": PROTOCOL.split})


register_adapter("cremad", cremad_splits)
