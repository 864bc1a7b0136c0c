# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The fusion pass exported to onnxruntime gives the eager pass's records; a pass that
cannot be exported leaves the runtime in eager torch with the reason."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytest.importorskip("onnxruntime")
from hri_emo_ros.common.feature_spec import FEATURE_DIMS  # noqa: E402
from hri_emo_ros.fusion import onnx_pass  # noqa: E402
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps  # noqa: E402
from hri_emo_ros.fusion.runtime import FusionRuntime, real_steps_first  # noqa: E402


def _window(rng: np.random.Generator, person: str, counts: dict[str, int]) -> FusionWindow:
    stamp = 100.0
    return FusionWindow(person, stamp, {
        name: ModalitySteps(name, rng.normal(size=(n, FEATURE_DIMS[name])).astype(np.float32),
                            stamp - 0.05 * np.arange(n)[::-1],
                            rng.uniform(0.3, 1.0, n).astype(np.float32))
        for name, n in counts.items()})


@pytest.fixture(scope="module")
def runtimes() -> tuple[FusionRuntime, FusionRuntime]:
    return (FusionRuntime.from_checkpoint(None, "cpu"),
            FusionRuntime.from_checkpoint(None, "cpu", cpu_onnx=False))


@pytest.fixture(scope="module")
def windows() -> list[FusionWindow]:
    rng = np.random.default_rng(7)
    return [_window(rng, "a", {"audio": 16, "text": 5, "video": 32}),
            _window(rng, "b", {"audio": 3, "video": 20}),
            _window(rng, "c", {"text": 40})]  # over text's max_steps: the newest 32 kept


@pytest.mark.parametrize("people", [1, 3])
def test_onnx_records_equal_eager_records(runtimes, windows, people):
    exported, eager = runtimes
    for a, b in zip(exported.fuse(windows[:people]), eager.fuse(windows[:people]),
                    strict=True):
        assert a.step_labels == b.step_labels and a.step_modalities == b.step_modalities
        assert a.present == b.present
        np.testing.assert_array_equal(a.step_times, b.step_times)
        np.testing.assert_allclose(a.fused, b.fused, atol=2e-5)
        np.testing.assert_allclose(a.gate_per_dim, b.gate_per_dim, atol=2e-6)
        np.testing.assert_allclose(a.modality_quality, b.modality_quality, atol=1e-6)
        assert [m.name for m in a.alignments] == [m.name for m in b.alignments]
        for x, y in zip(a.alignments, b.alignments, strict=True):
            np.testing.assert_allclose(x.data, y.data, atol=2e-6)
    for a, b in zip(exported.process(windows[:people]), eager.process(windows[:people]),
                    strict=True):
        assert a.emotion.dominant == b.emotion.dominant
        np.testing.assert_allclose(a.emotion.scores, b.emotion.scores, atol=1e-6)
    assert exported.onnx_error is None
    assert (None, 4 if people == 3 else 1) in exported.exported_passes
    assert eager.exported_passes == [] and not eager.use_onnx


def test_a_pass_that_cannot_be_exported_stays_eager(windows, monkeypatch):
    runtime = FusionRuntime.from_checkpoint(None, "cpu")

    def refuse(*args, **kwargs):
        raise RuntimeError("operator not supported")

    monkeypatch.setattr(onnx_pass.torch.onnx, "export", refuse)
    eager = FusionRuntime.from_checkpoint(None, "cpu", cpu_onnx=False).fuse(windows[:1])
    (record,) = runtime.fuse(windows[:1])
    assert not runtime.use_onnx and "operator not supported" in runtime.onnx_error
    assert runtime.exported_passes == []
    np.testing.assert_array_equal(record.fused, eager[0].fused)


def test_real_steps_first_is_a_stable_sort_of_the_padding():
    mask = torch.rand(5, 37, generator=torch.Generator().manual_seed(0)) > 0.4
    expected = torch.argsort((~mask).to(torch.int8), dim=1, stable=True)
    assert torch.equal(real_steps_first(mask), expected)
