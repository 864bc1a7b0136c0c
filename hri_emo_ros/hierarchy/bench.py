# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Cost of one hierarchy update and memory per tracked person.

    python -m hri_emo_ros.hierarchy.bench --persons 1 --seconds 120

Feeds synthetic 30 Hz EmotionState streams (valence/arousal random walks, score drifts and
occasional one-frame flashes) through a `HierarchyTracker` with its default configuration
(inline learning every 256 updates, saves every 60 s) and reports the wall-clock and
thread-CPU time of each `update` call (p50, p99, max; separately for the calls that
computed a learning step's gradients and those that applied them), the bytes allocated per
additional tracked person (tracemalloc) and the tracker's own memory report. Wall-clock
percentiles include whatever else the machine is doing; the CPU-time percentiles and the
load average say how much.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import tracemalloc
from typing import Any

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy.observation import EmotionObservation
from hri_emo_ros.hierarchy.tracker import HierarchyTracker


def synthetic_frame(person_id: str, stamp: float, state: np.ndarray,
                    rng: np.random.Generator) -> EmotionObservation:
    """Advance `state` (valence, arousal, 7 score logits) one frame and observe it."""
    state[:2] = np.clip(state[:2] + rng.normal(0.0, 0.01, 2), -0.9, 0.9)
    state[2:] += rng.normal(0.0, 0.05, len(EMOTIONS)) - 0.01 * state[2:]
    scores = 1.0 / (1.0 + np.exp(-state[2:]))
    valence, arousal = state[:2] + rng.normal(0.0, 0.05, 2)
    if rng.random() < 0.01:
        scores = scores.copy()
        scores[rng.integers(len(EMOTIONS))] = 0.95
    return EmotionObservation(person_id, stamp, EMOTIONS, tuple(float(s) for s in scores),
                              float(np.clip(valence, -1, 1)), float(np.clip(arousal, -1, 1)),
                              float(rng.uniform(0.6, 1.0)))


def run(persons: int = 1, seconds: float = 120.0, rate_hz: float = 30.0,
        learning: bool = True, persistence: bool = True, warmup_s: float = 5.0,
        seed: int = 0, memory_persons: int = 20) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as directory:
        config = {"learning": {"enabled": learning},
                  "persistence": {"directory": directory if persistence else None}}
        tracker = HierarchyTracker(config)
        ids = [f"person_{i}" for i in range(persons)]
        states = {pid: np.zeros(2 + len(EMOTIONS)) for pid in ids}
        wall: list[float] = []
        cpu: list[float] = []
        phase: list[str] = []               # "", "gradients" or "optimiser"
        frames = int((seconds + warmup_s) * rate_hz)
        for frame in range(frames):
            stamp = 1_000.0 + frame / rate_hz
            for pid in ids:
                obs = synthetic_frame(pid, stamp, states[pid], rng)
                steps = _steps(tracker)
                w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
                tracker.update(obs)
                c1, w1 = time.thread_time_ns(), time.perf_counter_ns()
                if frame >= warmup_s * rate_hz:
                    wall.append((w1 - w0) / 1e6)
                    cpu.append((c1 - c0) / 1e6)
                    phase.append("optimiser" if _steps(tracker) > steps else
                                 "gradients" if tracker.shared.half_done else "")
        per_person = _bytes_per_person(tracker, rng, memory_persons)
        report = tracker.memory_report()
        tracker.close()
    by_phase = {name: [c for c, p in zip(cpu, phase, strict=True) if p == name]
                for name in ("gradients", "optimiser")}
    return {
        "persons": persons, "rate_hz": rate_hz, "seconds": seconds, "updates": len(wall),
        "learning": learning, "persistence": persistence,
        "learning_steps": len(by_phase["optimiser"]),
        "update_ms_p50": float(np.percentile(wall, 50)),
        "update_ms_p99": float(np.percentile(wall, 99)), "update_ms_max": float(np.max(wall)),
        "update_cpu_ms_p50": float(np.percentile(cpu, 50)),
        "update_cpu_ms_p99": float(np.percentile(cpu, 99)),
        **{f"update_with_{name}_cpu_ms_{stat}": _stat(values, stat)
           for name, values in by_phase.items() for stat in ("p50", "max")},
        "bytes_per_person": per_person,
        "tracker_bytes_per_person": report["max_bytes_per_person"],
        "shared_bytes": report["shared_bytes"],
        "load_average_1min": os.getloadavg()[0], "cpu_count": os.cpu_count(),
    }


def _stat(values: list[float], stat: str) -> float | None:
    if not values:
        return None
    return float(np.max(values)) if stat == "max" else float(np.percentile(values, 50))


def _steps(tracker: HierarchyTracker) -> int:
    return 0 if tracker.learner is None else tracker.learner.counters["steps"]


def _bytes_per_person(tracker: HierarchyTracker, rng: np.random.Generator,
                      extra: int = 20, frames: int = 60) -> int:
    """Memory allocated and kept per additional person after `frames` frames each (shared
    learning and saving are paused meanwhile: what they allocate is not per person)."""
    stamp = (tracker.clock_stamp or 0.0) + 1.0
    states = {f"extra_{i}": np.zeros(2 + len(EMOTIONS)) for i in range(extra)}
    learning, saving = tracker.config.learning.inline, tracker.config.persistence.inline
    tracker.config.learning.inline = tracker.config.persistence.inline = False
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for frame in range(frames):
        for pid, state in states.items():
            tracker.update(synthetic_frame(pid, stamp + frame / 30.0, state, rng))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracker.config.learning.inline, tracker.config.persistence.inline = learning, saving
    return int((after - before) / extra)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--rate-hz", type=float, default=30.0)
    parser.add_argument("--no-learning", action="store_true")
    parser.add_argument("--no-persistence", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.persons, args.seconds, args.rate_hz, not args.no_learning,
                         not args.no_persistence), indent=2))


if __name__ == "__main__":
    main()
