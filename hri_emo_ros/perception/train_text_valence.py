# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Train the text valence head on human-rated tweets and movie-review snippets.

    python -m hri_emo_ros.perception.train_text_valence --download      # or --data SDIST
    python -m hri_emo_ros.perception.train_text_valence --download --dry-run

Steps: fixed split of tweets + movie snippets (train / validation / held-out, seed
`SPLIT_SEED`); MiniLM embeddings (cached) + VADER compound; a small grid of heads, each
trained with a domain-balanced MSE loss and early stopping on the validation split; the
best on validation (mean Pearson r over the two domains) is kept. Then, once, it is scored
on the held-out split and on the reserved NYT and Amazon domains, which play no part in
training or selection. `--dry-run` stops before that final scoring, never reads the
reserved domains and writes nothing.
Writes the weights, a metrics JSON and the model card.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from hri_emo_ros.common.model_files import SOURCE_MODELS
from hri_emo_ros.perception.text_encoder import MODEL_NAME, TextEncoder
from hri_emo_ros.perception.text_valence import (
    HEAD_FILE,
    HeadConfig,
    ValenceHead,
    predict_valence,
    save_head,
)
from hri_emo_ros.perception.text_valence_card import write_model_card
from hri_emo_ros.perception.text_valence_data import (
    DEFAULT_CACHE_DIR,
    RESERVED_DOMAINS,
    SPLIT_SEED,
    TRAIN_DOMAINS,
    RatedSentence,
    download_vader_sdist,
    load_rated_sentences,
    split_sentences,
)
from hri_emo_ros.perception.vader_prior import VaderPrior

GRID = [
    HeadConfig(hidden=0, dropout=0.0),
    HeadConfig(hidden=64, dropout=0.1),
    HeadConfig(hidden=64, dropout=0.3),
    HeadConfig(hidden=256, dropout=0.3),
]
WEIGHT_DECAYS = (1e-4, 1e-2)
LEARNING_RATE = 3e-4
BATCH_SIZE = 128
MAX_EPOCHS = 80
PATIENCE = 10


def pearson_r(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(np.asarray(a, np.float64), np.asarray(b, np.float64))[0, 1])


class FeatureCache:
    """MiniLM sentence embeddings on disk, keyed by model and texts; VADER compounds."""

    def __init__(self, cache_dir: Path, device: str) -> None:
        self.dir = cache_dir / "embeddings"
        self.device = device
        self._encoder: TextEncoder | None = None
        self._vader = VaderPrior()

    def features(self, sentences: list[RatedSentence]) -> tuple[np.ndarray, np.ndarray]:
        texts = [s.text for s in sentences]
        key = hashlib.sha256("\n".join([MODEL_NAME, *texts]).encode()).hexdigest()[:20]
        path = self.dir / f"{key}.npy"
        if path.is_file():
            embeddings = np.load(path)
        else:
            if self._encoder is None:
                self._encoder = TextEncoder(device=self.device)
            embeddings = self._encoder.embed_sentences(texts)
            self.dir.mkdir(parents=True, exist_ok=True)
            np.save(path, embeddings)
        compounds = np.array([self._vader.compound(t) for t in texts], dtype=np.float32)
        return embeddings, compounds


def domain_balancing_weights(sentences: list[RatedSentence]) -> np.ndarray:
    """Per-sentence loss weights giving each domain the same total weight (mean 1), so the
    7.4k movie snippets do not drown the 2.9k tweets."""
    domains = np.array([s.domain for s in sentences])
    weights = np.ones(len(sentences), np.float32)
    present = sorted(set(domains))
    for domain in present:
        mask = domains == domain
        weights[mask] = len(sentences) / (len(present) * mask.sum())
    return weights


def _domain_r(
    head: ValenceHead, sentences: list[RatedSentence], features: tuple[np.ndarray, np.ndarray]
) -> dict[str, dict[str, float]]:
    predicted = predict_valence(head, *features)
    targets = np.array([s.valence for s in sentences])
    domains = np.array([s.domain for s in sentences])
    out = {}
    for domain in sorted({str(d) for d in domains}):
        mask = domains == domain
        out[domain] = {
            "n": int(mask.sum()),
            "head_r": round(pearson_r(predicted[mask], targets[mask]), 4),
            "vader_r": round(pearson_r(features[1][mask], targets[mask]), 4),
            "head_mae": round(float(np.abs(predicted[mask] - targets[mask]).mean()), 4),
        }
    return out


def _validation_score(metrics: dict[str, dict[str, float]]) -> float:
    return float(np.mean([metrics[d]["head_r"] for d in TRAIN_DOMAINS]))


def train_one(
    config: HeadConfig,
    weight_decay: float,
    train: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    validation: tuple[list[RatedSentence], tuple[np.ndarray, np.ndarray]],
    seed: int,
) -> tuple[ValenceHead, float, int]:
    """Train with early stopping; returns (best head, its validation score, best epoch)."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    head = ValenceHead(config)
    optimiser = torch.optim.AdamW(head.parameters(), lr=LEARNING_RATE, weight_decay=weight_decay)
    embeddings, compounds, targets, weights = (
        torch.as_tensor(a, dtype=torch.float32) for a in train
    )
    best_score, best_epoch, best_state = -np.inf, 0, None
    for epoch in range(1, MAX_EPOCHS + 1):
        head.train()
        for batch in torch.randperm(len(targets), generator=generator).split(BATCH_SIZE):
            errors = head(embeddings[batch], compounds[batch]) - targets[batch]
            loss = (weights[batch] * errors**2).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        head.eval()
        score = _validation_score(_domain_r(head, *validation))
        if score > best_score:
            best_score, best_epoch = score, epoch
            best_state = {k: v.clone() for k, v in head.state_dict().items()}
        elif epoch - best_epoch >= PATIENCE:
            break
    assert best_state is not None
    head.load_state_dict(best_state)
    return head.eval(), best_score, best_epoch


def run(
    archive: Path,
    out_dir: Path,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    seed: int = 0,
    device: str = "auto",
    dry_run: bool = False,
    threads: int | None = 1,
) -> dict:
    started = time.perf_counter()
    torch.use_deterministic_algorithms(True)
    if threads is not None:
        torch.set_num_threads(threads)
    domains = TRAIN_DOMAINS if dry_run else TRAIN_DOMAINS + RESERVED_DOMAINS
    splits = split_sentences(load_rated_sentences(archive, domains), SPLIT_SEED)
    cache = FeatureCache(cache_dir, device)
    train_emb, train_comp = cache.features(splits["train"])
    train = (
        train_emb,
        train_comp,
        np.array([s.valence for s in splits["train"]], np.float32),
        domain_balancing_weights(splits["train"]),
    )
    validation = (splits["validation"], cache.features(splits["validation"]))

    trials = []
    best: tuple[ValenceHead, float, int, HeadConfig, float] | None = None
    for config in GRID:
        for weight_decay in WEIGHT_DECAYS:
            head, score, epoch = train_one(config, weight_decay, train, validation, seed)
            trials.append(
                {**asdict(config), "weight_decay": weight_decay, "best_epoch": epoch,
                 "validation_mean_r": round(score, 4)}
            )
            print(f"[train] {trials[-1]}", flush=True)
            if best is None or score > best[1]:
                best = (head, score, epoch, config, weight_decay)
    assert best is not None
    head, _, epoch, config, weight_decay = best
    report = {
        "model": MODEL_NAME,
        "inputs": "MiniLM sentence embedding (384, unit norm) + VADER compound",
        "target": "mean human rating / 4, in [-1, 1]",
        "split_seed": SPLIT_SEED,
        "training_seed": seed,
        "split_sizes": {name: len(items) for name, items in splits.items()},
        "selected": {**asdict(config), "weight_decay": weight_decay, "best_epoch": epoch},
        "selection": "highest mean Pearson r over tweets and movies on the validation split",
        "trials": trials,
        "validation": _domain_r(head, *validation),
    }
    if dry_run:
        report["seconds"] = round(time.perf_counter() - started, 1)
        return report
    heldout = splits["heldout"]
    report["heldout"] = _domain_r(head, heldout, cache.features(heldout))
    report["reserved"] = {}
    for domain in RESERVED_DOMAINS:
        report["reserved"].update(_domain_r(head, splits[domain], cache.features(splits[domain])))
    report["seconds"] = round(time.perf_counter() - started, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_head(head, out_dir / HEAD_FILE, {"metrics": report})
    (out_dir / "text_valence_head.json").write_text(json.dumps(report, indent=2) + "\n")
    write_model_card(out_dir / "text_valence_head.md", report, out_dir / HEAD_FILE)
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="vaderSentiment-3.3.2.tar.gz or its "
                        "additional_resources/hutto_ICWSM_2014.tar.gz")
    source.add_argument("--download", action="store_true",
                        help="pip download the vaderSentiment sdist into --cache-dir (once)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--out-dir", type=Path,
                        default=SOURCE_MODELS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (1: reproducible and robust to other load)")
    parser.add_argument("--dry-run", action="store_true",
                        help="train and select only; no reserved domains, nothing written")
    args = parser.parse_args(argv)
    archive = args.data if args.data is not None else download_vader_sdist(args.cache_dir)
    report = run(
        archive, args.out_dir, args.cache_dir, args.seed, args.device, args.dry_run, args.threads
    )
    print(json.dumps({k: v for k, v in report.items() if k != "trials"}, indent=2))


if __name__ == "__main__":
    main()
