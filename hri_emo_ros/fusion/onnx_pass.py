# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The device part of a fusion pass, exported to ONNX and run by onnxruntime on CPU.

On a CPU the fusion encoder's arithmetic is small (80 tokens of width 64); eager torch
spends most of a pass dispatching a few hundred small operators from Python. The same
pass exported once to ONNX runs in onnxruntime about three times faster. It is exported
when the checkpoint is loaded, from the loaded models (a retrained checkpoint needs no
extra step), for a fixed batch size and fixed step counts, like a CUDA graph
(`graphs.py`): every modality padded to its max_steps, the batch padded with placeholder
people whose outputs are dropped.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from hri_emo_ros.fusion.batching import FusionBatch
from hri_emo_ros.fusion.graphs import DevicePass, padded_batch
from hri_emo_ros.fusion.records import ModalitySteps

OPSET = 17
BATCH_FIELDS = ("features", "mask", "quality", "times", "steps_back")


class OnnxUnavailable(RuntimeError):
    """onnxruntime is missing, or the pass could not be exported or loaded."""


class _FlatPass(nn.Module):
    """The device pass with a FusionBatch spelt out as positional tensors (ONNX inputs)."""

    def __init__(self, device_pass: DevicePass, modules: Sequence[nn.Module],
                 names: Sequence[tuple[str, str]], token_modality: torch.Tensor) -> None:
        super().__init__()
        self.device_pass = device_pass
        self.modules_used = nn.ModuleList(modules)  # so export sees their weights
        self.names = list(names)
        self.token_modality = token_modality
        self.output_keys: list[str] = []

    def forward(self, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        fields: dict[str, dict[str, torch.Tensor]] = {field: {} for field in BATCH_FIELDS}
        for (field, modality), tensor in zip(self.names, tensors, strict=True):
            fields[field][modality] = tensor
        out = self.device_pass(FusionBatch(**fields, token_modality=self.token_modality))
        self.output_keys = sorted(out)
        return tuple(out[key] for key in self.output_keys)


class OnnxPass:
    """`device_pass` for `batch_size` people at `max_steps`, run by onnxruntime."""

    def __init__(self, device_pass: DevicePass, modules: Sequence[nn.Module], batch_size: int,
                 max_steps: Mapping[str, int], threads: int = 1) -> None:
        try:
            import onnxruntime
        except ImportError as error:
            raise OnnxUnavailable(f"onnxruntime is not installed: {error}") from error
        self.batch_size, self.max_steps = batch_size, dict(max_steps)
        example = padded_batch([], None, batch_size, self.max_steps)
        self._names = [(field, modality) for field in BATCH_FIELDS
                       for modality in getattr(example, field)]
        flat = _FlatPass(device_pass, modules, self._names, example.token_modality).eval()
        inputs = tuple(getattr(example, field)[modality] for field, modality in self._names)
        buffer = io.BytesIO()
        try:
            with warnings.catch_warnings():  # the TorchScript exporter's deprecation notice
                warnings.simplefilter("ignore")
                torch.onnx.export(flat, inputs, buffer, dynamo=False, opset_version=OPSET,
                                  input_names=[f"{f}.{m}" for f, m in self._names])
        except Exception as error:  # noqa: BLE001 - any exporter failure: stay eager
            raise OnnxUnavailable(f"the fusion pass could not be exported: {error}") from error
        self._keys = flat.output_keys
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(
                buffer.getvalue(), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # noqa: BLE001 - onnxruntime raises its own types
            raise OnnxUnavailable(f"onnxruntime cannot load the fusion pass: {error}") from error
        # Inputs the pass does not read are pruned from the exported graph.
        self._fed = {i.name for i in self._session.get_inputs()}

    def __call__(self, items: Sequence[Mapping[str, ModalitySteps]],
                 reference_times: Sequence[float]) -> tuple[FusionBatch, dict[str, torch.Tensor]]:
        """Outputs for `items` (at most batch_size); rows past len(items) are placeholders."""
        batch = padded_batch(items, reference_times, self.batch_size, self.max_steps)
        feed = {f"{field}.{modality}": getattr(batch, field)[modality].numpy()
                for field, modality in self._names}
        outputs = self._session.run(None, {name: value for name, value in feed.items()
                                           if name in self._fed})
        return batch, {key: torch.from_numpy(np.asarray(value))
                       for key, value in zip(self._keys, outputs, strict=True)}
