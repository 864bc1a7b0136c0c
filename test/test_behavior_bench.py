# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A small version of the behaviour benchmark (the full one: python -m
hri_emo_ros.behavior.bench --seeds 30 --episodes 200)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hri_emo_ros.behavior import bench
from hri_emo_ros.behavior.bench_stats import (
    bootstrap_ci,
    episodes_to_threshold,
    moving_average,
    normalise,
)


def test_small_comparison_writes_results_and_the_agent_beats_the_baselines(tmp_path):
    summary = bench.run(seeds=[0, 1, 2], episodes=50, out_dir=tmp_path, steps=8, workers=2,
                        methods=("agent", "q_learning", "random", "oracle", "tabular_oracle"),
                        distil_episodes=30)
    stored = json.loads((tmp_path / "behavior_bench.json").read_text())
    assert (tmp_path / "behavior_learning_curves.png").stat().st_size > 10_000
    assert stored["config"]["seeds"] == [0, 1, 2]
    assert len(stored["scores"]["agent"]) == 3 and len(stored["scores"]["agent"][0]) == 50
    for method in ("agent", "q_learning"):
        estimate, low, high = summary[method]["area_under_curve"]
        assert low <= estimate <= high
    agent = summary["agent"]["area_under_curve"][0]
    assert agent > summary["q_learning"]["area_under_curve"][0]
    assert agent > 0.2 and summary["random"]["area_under_curve"][0] == 0.0
    assert summary["oracle_normalised"][0] > 1.0     # full information beats the tabular view
    assert "agent" in bench.format_table(summary)


def test_run_refuses_too_little():
    with pytest.raises(ValueError):
        bench.run(seeds=1, episodes=50)
    with pytest.raises(ValueError):
        bench.run(seeds=2, episodes=50, methods=("agent", "random"))


def test_statistics():
    random_scores = np.zeros((2, 4))
    best = np.ones((2, 4))
    scores = np.array([[0.0, 0.5, 1.0, 1.0], [0.0, 0.0, 0.0, 0.2]])
    normalised = normalise(scores, random_scores, best)
    assert np.allclose(normalised, scores)
    smoothed = moving_average(normalised, 2)
    assert np.isnan(smoothed[:, 0]).all() and smoothed[0, 2] == pytest.approx(0.75)
    first = episodes_to_threshold(smoothed, 0.9)
    assert first[0] == 4 and np.isnan(first[1])
    estimate, low, high = bootstrap_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    assert estimate == 2.5 and 1.0 <= low < estimate < high <= 4.0
