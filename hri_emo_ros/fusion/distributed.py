# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Data-parallel training across processes (torchrun sets WORLD_SIZE, RANK, LOCAL_RANK,
MASTER_ADDR and MASTER_PORT): NCCL on CUDA, gloo on CPU; each rank trains on its own
shard of every epoch's shuffled batches."""

from __future__ import annotations

import os

import numpy as np
import torch
import torch.distributed as dist

from hri_emo_ros.common.device import resolve_device


def init_distributed(device_name: str) -> tuple[int, int, torch.device]:
    """(rank, world size, device) of this process; one process without WORLD_SIZE > 1."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1, resolve_device(device_name)
    device = resolve_device(device_name)
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return dist.get_rank(), world, device


def epoch_batches(size: int, batch_size: int, seed: int, epoch: int, rank: int, world: int,
                  limit: int | None) -> list[list[int]]:
    """This rank's batches of one epoch: the same permutation on every rank, sharded."""
    order = np.random.default_rng([seed, epoch]).permutation(size)
    per_rank = size // world
    mine = order[:per_rank * world][rank::world]
    batches = [mine[i:i + batch_size].tolist()
               for i in range(0, len(mine) - batch_size + 1, batch_size)]
    return batches[:limit] if limit else batches


def gather_counts(count: int, world: int) -> list[int]:
    """Every rank's `count`, in rank order (on every rank)."""
    if world == 1:
        return [count]
    counts: list = [None] * world
    dist.all_gather_object(counts, count)
    return [int(c) for c in counts]
