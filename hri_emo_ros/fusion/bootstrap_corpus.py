# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The bootstrap corpus: real rated sentences + simulated face and voice from one episode.

No multimodal emotion corpus is available offline, so this corpus is honest about being
half simulated. Each sample is built around one real sentence of Hutto & Gilbert (ICWSM
2014): tweets or movie-review snippets with mean human valence ratings, read with
`perception.text_valence_data` (the reserved NYT and Amazon domains are refused), with the
text pipeline's real per-word features (text_feature_cache.py). The splits are the text
valence head's fixed splits (train / validation -> calibration / heldout -> test), so the
head's sentence valence never saw a calibration or test sentence.
1. a latent emotion is drawn given the sentence's human valence (sim_affect.py), its odds
   weighted by how much the sentence reads like each emotion (text_affinity.py), with an
   intensity growing with |valence|; the valence target is the human rating, the arousal
   target the category's circumplex arousal x intensity + an idiosyncratic offset (which
   only the voice carries);
2. face (sim_face.py) and voice (sim_voice.py) trajectories express that episode with
   onset-apex-offset dynamics; the utterance's words are timed at 2.2-3.2 words/s;
3. modalities go missing (subsets drawn per sample), lose quality (noise grows as the
   per-step quality falls; low-quality text gets ASR-like word substitutions) and
   contradict each other: in a conflict sample some modalities express a contrasting
   emotion. With three modalities the truth is with the majority 60 % of the time and with
   the odd one out 40 % (a leaking channel), so conflicting evidence is really ambiguous.
Training samples are redrawn every epoch; calibration and test samples are fixed by seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hri_emo_ros.common.feature_spec import AUDIO_HOP_S, AUDIO_WINDOW_S, EMOTIONS
from hri_emo_ros.corpora.registry import Protocol
from hri_emo_ros.fusion.dataset import FusionDataset, FusionSample, register_adapter
from hri_emo_ros.fusion.records import ModalitySteps
from hri_emo_ros.fusion.sim_affect import (
    CENTROIDS,
    INDEX,
    NEGATIVE,
    contrasting_emotion,
    draw_episode,
    emotion_given_valence,
    expression_weights,
    intensity_for,
    targets_for,
)
from hri_emo_ros.fusion.sim_face import simulate_face
from hri_emo_ros.fusion.sim_voice import draw_speaker, simulate_voice
from hri_emo_ros.fusion.text_affinity import emotion_affinity, prototype_embeddings
from hri_emo_ros.fusion.text_feature_cache import TextFeatureTable, build_text_features
from hri_emo_ros.perception.text_valence_data import (
    RESERVED_DOMAINS,
    TRAIN_DOMAINS,
    RatedSentence,
    download_vader_sdist,
    load_rated_sentences,
    split_sentences,
)

PROTOCOL = Protocol(
    name="bootstrap", emotions=EMOTIONS, folds=("standard",), default_fold="standard",
    metrics="categorical",
    split="the text valence head's fixed 70/15/15 split of the Hutto & Gilbert (ICWSM 2014) "
          "tweets and movie-review sentences (train / calibration / test), with simulated "
          "face and voice; the NYT and Amazon domains are never used",
    licence="vaderSentiment 3.3.2 sdist (MIT), whose additional_resources hold the rated "
            "sentences of Hutto & Gilbert (2014): cite the paper; downloaded into data_dir "
            "(default ~/.cache/hri_emo)",
)
NEUTRAL_SENTENCE = 0.08
SPLIT_CODES = {"train": 0, "calibration": 1, "test": 2}
SOURCE_SPLITS = {"train": "train", "calibration": "validation", "test": "heldout"}


@dataclass
class BootstrapConfig:
    cache_dir: str = "~/.cache/hri_emo"
    domains: tuple[str, ...] = TRAIN_DOMAINS
    max_sentences: int | None = None
    text_source: str = "auto"
    window_s: float = 2.0
    video_hz: float = 15.0
    max_words: int = 24
    presence: dict[str, float] = field(
        default_factory=lambda: {"all": 0.55, "pair": 0.30, "single": 0.15})
    conflict_rate: float = 0.2
    low_quality_rate: float = 0.25
    blend_rate: float = 0.2
    seed: int = 0

    @classmethod
    def from_dict(cls, data: dict) -> BootstrapConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "domains" in known:
            known["domains"] = tuple(known["domains"])
        return cls(**known)


class BootstrapCorpus(FusionDataset):
    def __init__(self, sentences: Sequence[RatedSentence], rows: Sequence[int],
                 table: TextFeatureTable, config: BootstrapConfig, split: str,
                 emotions: Sequence[str] = EMOTIONS,
                 affinity: np.ndarray | None = None) -> None:
        unknown = set(emotions) - set(EMOTIONS)
        if unknown:
            raise ValueError(f"the bootstrap corpus cannot label {sorted(unknown)}")
        self.sentences, self.rows, self.table = list(sentences), list(rows), table
        self.config, self.split = config, split
        self.affinity = affinity  # (table rows, len(EMOTIONS)), text_affinity.py
        self.emotions = tuple(emotions)
        self.columns = np.array([INDEX[e] for e in emotions])
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.sentences)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def description(self) -> dict:
        domains = sorted({s.domain for s in self.sentences})
        return {"adapter": "bootstrap", "split": self.split, "sentences": len(self),
                "domains": domains, "text_source": self.table.source}

    def _rng(self, index: int) -> np.random.Generator:
        epoch = self.epoch if self.split == "train" else 0
        return np.random.default_rng([self.config.seed, SPLIT_CODES[self.split], epoch, index])

    def _presence(self, rng: np.random.Generator) -> list[str]:
        p = self.config.presence
        kind = rng.choice(["all", "pair", "single"], p=[p["all"], p["pair"], p["single"]])
        count = {"all": 3, "pair": 2, "single": 1}[str(kind)]
        return sorted(rng.choice(["audio", "text", "video"], count, replace=False).tolist())

    def sample(self, index: int) -> FusionSample:
        c, rng = self.config, self._rng(index)
        sentence = self.sentences[index]
        present = self._presence(rng)
        distractors: list[str] = []
        if len(present) >= 2 and rng.random() < c.conflict_rate:
            count = 2 if len(present) == 3 and rng.random() < 0.4 else 1
            distractors = rng.choice(present, count, replace=False).tolist()
            if "text" in distractors and abs(sentence.valence) < NEUTRAL_SENTENCE:
                distractors = []  # a neutral sentence cannot contradict anything
        if "text" in distractors:
            emotion = (str(rng.choice(NEGATIVE + ("neutral",))) if sentence.valence > 0
                       else str(rng.choice(("happy", "neutral"), p=(0.7, 0.3))))
            intensity = intensity_for(emotion, None, rng)
            valence = CENTROIDS[emotion][0] * intensity
        else:
            affinity = None if self.affinity is None else self.affinity[self.rows[index]]
            emotion = emotion_given_valence(sentence.valence, rng, affinity)
            intensity = intensity_for(emotion, sentence.valence, rng)
            valence = sentence.valence
        truth = expression_weights(emotion, intensity, rng.random() < c.blend_rate, rng)
        arousal_offset = rng.normal(0.0, 0.12)
        arousal = float(np.clip(CENTROIDS[emotion][1] * intensity + arousal_offset, -1, 1))
        decoy = contrasting_emotion(emotion, rng)
        episodes = {
            "truth": draw_episode(truth, c.window_s, rng, arousal_offset),
            "decoy": draw_episode(expression_weights(decoy, intensity_for(decoy, None, rng),
                                                     False, rng), c.window_s, rng),
        }
        quality_levels = {
            m: (rng.uniform(0.05, 0.45) if rng.random() < c.low_quality_rate
                else rng.uniform(0.75, 1.0)) for m in present
        }
        words = self.table.words[self.rows[index]][-c.max_words:]
        rate = rng.uniform(2.2, 3.2)
        speech_end = rng.uniform(-1.5, 0.0)
        speaking = "text" in present or rng.random() < 0.85
        speech_start = speech_end - len(words) / rate
        modalities: dict[str, ModalitySteps] = {}
        for modality in present:
            episode = episodes["decoy" if modality in distractors else "truth"]
            level = quality_levels[modality]
            if modality == "text":
                modalities["text"] = self._text(index, words, rate, speech_end, level, rng)
                continue
            if modality == "video":
                count = int(round(c.window_s * c.video_hz))
                times = -np.arange(count)[::-1] / c.video_hz
                times = times[rng.random(count) > 0.05]
                quality = np.clip(level + rng.normal(0.0, 0.04, times.size), 0.0, 1.0)
                feats = simulate_face(episode, times, quality, speaking, rng)
            else:
                count = int(round(c.window_s / AUDIO_HOP_S))
                times = -np.arange(count)[::-1] * AUDIO_HOP_S
                overlap = (np.minimum(times, speech_end)
                           - np.maximum(times - AUDIO_WINDOW_S, speech_start))
                fraction = np.clip(overlap / AUDIO_WINDOW_S, 0.0, 1.0) * speaking
                quality = np.clip(level + rng.normal(0.0, 0.04, count), 0.0, 1.0)
                feats = simulate_voice(episode, times, quality, fraction, draw_speaker(rng), rng)
            modalities[modality] = ModalitySteps(modality, feats, times, quality.astype(
                np.float32))
        labels = targets_for(truth, emotion)[self.columns]
        info = {"sentence_id": f"{sentence.domain}/{sentence.sentence_id}", "emotion": emotion,
                "conflict": bool(distractors), "distractors": distractors,
                "low_quality": sorted(m for m, q in quality_levels.items() if q < 0.5),
                "present": present}
        return FusionSample(modalities, labels, float(valence), arousal, info)

    def _text(self, index: int, words: list[str], rate: float, end: float, level: float,
              rng: np.random.Generator) -> ModalitySteps:
        feats = self.table.sentence_features(self.rows[index])[-len(words):].copy()
        labels = list(words)
        quality = np.clip(level + rng.normal(0.0, 0.04, len(words)), 0.0, 1.0)
        swap = rng.random(len(words)) < 0.8 * (1.0 - quality)
        for i in np.nonzero(swap)[0]:  # ASR-like substitutions at low recogniser confidence
            row = int(rng.integers(self.table.features.shape[0]))
            feats[i] = self.table.features[row].astype(np.float32)
            quality[i] = min(quality[i], rng.uniform(0.0, 0.4))
            labels[i] = "<asr>"
        times = end - (len(words) - 1 - np.arange(len(words))) / rate
        return ModalitySteps("text", feats, times, quality.astype(np.float32), labels)


def check_domains(domains: Sequence[str]) -> tuple[str, ...]:
    for domain in domains:
        if domain in RESERVED_DOMAINS:
            raise ValueError(f"domain '{domain}' is reserved for independent evaluation: never "
                             f"train, tune or select on it (allowed: {TRAIN_DOMAINS})")
        if domain not in TRAIN_DOMAINS:
            raise ValueError(f"unknown domain '{domain}' (allowed: {TRAIN_DOMAINS})")
    if not domains:
        raise ValueError("no domain selected")
    return tuple(domains)


def bootstrap_splits(data_config: dict, emotions: Sequence[str]) -> dict[str, FusionDataset]:
    """Adapter factory registered as 'bootstrap' (`data_dir`, when given, is the cache)."""
    if data_config.get("data_dir"):
        data_config = {**data_config, "cache_dir": data_config["data_dir"]}
    config = BootstrapConfig.from_dict(data_config)
    cache = Path(config.cache_dir).expanduser()
    sentences = load_rated_sentences(download_vader_sdist(cache), check_domains(config.domains))
    parts = split_sentences(sentences)
    chosen = {split: parts[source] for split, source in SOURCE_SPLITS.items()}
    if config.max_sentences is not None:
        rng = np.random.default_rng(config.seed)
        share = config.max_sentences / len(sentences)
        chosen = {split: [items[i] for i in sorted(rng.permutation(len(items))[
            :max(2, round(share * len(items)))])] for split, items in chosen.items()}
    everything = [s for items in chosen.values() for s in items]
    ids = [f"{s.domain}/{s.sentence_id}" for s in everything]
    table = build_text_features(ids, [s.text for s in everything], cache, max_words=32,
                                source=config.text_source)
    row_of = {sid: i for i, sid in enumerate(table.sentence_ids)}
    train_rows = [row_of[f"{s.domain}/{s.sentence_id}"] for s in chosen["train"]]
    affinity = emotion_affinity(table.sentence_embeddings, prototype_embeddings(), train_rows)
    splits = {}
    for split, items in chosen.items():
        kept = [s for s in items if table.words[row_of[f"{s.domain}/{s.sentence_id}"]]]
        rows = [row_of[f"{s.domain}/{s.sentence_id}"] for s in kept]
        splits[split] = BootstrapCorpus(kept, rows, table, config, split, emotions, affinity)
    return splits


register_adapter("bootstrap", bootstrap_splits)
