# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`torchrun --nproc_per_node 2 -m hri_emo_ros.fusion.trainer --dataset ...` on CPU (gloo):
both ranks train their shard of every epoch and rank 0 alone writes the checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mosei_test_data import write_sdk_release

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(150)
def test_torchrun_two_cpu_processes_on_a_tiny_corpus(tmp_path):
    write_sdk_release(tmp_path / "mosei", counts=(8, 3, 3))
    run = tmp_path / "run"
    overrides = ["device=cpu", "model.width=16", "model.heads=2", "train.epochs=2",
                 "train.batch_size=4", "train.max_steps_per_epoch=3", "train.warmup_steps=2",
                 "train.statistics_samples=32", "train.threads=1", f"run_dir={run}"]
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", "-m", "hri_emo_ros.fusion.trainer",
               "--dataset", "mosei", "--data-dir", str(tmp_path / "mosei"),
               *[a for s in overrides for a in ("--set", s)]]
    env = {**os.environ, "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=140)
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2]  # written once, by rank 0
    for record in records:
        assert record["samples_per_rank"] == [12, 12]  # 3 batches of 4 on each of 2 ranks
    summary = json.loads(result.stdout[result.stdout.index("{"):])  # printed by rank 0 only
    assert summary["model"] == str(run / "model.pt") and result.stdout.count('"model"') == 1
    checkpoint = torch.load(run / "model.pt", weights_only=True)
    assert checkpoint["format"] == "hri_emo.fusion/1"
    assert checkpoint["feature_spec"]["name"] == "CMU-MOSEI COVAREP/FACET 4.2/GloVe"
    assert not list(run.glob("*.tmp"))
