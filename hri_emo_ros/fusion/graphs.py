# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""CUDA-graph replay of the device part of a fusion + decoding pass.

For a handful of people the GPU does almost no arithmetic; the time goes into launching a
few hundred small kernels. A CUDA graph records those launches once, for a fixed batch size
and fixed step counts (every modality padded to its max_steps, the batch padded with
placeholder people whose outputs are dropped), and replays them with one call. Inputs are
copied into the graph's static tensors; outputs are the graph's static tensors, valid until
the next replay.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.fusion.batching import FusionBatch, collate_steps
from hri_emo_ros.fusion.records import ModalitySteps

DevicePass = Callable[[FusionBatch], dict[str, torch.Tensor]]


def placeholder() -> dict[str, ModalitySteps]:
    """A person with one neutral video step: keeps padded rows finite; output dropped."""
    zero = np.zeros((1, FEATURE_DIMS["video"]), dtype=np.float32)
    return {"video": ModalitySteps("video", zero, np.zeros(1), np.ones(1, np.float32))}


def padded_batch(items: Sequence[Mapping[str, ModalitySteps]],
                 reference_times: Sequence[float] | None, batch_size: int,
                 max_steps: Mapping[str, int]) -> FusionBatch:
    """`items` padded with placeholder people to `batch_size`, every modality to exactly
    its max_steps: the fixed shapes of a captured or exported pass."""
    padding = batch_size - len(items)
    times = None if reference_times is None else list(reference_times) + [0.0] * padding
    return collate_steps(list(items) + [placeholder()] * padding, times, max_steps,
                         fixed_width=True)


def bucket(size: int) -> int:
    """Batch sizes are rounded up to powers of two, so a few graphs serve any crowd."""
    return 1 << max(0, size - 1).bit_length()


class GraphedPass:
    def __init__(self, device_pass: DevicePass, batch_size: int,
                 max_steps: Mapping[str, int], device: torch.device, warmup: int = 3) -> None:
        self.batch_size, self.max_steps = batch_size, dict(max_steps)
        self.inputs = padded_batch([], None, batch_size, self.max_steps).to(device)
        stream = torch.cuda.Stream(device)
        stream.wait_stream(torch.cuda.current_stream(device))
        with torch.no_grad(), torch.cuda.stream(stream):
            for _ in range(warmup):
                device_pass(self.inputs)
        torch.cuda.current_stream(device).wait_stream(stream)
        self.graph = torch.cuda.CUDAGraph()
        with torch.no_grad(), torch.cuda.graph(self.graph):
            self.outputs = device_pass(self.inputs)

    def __call__(self, items: Sequence[Mapping[str, ModalitySteps]],
                 reference_times: Sequence[float]) -> tuple[FusionBatch, dict[str, torch.Tensor]]:
        """Outputs for `items` (at most batch_size); rows past len(items) are placeholders."""
        host = padded_batch(items, reference_times, self.batch_size, self.max_steps)
        for field in ("features", "mask", "quality", "times", "steps_back"):
            static, fresh = getattr(self.inputs, field), getattr(host, field)
            for name, tensor in fresh.items():
                static[name].copy_(tensor, non_blocking=True)
        self.graph.replay()
        return self.inputs, self.outputs
