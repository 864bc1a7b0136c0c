# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""IEMOCAP (Busso et al. 2008): the raw release through our perception, or MulT's pickles.

Raw release layout read (IEMOCAP_full_release/):
    SessionN/dialog/EmoEvaluation/<dialog>.txt   `[start - end]\\t<utt_id>\\t<code>\\t[V, A, D]`
    SessionN/dialog/transcriptions/<dialog>.txt  `<utt_id> [start-end]: text`
    SessionN/sentences/wav/<dialog>/<utt_id>.wav (16 kHz)
    SessionN/dialog/avi/DivX/<dialog>.avi        optional; cut to [start, end] of the utterance
Labels: the code through label_maps.IEMOCAP_CODES (4-class protocol: neu, hap + exc, ang,
sad; other codes are left out), valence/arousal from the V and A ratings ((x - 3) / 2).
Transcripts lose the annotators' bracketed events ([LAUGHTER], [BREATHING], ...), which an
ASR on the robot does not produce. The dialog video shows both actors; the speaker's face is
picked by mouth motion (utterance_perception.choose_track).

Protocol: leave one session out. Fold SessionK tests on both speakers of session K; the
calibration split is the female speaker of the nearest session before K (cyclically,
Session1 -> Session5) that is present; the other speakers of the training sessions train.

`data` keys beyond utterance_dataset's: source "raw" | "mult" | "auto" (auto: raw when
data_dir holds SessionN folders, else a MulT pickle, read by
hri_emo_ros.corpora.mult_pickle.load_mult_splits(path, "iemocap", emotions)).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.corpora.label_maps import IEMOCAP_CODES, rating_to_unit
from hri_emo_ros.corpora.registry import Protocol
from hri_emo_ros.corpora.utterance_dataset import (
    LabelledUtterance,
    check_emotions,
    corpus_splits,
    raw_corpus_defaults,
)
from hri_emo_ros.corpora.utterance_perception import MediaItem
from hri_emo_ros.fusion.dataset import FusionDataset, register_adapter

SESSIONS = tuple(range(1, 6))
DATA_DEFAULTS = {**raw_corpus_defaults(), "source": "auto"}
PROTOCOL = Protocol(
    name="iemocap",
    emotions=("neutral", "happy", "sad", "angry"),
    folds=tuple(f"Session{n}" for n in SESSIONS),
    default_fold="Session5",
    metrics="iemocap",
    split=("leave-one-session-out: fold SessionK tests both speakers of session K, the female "
           "speaker of the session before K (cyclically) calibrates, the other six speakers "
           "train; 4 classes neu, hap+exc, ang, sad"),
    licence=("IEMOCAP release agreement (USC SAIL, https://sail.usc.edu/iemocap/): the data is "
             "released to those who sign the release form, for the uses it allows; do not "
             "redistribute it"),
)
LABELABLE = tuple(dict.fromkeys(name for _, name in IEMOCAP_CODES.values() if name))
MULT_FILES = ("iemocap_data.pkl", "iemocap_data_noalign.pkl")
NUMBER = r"\d+(?:\.\d+)?"
EVALUATION_LINE = re.compile(
    rf"^\[({NUMBER})\s*-\s*({NUMBER})\]\s+(\S+)\s+(\S+)\s+\[([^\]]*)\]")
TRANSCRIPT_LINE = re.compile(rf"^(\S+)\s+\[({NUMBER})\s*-\s*({NUMBER})\]:\s*(.*)$")
EVENT = re.compile(r"\[[A-Za-z_ ]+\]|<[^>]*>")
SPEAKER_TOKEN = re.compile(r"^([FM])\d+$")


@dataclass
class IemocapUtterance:
    utterance_id: str
    session: int
    dialog: str
    speaker: str            # "Session1-F"
    code: str
    valence: float          # 1-5 ratings
    arousal: float
    dominance: float
    start: float
    end: float
    transcript: str | None
    wav: Path
    video: Path | None


def clean_transcript(text: str) -> str | None:
    cleaned = " ".join(EVENT.sub(" ", text).split())
    return cleaned or None


def read_transcripts(path: Path) -> dict[str, str]:
    texts = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = TRANSCRIPT_LINE.match(line.strip())
            if match:
                texts[match.group(1)] = match.group(4)
    return texts


def read_evaluation(path: Path) -> list[tuple[float, float, str, str, tuple[float, ...]]]:
    """(start, end, utterance id, code, (V, A, D)) of each `[`-line of an EmoEvaluation file."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8",
                                                 errors="replace").splitlines(), 1):
        if not line.startswith("["):
            continue
        match = EVALUATION_LINE.match(line)
        try:
            ratings = tuple(float(x) for x in match.group(5).split(",")) if match else ()
        except ValueError:
            ratings = ()
        if match is None or len(ratings) != 3 or match.group(4) not in IEMOCAP_CODES or not all(
                1.0 <= r <= 5.0 for r in ratings):
            raise CorpusError("bad_label", f"{path}:{number}: expected `[start - end]\\t<utt_id>"
                              f"\\t<code>\\t[V, A, D]` with a code of {tuple(IEMOCAP_CODES)} "
                              f"and ratings in 1-5, got {line.strip()[:80]!r}")
        rows.append((float(match.group(1)), float(match.group(2)), match.group(3),
                     match.group(4), ratings))
    return rows


def read_session(root: Path, session: int) -> list[IemocapUtterance]:
    base = root / f"Session{session}"
    evaluations = sorted((base / "dialog" / "EmoEvaluation").glob("*.txt"))
    if not evaluations:
        raise CorpusError("bad_layout", f"{base / 'dialog' / 'EmoEvaluation'}: no <dialog>.txt "
                          "label files (expected the IEMOCAP release layout)")
    utterances = []
    for evaluation in evaluations:
        dialog = evaluation.stem
        texts = read_transcripts(base / "dialog" / "transcriptions" / f"{dialog}.txt")
        video = base / "dialog" / "avi" / "DivX" / f"{dialog}.avi"
        for start, end, utterance_id, code, (v, a, d) in read_evaluation(evaluation):
            token = SPEAKER_TOKEN.match(utterance_id.rsplit("_", 1)[-1])
            if token is None:
                raise CorpusError("bad_label", f"{evaluation}: utterance id {utterance_id!r} "
                                  "does not end in _F<number> or _M<number>")
            text = texts.get(utterance_id)
            utterances.append(IemocapUtterance(
                utterance_id, session, dialog, f"Session{session}-{token.group(1)}", code,
                v, a, d, start, end, clean_transcript(text) if text else None,
                base / "sentences" / "wav" / dialog / f"{utterance_id}.wav",
                video if video.is_file() else None))
    return utterances


def read_release(root: Path, allow_partial: bool = False) -> list[IemocapUtterance]:
    """Every labelled utterance of the sessions present (all five unless allow_partial)."""
    missing = [f"Session{n}" for n in SESSIONS if not (root / f"Session{n}").is_dir()]
    if len(missing) == len(SESSIONS) or (missing and not allow_partial):
        raise CorpusError("missing_data", f"{root}: IEMOCAP sessions {', '.join(missing)} not "
                          "found; expected Session1..Session5 of IEMOCAP_full_release, each "
                          "with dialog/EmoEvaluation/ and sentences/wav/ (set "
                          "data.allow_partial=true to use the sessions present)")
    return [u for n in SESSIONS if f"Session{n}" not in missing for u in read_session(root, n)]


def calibration_speaker(test_session: int, present: set[int]) -> str:
    for back in range(1, len(SESSIONS)):
        session = (test_session - 1 - back) % len(SESSIONS) + 1
        if session in present:
            return f"Session{session}-F"
    raise CorpusError("empty_split", f"fold Session{test_session} leaves no training session")


def labelled(utterance: IemocapUtterance) -> LabelledUtterance:
    emotion = IEMOCAP_CODES[utterance.code][1]
    return LabelledUtterance(
        MediaItem(utterance.utterance_id, utterance.wav, utterance.video, utterance.transcript,
                  (utterance.start, utterance.end) if utterance.video else None),
        utterance.speaker, (emotion,) if emotion else (),
        rating_to_unit(utterance.valence), rating_to_unit(utterance.arousal),
        {"code": utterance.code, "session": utterance.session})


def _source(data_dir: Path, source: str) -> str:
    if source not in ("raw", "mult", "auto"):
        raise CorpusError("unknown_option", f"data.source '{source}' is not raw, mult or auto")
    if source != "auto":
        return source
    if any((data_dir / f"Session{n}").is_dir() for n in SESSIONS):
        return "raw"
    if data_dir.suffix == ".pkl" or any((data_dir / name).is_file() for name in MULT_FILES):
        return "mult"
    raise CorpusError("missing_data", f"{data_dir} holds neither the raw IEMOCAP release "
                      f"(Session1..Session5) nor a MulT pickle ({' or '.join(MULT_FILES)})")


def iemocap_splits(data_config: dict, emotions: Sequence[str]) -> dict[str, FusionDataset]:
    """Adapter factory registered as 'iemocap'."""
    if not data_config.get("data_dir"):
        raise CorpusError("missing_data", "iemocap needs data.data_dir (--data-dir)")
    data_dir = Path(data_config["data_dir"]).expanduser()
    if _source(data_dir, str(data_config.get("source") or "auto")) == "mult":
        from hri_emo_ros.corpora.mult_pickle import load_mult_splits

        return load_mult_splits(data_dir, "iemocap", tuple(emotions),
                                max_steps=data_config.get("max_steps"))
    check_emotions("iemocap", emotions, LABELABLE)
    fold = data_config.get("fold") or PROTOCOL.default_fold
    if fold not in PROTOCOL.folds:
        raise CorpusError("unknown_fold", f"iemocap has no fold '{fold}'; "
                          f"choose from {', '.join(PROTOCOL.folds)}")
    test_session = int(fold.removeprefix("Session"))
    if not (data_dir / fold).is_dir():
        raise CorpusError("missing_data", f"{data_dir / fold}: the test session of fold {fold} "
                          "is missing")
    utterances = read_release(data_dir, bool(data_config.get("allow_partial", False)))
    present = {u.session for u in utterances}
    calibration = calibration_speaker(test_session, present)

    def assign(utterance: LabelledUtterance) -> str:
        if utterance.info["session"] == test_session:
            return "test"
        return "calibration" if utterance.speaker == calibration else "train"

    return corpus_splits("iemocap", [labelled(u) for u in utterances], assign,
                         {**data_config, "fold": fold}, emotions, ("audio", "text", "video"),
                         {"calibration_speaker": calibration,
                          "sessions": sorted(present), "split_rule": PROTOCOL.split})


register_adapter("iemocap", iemocap_splits)
