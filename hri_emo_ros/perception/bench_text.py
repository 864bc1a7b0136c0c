# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Benchmark of the text core: TextPipeline.process per utterance, as the text node runs it.

Times each call on everyday utterances of 3 to 40 words (or the lines of `--text-file`)
and reports median and p99 latency [ms], wall clock and process CPU time.
Usage: python -m hri_emo_ros.perception.bench_text [--device cpu] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from hri_emo_ros.perception.text_pipeline import TextPipeline

UTTERANCES = (
    "Hello.",
    "Good morning, how are you?",
    "I'm fine, thanks.",
    "Could you bring me a glass of water please?",
    "No, not that one, the blue one on the left.",
    "I am so tired today, I barely slept last night.",
    "That's wonderful news, I'm really happy for you!",
    "Stop it, you're annoying me.",
    "I don't know what to do anymore, everything keeps going wrong at work.",
    "Can you remind me to call my daughter at six?",
    "Honestly the film was boring and far too long, I fell asleep halfway through.",
    "Thank you so much for helping me with the groceries, that was very kind of you.",
    "Where did I leave my keys?",
    "I'm a bit nervous about the doctor's appointment tomorrow morning.",
    "Wow, I did not expect that at all!",
    "Well, I suppose it could have been worse, but I had hoped for a better result after all "
    "the work we put into the project over the last few months, and the team is disappointed.",
)


def run(
    texts: list[str] | None = None,
    repeats: int = 5,
    device: str = "cpu",
    threads: int | None = None,
) -> dict:
    if threads is not None:
        torch.set_num_threads(threads)
    texts = list(texts or UTTERANCES)
    load_started = time.perf_counter()
    pipeline = TextPipeline(device=device)
    load_s = time.perf_counter() - load_started
    for text in texts[:3]:  # warm-up
        pipeline.process(text)
    wall_ms, cpu_ms, words = [], [], []
    for _ in range(repeats):
        for text in texts:
            tick, cpu_tick = time.perf_counter(), time.process_time()
            result = pipeline.process(text)
            wall_ms.append((time.perf_counter() - tick) * 1000.0)
            cpu_ms.append((time.process_time() - cpu_tick) * 1000.0)
            words.append(len(result.words))
    return {
        "device": str(pipeline.encoder.device),
        "torch_threads": torch.get_num_threads(),
        "utterances": len(texts),
        "repeats": repeats,
        "words_median": float(np.median(words)),
        "words_max": int(np.max(words)),
        "load_s": round(load_s, 2),
        "ms_per_utterance_median": round(float(np.median(wall_ms)), 2),
        "ms_per_utterance_p99": round(float(np.percentile(wall_ms, 99)), 2),
        "cpu_ms_per_utterance_median": round(float(np.median(cpu_ms)), 2),
        "cpu_ms_per_utterance_p99": round(float(np.percentile(cpu_ms, 99)), 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-file", type=Path, help="one utterance per line")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's)")
    args = parser.parse_args(argv)
    texts = None
    if args.text_file is not None:
        texts = [line for line in args.text_file.read_text("utf-8").splitlines() if line.strip()]
    print(json.dumps(run(texts, args.repeats, args.device, args.threads)))


if __name__ == "__main__":
    main()
