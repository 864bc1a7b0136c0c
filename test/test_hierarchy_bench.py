# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The benchmark runs the real tracker and reports sane figures; memory per person is bounded
(it does not grow with the time a person is tracked)."""

from __future__ import annotations

import numpy as np

from hri_emo_ros.hierarchy import HierarchyTracker
from hri_emo_ros.hierarchy.bench import run, synthetic_frame
from hri_emo_ros.hierarchy.memory import deep_size


def test_bench_reports_latency_and_memory():
    report = run(persons=2, seconds=3.0, warmup_s=1.0, memory_persons=5)
    assert report["updates"] == 180
    assert 0 < report["update_ms_p50"] <= report["update_ms_p99"] <= report["update_ms_max"]
    assert 0 < report["update_cpu_ms_p50"] <= report["update_cpu_ms_p99"]
    assert 1_000 < report["bytes_per_person"] < 64_000
    assert 1_000 < report["tracker_bytes_per_person"] < 64_000


def test_memory_per_person_does_not_grow_with_time():
    rng = np.random.default_rng(0)
    tracker = HierarchyTracker({"learning": {"enabled": False}})
    state = np.zeros(9)
    sizes = []
    for frame in range(1500):
        tracker.update(synthetic_frame("p", frame / 30.0, state, rng))
        if frame in (300, 1499):
            sizes.append(deep_size(tracker.persons["p"]))
    assert sizes[1] <= sizes[0] * 1.05
