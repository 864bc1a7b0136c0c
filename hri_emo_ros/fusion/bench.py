# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Latency of fusion + emotion decoding: `run(batch, window_s, device) -> dict`.

Times `FusionRuntime.process` (collation, encoder, gate, decoder, conversion to records)
for `batch` people with a `window_s` window: video at 15 Hz, voice steps every
AUDIO_HOP_S, words at 2.5 per second. Inputs come from the face/voice simulators and
unit-norm text vectors (timing does not depend on the values). Reports median and p99 over
`repeats` calls after warm-up, with and without the gradient x input explanation.

    python -m hri_emo_ros.fusion.bench --batch 1 --window 2 --device cpu
    python -m hri_emo_ros.fusion.bench --train-step --threads 1     # ms per training step
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from pathlib import Path

import numpy as np
import torch

from hri_emo_ros.common.device import resolve_device
from hri_emo_ros.common.feature_spec import AUDIO_HOP_S, FEATURE_DIMS
from hri_emo_ros.common.model_files import default_model_path
from hri_emo_ros.fusion.batching import collate_steps
from hri_emo_ros.fusion.checkpoint import FusionModels, load_checkpoint, weights_id
from hri_emo_ros.fusion.dataset import Targets
from hri_emo_ros.fusion.decoder import DecoderConfig, EmotionDecoder
from hri_emo_ros.fusion.encoder import FusionEncoder
from hri_emo_ros.fusion.losses import LossWeights, fusion_loss
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps
from hri_emo_ros.fusion.runtime import CHECKPOINT_NAME, FusionRuntime
from hri_emo_ros.fusion.sim_affect import draw_episode
from hri_emo_ros.fusion.sim_face import simulate_face
from hri_emo_ros.fusion.sim_voice import draw_speaker, simulate_voice
from hri_emo_ros.fusion.train_config import DEFAULT_CONFIG, apply_overrides
from hri_emo_ros.fusion.trainer import build_models

VIDEO_HZ = 15.0
WORDS_PER_S = 2.5


def synthetic_window(person_id: str, window_s: float, stamp: float,
                     rng: np.random.Generator) -> FusionWindow:
    episode = draw_episode({"happy": 0.8}, window_s, rng)
    video_t = -np.arange(int(round(window_s * VIDEO_HZ)))[::-1] / VIDEO_HZ
    audio_t = -np.arange(max(1, int(round(window_s / AUDIO_HOP_S))))[::-1] * AUDIO_HOP_S
    words = max(1, int(round(window_s * WORDS_PER_S)))
    text_t = -np.arange(words)[::-1] / WORDS_PER_S
    q = {name: np.full(t.size, 0.9, dtype=np.float32)
         for name, t in (("video", video_t), ("audio", audio_t), ("text", text_t))}
    text = rng.normal(size=(words, FEATURE_DIMS["text"])).astype(np.float32)
    text[:, :-2] /= np.linalg.norm(text[:, :-2], axis=1, keepdims=True)
    text[:, -2:] = np.clip(text[:, -2:], -1, 1)
    return FusionWindow(person_id, stamp, {
        "video": ModalitySteps("video", simulate_face(episode, video_t, q["video"], True, rng),
                               video_t + stamp, q["video"], [], person_id),
        "audio": ModalitySteps("audio", simulate_voice(
            episode, audio_t, q["audio"], np.ones(audio_t.size), draw_speaker(rng), rng),
            audio_t + stamp, q["audio"], [], person_id),
        "text": ModalitySteps("text", text, text_t + stamp, q["text"],
                              [f"w{i}" for i in range(words)], person_id),
    })


def _models(checkpoint: Path | None, recursion_steps: int | None) -> tuple[FusionModels, str]:
    """The checkpoint's models (the shipped one when None, random weights when there is
    none); a random decoder where another K is asked for (timing only)."""
    if checkpoint is None:
        try:
            checkpoint = default_model_path(CHECKPOINT_NAME)
        except FileNotFoundError:
            checkpoint = None
    if checkpoint is not None and Path(checkpoint).is_file():
        models = load_checkpoint(Path(checkpoint))
        trained_k = models.decoders["emotion"].config.recursion_steps
        if recursion_steps in (None, trained_k):
            return models, str(checkpoint)
        encoder, source = models.encoder, f"{checkpoint} (decoder random-init)"
    else:
        encoder, source = FusionEncoder().eval(), "random-init"
    decoder = EmotionDecoder(DecoderConfig(recursion_steps=recursion_steps or 1)).eval()
    encoder_id = weights_id("fusion", encoder)
    return FusionModels(encoder, {"emotion": decoder}, encoder_id,
                        {"emotion": weights_id("emotion", decoder)}), source


def _time(call, repeats: int, warmup: int) -> np.ndarray:
    for _ in range(warmup):
        call()
    times = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        call()
        times[i] = time.perf_counter() - start
    return times * 1e3


def run(batch: int = 1, window_s: float = 2.0, device: str = "cpu", repeats: int = 300,
        checkpoint: Path | None = None, recursion_steps: int | None = None,
        explain: bool = True, threads: int | None = None, freeze_gc: bool = False,
        cuda_graphs: bool = True, cpu_onnx: bool = True) -> dict:
    """Latency figures. `threads` sets torch's intra-op threads for the run; `freeze_gc`
    moves everything allocated at start-up out of the garbage collector's reach
    (gc.freeze(), what a latency-sensitive node does after loading its models)."""
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        return _run(batch, window_s, device, repeats, checkpoint, recursion_steps, explain,
                    freeze_gc, cuda_graphs, cpu_onnx)
    finally:
        torch.set_num_threads(previous)
        gc.unfreeze()


def _run(batch, window_s, device, repeats, checkpoint, recursion_steps, explain,
         freeze_gc, cuda_graphs, cpu_onnx) -> dict:
    models, source = _models(checkpoint, recursion_steps)
    runtime = FusionRuntime(models, device, cuda_graphs=cuda_graphs, cpu_onnx=cpu_onnx)
    rng = np.random.default_rng(0)
    # Windows as the synchroniser hands them over (validated once, on arrival).
    windows = [synthetic_window(f"person{i}", window_s, 100.0, rng) for i in range(batch)]
    for w in windows:
        w.checked = True
    if freeze_gc:
        gc.collect()
        gc.freeze()
    plain = _time(lambda: runtime.process(windows), repeats, 20)
    result = {
        "batch": batch, "window_s": window_s, "device": str(runtime.device),
        "device_name": (torch.cuda.get_device_name(runtime.device)
                        if runtime.device.type == "cuda" else "cpu"),
        "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
        "checkpoint": source, "gc_frozen": freeze_gc,
        "recursion_steps": models.decoders["emotion"].config.recursion_steps,
        "steps": {m: windows[0].modalities[m].steps for m in ("audio", "text", "video")},
        "repeats": repeats,
        "median_ms": float(np.median(plain)), "p99_ms": float(np.percentile(plain, 99)),
        "mean_ms": float(plain.mean()),
        "cuda_graphs": runtime.use_graphs, "graph_error": runtime.graph_error,
        "onnxruntime": runtime.use_onnx, "onnx_error": runtime.onnx_error,
    }
    if explain:
        full = _time(lambda: runtime.process(windows, explain=True), max(20, repeats // 3), 5)
        result["explain_median_ms"] = float(np.median(full))
        result["explain_p99_ms"] = float(np.percentile(full, 99))
    return result


def train_step_run(batch: int = 64, window_s: float = 2.0, device: str = "cpu",
                   steps: int = 30, recursion_steps: int = 1, words: int = 18) -> dict:
    """Milliseconds per training step (forward, loss, backward, optimiser) of the default
    model on bootstrap-shaped batches: 15 Hz video, audio steps, `words` words."""
    torch_device = resolve_device(device)
    config = apply_overrides(DEFAULT_CONFIG, {"model.recursion_steps": recursion_steps})
    model = build_models(config).to(torch_device).train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    items = []
    for i in range(batch):
        w = synthetic_window(f"p{i}", window_s, 0.0, rng)
        text = w.modalities["text"]
        extra = rng.normal(size=(words, text.features.shape[1])).astype(np.float32)
        w.modalities["text"] = ModalitySteps("text", extra, -np.arange(words)[::-1] * 0.4,
                                             np.full(words, 0.9, np.float32))
        items.append(w.modalities)
    fusion_batch = collate_steps(items).to(torch_device)
    targets = Targets(torch.from_numpy(rng.random((batch, 7)) < 0.2).float(),
                      torch.from_numpy(rng.uniform(-1, 1, (batch, 2))).float()).to(torch_device)

    def step() -> None:
        encoded, decoded = model(fusion_batch)
        loss, _ = fusion_loss(decoded, targets, LossWeights(), encoded.present)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if torch_device.type == "cuda":
            torch.cuda.synchronize()

    times = _time(step, steps, 3)
    return {"batch": batch, "device": str(torch_device), "torch_threads": torch.get_num_threads(),
            "recursion_steps": recursion_steps, "median_ms": float(np.median(times)),
            "p99_ms": float(np.percentile(times, 99))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time fusion + emotion decoding.")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--window", type=float, default=2.0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--checkpoint", default=None, help="default: the shipped one")
    parser.add_argument("--recursion-steps", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--freeze-gc", action="store_true", help="gc.freeze() after loading")
    parser.add_argument("--no-cuda-graphs", action="store_true")
    parser.add_argument("--no-onnxruntime", action="store_true",
                        help="on CPU, eager torch instead of the onnxruntime export")
    parser.add_argument("--train-step", action="store_true",
                        help="time training steps instead (batch defaults to 64 then)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)  # train_step_run; run() takes threads itself
    if args.train_step:
        result = train_step_run(args.batch if args.batch > 1 else 64, args.window, args.device,
                                recursion_steps=args.recursion_steps or 1)
    else:
        checkpoint = Path(args.checkpoint) if args.checkpoint else None
        result = run(args.batch, args.window, args.device, args.repeats, checkpoint,
                     args.recursion_steps, threads=args.threads, freeze_gc=args.freeze_gc,
                     cuda_graphs=not args.no_cuda_graphs, cpu_onnx=not args.no_onnxruntime)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
