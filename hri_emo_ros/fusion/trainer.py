# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Train the fusion encoder and the emotion decoder: `train(config, overrides) -> TrainResult`.

    hri-emo train fusion --config config/train_fusion.yaml [--set train.epochs=2 ...]
    hri-emo train fusion --dataset mosei --data-dir ~/data/CMU_MOSEI [--fold standard]
    python -m hri_emo_ros.fusion.trainer ...        # the same arguments (train_args.py)
    torchrun --nproc_per_node 2 -m hri_emo_ros.fusion.trainer ...   # DDP

Seeded; one tqdm bar per epoch; per-epoch metrics appended to <run_dir>/metrics.jsonl;
<run_dir>/last.pt holds the full training state (`resume: true` continues from it). After
the last epoch the best epoch (on the calibration split) is restored, the confidence
temperature is fitted on the calibration split, the test split is evaluated once, and the
model checkpoint (checkpoint.py format) is written to <run_dir>/model.pt and to `ship_to`.
With WORLD_SIZE > 1 the model is wrapped in DistributedDataParallel (NCCL on CUDA, gloo on
CPU), batches are sharded by rank and only rank 0 evaluates and writes (each epoch record
lists the samples every rank trained on). The encoder reads the train split's feature space
(the live perception features, or a corpus's own: feature_space.py), which the checkpoint
records.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from tqdm import tqdm

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.fusion.calibration import fit_temperature
from hri_emo_ros.fusion.checkpoint import checkpoint_dict, save_checkpoint
from hri_emo_ros.fusion.dataset import (
    FusionDataset,
    TorchView,
    build_datasets,
    collate_samples,
)
from hri_emo_ros.fusion.decoder import DecoderConfig, EmotionDecoder
from hri_emo_ros.fusion.distributed import epoch_batches, gather_counts, init_distributed
from hri_emo_ros.fusion.encoder import EncoderConfig, FusionEncoder
from hri_emo_ros.fusion.evaluate import EncoderDecoder, full_report, predict, quality_metrics
from hri_emo_ros.fusion.feature_space import LIVE_FEATURE_SPACE, space_name
from hri_emo_ros.fusion.losses import LossWeights, dominant_correct, fusion_loss
from hri_emo_ros.fusion.train_config import DEFAULT_CONFIG, apply_overrides, deep_merge


@dataclass
class TrainResult:
    run_dir: Path
    model_path: Path
    shipped_to: Path | None
    history: list[dict]
    report: dict
    seconds: float


def build_models(config: dict, train_split: FusionDataset | None = None) -> EncoderDecoder:
    """The model for `config`, reading the feature space of `train_split` (None: live)."""
    m = config["model"]
    dims = FEATURE_DIMS if train_split is None else train_split.dims()
    space = LIVE_FEATURE_SPACE if train_split is None else space_name(
        train_split.feature_spec())
    encoder = FusionEncoder(EncoderConfig(
        width=m["width"], heads=m["heads"], layers=m["encoder_layers"],
        ffn_multiplier=m["ffn_multiplier"], dropout=m["dropout"],
        quality_prior=m["quality_prior"], feature_dims=dict(dims)))
    decoder = EmotionDecoder(DecoderConfig(
        width=m["width"], heads=m["heads"], ffn_multiplier=m["ffn_multiplier"],
        dropout=m["dropout"], recursion_steps=m["recursion_steps"],
        emotions=tuple(m["emotions"]), feature_space=space))
    return EncoderDecoder(encoder, decoder)


def feature_statistics(dataset: FusionDataset, count: int) -> dict:
    """Per-dimension mean/std of each modality's raw features over `count` samples."""
    sums: dict[str, list[np.ndarray]] = {}
    for index in range(min(count, len(dataset))):
        for name, steps in dataset.sample(index).modalities.items():
            sums.setdefault(name, []).append(steps.features)
    stats = {}
    for name, chunks in sums.items():
        values = np.concatenate(chunks).astype(np.float64)
        stats[name] = (torch.tensor(values.mean(0), dtype=torch.float32),
                       torch.tensor(values.std(0), dtype=torch.float32))
    return stats


# --- the named parts of one training step -------------------------------------------------

def forward_step(model, batch):
    return model(batch)


def compute_loss(encoded, decoded, targets, weights: LossWeights):
    return fusion_loss(decoded, targets, weights, encoded.present)


def backward_step(loss, model, optimizer, scheduler, grad_clip: float) -> float:
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    optimizer.step()
    scheduler.step()
    return float(norm)


def step_metrics(decoded, targets) -> dict[str, float]:
    complete = targets.label_mask.all(dim=1)
    if not bool(complete.any()):
        return {}
    correct = dominant_correct(decoded.score_logits.detach(), targets.labels)
    return {"dominant_accuracy": float(correct[complete].mean())}


# -------------------------------------------------------------------------------------------

def _schedule(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.05 + 0.95 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def _selection_score(metrics: dict) -> float:
    """Macro F1 + 0.25 CCC of valence and arousal, over the terms the corpus labels."""
    terms = (metrics["macro_f1"], 0.25 * metrics["ccc_valence"], 0.25 * metrics["ccc_arousal"])
    return float(sum(t for t in terms if math.isfinite(t)))


def train(config: dict, overrides=None) -> TrainResult:
    started = time.monotonic()
    config = apply_overrides(deep_merge(DEFAULT_CONFIG, config), overrides)
    rank, world, device = init_distributed(config["device"])
    if config["train"]["threads"]:
        torch.set_num_threads(int(config["train"]["threads"]))
    seed, tc = int(config["seed"]), config["train"]
    torch.manual_seed(seed + rank)
    run_dir = Path(config["run_dir"])
    run_dir.mkdir(parents=True, exist_ok=True)
    max_steps = config["data"].get("max_steps")
    data_config = {"seed": seed, **config["data"]}
    splits = build_datasets(data_config, config["model"]["emotions"])
    model = build_models(config, splits["train"])
    dims = splits["train"].dims()
    model.encoder.set_feature_statistics(feature_statistics(splits["train"],
                                                            tc["statistics_samples"]))
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=tc["lr"],
                                  weight_decay=tc["weight_decay"])
    steps_per_epoch = len(epoch_batches(len(splits["train"]), tc["batch_size"], seed, 0, rank,
                                        world, tc["max_steps_per_epoch"]))
    total = steps_per_epoch * tc["epochs"]
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, partial(_schedule, warmup=tc["warmup_steps"], total=total))
    history: list[dict] = []
    best_score, best_state, first_epoch = -math.inf, None, 0
    last_path = run_dir / "last.pt"
    if config["resume"] and last_path.is_file():
        state = torch.load(last_path, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history, best_score = state["history"], state["best_score"]
        best_state, first_epoch = state["best_model"], state["epoch"] + 1
        torch.set_rng_state(state["torch_rng"].cpu())
    trained = model
    if world > 1:
        trained = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None)
    weights = LossWeights(**tc["loss"])
    collate = partial(collate_samples, max_steps=max_steps, feature_dims=dims)
    for epoch in range(first_epoch, tc["epochs"]):
        epoch_started = time.monotonic()
        splits["train"].set_epoch(epoch)
        batches = epoch_batches(len(splits["train"]), tc["batch_size"], seed, epoch, rank, world,
                                tc["max_steps_per_epoch"])
        view = TorchView(splits["train"], tc["modality_dropout"], seed)
        loader = torch.utils.data.DataLoader(view, batch_sampler=batches, collate_fn=collate,
                                             num_workers=tc["num_workers"])
        trained.train()
        sums: dict[str, float] = {}
        seen = 0
        bar = tqdm(loader, desc=f"epoch {epoch + 1}/{tc['epochs']}", disable=rank != 0,
                   leave=False)
        for batch, targets in bar:
            batch, targets = batch.to(device), targets.to(device)
            encoded, decoded = forward_step(trained, batch)
            loss, parts = compute_loss(encoded, decoded, targets, weights)
            parts["grad_norm"] = backward_step(loss, trained, optimizer, scheduler,
                                               tc["grad_clip"])
            parts.update(step_metrics(decoded, targets))
            for key, value in parts.items():
                sums[key] = sums.get(key, 0.0) + value
            seen += batch.batch_size
            bar.set_postfix(loss=f"{parts['total']:.3f}")
        record = {"epoch": epoch + 1, "lr": scheduler.get_last_lr()[0],
                  **{f"train_{k}": v / max(1, len(batches)) for k, v in sums.items()},
                  "samples_per_rank": gather_counts(seen, world)}
        if rank == 0:
            val = quality_metrics(predict(model, splits["calibration"], device,
                                          max_steps=max_steps), config["model"]["emotions"])
            record.update({f"val_{k}": v for k, v in val.items() if k != "per_emotion"})
            record["seconds"] = time.monotonic() - epoch_started
            if best_state is None or _selection_score(val) > best_score:
                best_score = _selection_score(val)
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            history.append(record)
            with open(run_dir / "metrics.jsonl", "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(), "epoch": epoch,
                        "history": history, "best_score": best_score, "best_model": best_state,
                        "torch_rng": torch.get_rng_state(), "config": config},
                       last_path.with_suffix(".tmp"))
            os.replace(last_path.with_suffix(".tmp"), last_path)
        if world > 1:
            dist.barrier()
    result = None
    if rank == 0:
        result = _finish(model, best_state, splits, config, device, run_dir, history, started)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return result


def _finish(model, best_state, splits, config, device, run_dir, history, started):
    if best_state is not None:
        model.load_state_dict(best_state)
    emotions, max_steps = config["model"]["emotions"], config["data"].get("max_steps")
    calib = predict(model, splits["calibration"], device, max_steps=max_steps)
    scored = calib.labelled
    # A corpus without emotion labels (sentiment only) leaves the confidence uncalibrated.
    temperature = (fit_temperature(calib.confidence_logit[scored], calib.correct[scored])
                   if scored.any() else 1.0)
    model.decoder.temperature.fill_(temperature)
    report = full_report(predict(model, splits["test"], device, max_steps=max_steps),
                         emotions, temperature, config["calibration"]["bins"])
    report["data"] = {name: split.description() for name, split in splits.items()}
    metadata = {"config": config, "history": history, "test_report": report,
                "train_seconds": time.monotonic() - started,
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "splits": {k: len(v) for k, v in splits.items()}}
    model_path = run_dir / "model.pt"
    model.cpu()
    save_checkpoint(model_path, checkpoint_dict(model.encoder, {"emotion": model.decoder},
                                                metadata, splits["train"].feature_spec()))
    shipped = None
    if config["ship_to"]:
        shipped = Path(config["ship_to"])
        shipped.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model_path, shipped)
    with open(run_dir / "report.json", "w", encoding="utf-8") as handle:
        json.dump({"test_report": report, "history": history}, handle, indent=2)
    return TrainResult(run_dir, model_path, shipped, history, report,
                       time.monotonic() - started)


def summary(result: TrainResult) -> dict:
    """What a training run prints: the model path and its headline test metrics."""
    def plain(value):
        return value if isinstance(value, float) and math.isfinite(value) else None

    return {"model": str(result.model_path), "seconds": round(result.seconds, 1),
            "test": {k: plain(result.report[k]) for k in (
                "macro_f1", "dominant_accuracy", "ccc_valence", "ccc_arousal")}}


def main(argv: list[str] | None = None) -> int:
    from hri_emo_ros.fusion.train_args import build_parser, config_from_args

    args = build_parser("python -m hri_emo_ros.fusion.trainer").parse_args(argv)
    try:
        result = train(config_from_args(args), args.overrides)
    except (ValueError, FileNotFoundError, KeyError) as error:
        print(f"hri_emo_ros.fusion.trainer: {error}", file=sys.stderr)
        return 1
    if result is not None:
        print(json.dumps(summary(result), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
