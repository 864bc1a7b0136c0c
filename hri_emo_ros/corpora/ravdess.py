# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""RAVDESS (Livingstone & Russo 2018), speech part, through our perception cores.

Layout read: the zips of zenodo.org/record/1188976 unpacked under data_dir, so that files
lie in Actor_XX/ folders (any depth): Audio_Speech_Actors_01-24.zip gives
`03-01-EE-II-SS-RR-AA.wav` (48 kHz, resampled to 16 kHz by our decoder) and
Video_Speech_Actor_XX.zip gives `01-01-...mp4` (audio-visual) and `02-01-...mp4` (video
only), 720p. The name's fields: modality (01 AV, 02 video, 03 audio), vocal channel (01
speech; 02 song is not read), emotion (label_maps.RAVDESS_EMOTIONS), intensity (01 normal,
02 strong), statement (01 "Kids are talking by the door", 02 "Dogs are sitting by the
door": the transcript), repetition, actor (01-24, odd male, even female). One utterance =
one (emotion, intensity, statement, repetition, actor): the .wav for audio and the AV .mp4
(else the video-only one) for video, whichever exist.

"calm" (`data.calm`): our emotions have no calm, so by default a calm utterance is labelled
"neutral" (calm is a low-arousal neutral portrayal) while its valence/arousal target stays
calm's circumplex place (pleasant, low arousal), not neutral's; `calm: drop` leaves calm out.
Valence/arousal: circumplex place x intensity (label_maps).

Split (named "ravdess-actor-6fold"): fold k (1-6) tests actors 4k-3..4k, calibrates on the
next two actors (4k+1, 4k+2, cyclically: one male, one female), trains on the other 18.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.label_maps import RAVDESS_EMOTIONS, RAVDESS_INTENSITY, circumplex
from hri_emo_ros.corpora.registry import Protocol
from hri_emo_ros.corpora.utterance_dataset import (
    LabelledUtterance,
    corpus_splits,
    raw_corpus_defaults,
    raw_release_request,
)
from hri_emo_ros.corpora.utterance_perception import MediaItem
from hri_emo_ros.fusion.dataset import FusionDataset, register_adapter

STATEMENTS = {"01": "Kids are talking by the door.", "02": "Dogs are sitting by the door."}
FILE_NAME = re.compile(r"^(0[123])-(0[12])-(0[1-8])-(0[12])-(0[12])-(0[12])-(\d{2})$")
ACTOR_FOLDER = re.compile(r"^Actor_(\d{2})$")
ACTORS = tuple(range(1, 25))
FOLDS = tuple(f"fold{k}" for k in range(1, 7))
DATA_DEFAULTS = {**raw_corpus_defaults(), "calm": "neutral"}
PROTOCOL = Protocol(
    name="ravdess",
    emotions=EMOTIONS,
    folds=FOLDS,
    default_fold="fold1",
    metrics="categorical",
    split=("ravdess-actor-6fold: fold k tests actors 4k-3..4k, calibrates on actors 4k+1 and "
           "4k+2 (cyclically), trains on the other 18; speech only; calm labelled neutral"),
    licence=("CC BY-NC-SA 4.0 (Livingstone & Russo 2018, zenodo.org/record/1188976): "
             "attribution, non-commercial use only, share alike"),
)


def fold_split(actor: int, fold: str) -> str:
    k = int(fold.removeprefix("fold"))
    if 4 * k - 3 <= actor <= 4 * k:
        return "test"
    return "calibration" if actor in ((4 * k) % 24 + 1, (4 * k + 1) % 24 + 1) else "train"


def read_release(root: Path, calm: str = "neutral", allow_partial: bool = False
                 ) -> tuple[list[LabelledUtterance], dict]:
    if calm not in ("neutral", "drop"):
        raise CorpusError("unknown_option", f"data.calm '{calm}' is not 'neutral' or 'drop'")
    if not root.is_dir():
        raise CorpusError("missing_data", f"{root} is not a directory")
    media: dict[tuple[str, ...], dict[str, Path]] = {}
    ignored = 0
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in (".wav", ".mp4")):
        match = FILE_NAME.match(path.stem)
        if match is None or match.group(2) != "01":
            ignored += 1
            continue
        folder = ACTOR_FOLDER.match(path.parent.name)
        if folder and folder.group(1) != match.group(7):
            raise CorpusError("bad_layout", f"{path}: actor {match.group(7)} in the name but "
                              f"in folder {path.parent.name}")
        if not 1 <= int(match.group(7)) <= 24:
            raise CorpusError("bad_layout", f"{path}: actor {match.group(7)} is not 01-24")
        media.setdefault(match.groups()[1:], {})[match.group(1)] = path
    if not media:
        raise CorpusError("missing_data", f"{root}: no RAVDESS speech file (Actor_XX/"
                          "MM-01-EE-II-SS-RR-AA.wav or .mp4, e.g. 03-01-05-01-02-01-12.wav)")
    utterances = []
    for key, files in sorted(media.items()):
        channel, code, intensity, statement, repetition, actor = key
        emotion = RAVDESS_EMOTIONS[code]
        if emotion == "calm" and calm == "drop":
            continue
        valence, arousal = circumplex(emotion, RAVDESS_INTENSITY[intensity])
        utterances.append(LabelledUtterance(
            MediaItem("-".join(key), files.get("03"), files.get("01") or files.get("02"),
                      STATEMENTS[statement]),
            actor, ("neutral" if emotion == "calm" else emotion,), valence, arousal,
            {"ravdess_emotion": emotion, "intensity": intensity}))
    missing = sorted(set(ACTORS) - {int(u.speaker) for u in utterances})
    if missing and not allow_partial:
        raise CorpusError("missing_data", f"{root}: no speech file of actors "
                          f"{', '.join(f'{a:02d}' for a in missing)}; expected Actor_01..Actor_24 "
                          "(set data.allow_partial=true to use the actors present)")
    return utterances, {"calm": calm, "ignored_files": ignored, "missing_actors": len(missing)}


def ravdess_splits(data_config: dict, emotions: Sequence[str]) -> dict[str, FusionDataset]:
    """Adapter factory registered as 'ravdess'."""
    release, fold = raw_release_request("ravdess", data_config, emotions, PROTOCOL.emotions,
                                        FOLDS, PROTOCOL.default_fold)
    utterances, notes = read_release(release,
                                     str(data_config.get("calm") or "neutral"),
                                     bool(data_config.get("allow_partial", False)))
    return corpus_splits("ravdess", utterances, lambda u: fold_split(int(u.speaker), fold),
                         {**data_config, "fold": fold}, emotions, ("audio", "video"),
                         {**notes, "split_rule": PROTOCOL.split})


register_adapter("ravdess", ravdess_splits)
