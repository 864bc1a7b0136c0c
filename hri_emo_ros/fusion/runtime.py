# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Run the fusion encoder and its emotion decoders on plain records (what the nodes call).

`FusionRuntime.fuse(windows)` -> FusedSequenceData per person (one batched forward pass);
`FusionRuntime.process(windows)` -> fused sequence + EmotionStateData (+ ExplanationData)
per person without leaving the device; `DecoderRuntime.decode(fused)` (decoder_runtime.py)
does the decoding half from FusedSequence messages in another node. On CUDA, passes
without explanations replay CUDA graphs (graphs.py) unless `cuda_graphs=False`; on CPU
they run an ONNX export of the same pass in onnxruntime (onnx_pass.py) unless
`cpu_onnx=False`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from hri_emo_ros.common.device import resolve_device
from hri_emo_ros.common.model_files import default_model_path
from hri_emo_ros.fusion.batching import FusionBatch, collate_steps
from hri_emo_ros.fusion.checkpoint import FusionModels, load_checkpoint
from hri_emo_ros.fusion.decoder import EmotionDecoder
from hri_emo_ros.fusion.decoder_runtime import DecoderRuntime, to_host
from hri_emo_ros.fusion.encoder import FusionEncoder
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.explain import alignment_maps, pairwise_row_normalised
from hri_emo_ros.fusion.feature_space import require_live
from hri_emo_ros.fusion.graphs import GraphedPass, bucket
from hri_emo_ros.fusion.onnx_pass import OnnxPass, OnnxUnavailable
from hri_emo_ros.fusion.records import (
    EmotionStateData,
    ExplanationData,
    FusedSequenceData,
    FusionWindow,
    step_label,
)
from hri_emo_ros.fusion.validation import check_modality_steps

LOG = logging.getLogger(__name__)
DEFAULT_MAX_STEPS = {"audio": 16, "text": 32, "video": 32}
CHECKPOINT_NAME = "fusion_bootstrap.pt"
MAX_GRAPH_BATCH = 64
FUSED_KEYS = ("fused", "times", "gate", "present", "quality", "aligned", "counts")
DECODED_KEYS = ("scores", "valence_arousal", "confidence")


@dataclass
class PersonResult:
    fused: FusedSequenceData
    emotion: EmotionStateData
    explanation: ExplanationData | None


def device_pass(encoder: FusionEncoder, decoder: EmotionDecoder | None,
                batch: FusionBatch) -> dict[str, torch.Tensor]:
    """Everything done on the device: encode, pack real steps first, normalise the
    alignment maps and (optionally) decode. Shape-static, so it can be graph-captured."""
    out = encoder(batch)
    order = real_steps_first(out.token_mask)
    kinds = out.token_modality.expand_as(out.token_mask)
    result = {
        "fused": torch.gather(out.fused, 1, order.unsqueeze(-1).expand_as(out.fused)),
        "mask": torch.gather(out.token_mask, 1, order),
        "kinds": torch.gather(kinds, 1, order),
        "times": torch.gather(out.token_times, 1, order),
        "gate": out.gate, "gate_mean": out.gate_mean, "present": out.present,
        "quality": out.modality_quality,
        "aligned": pairwise_row_normalised(out.cross_weights, out.token_modality,
                                           out.present.shape[1]),
        "counts": torch.stack([batch.mask[m].sum(dim=1) for m in encoder.config.modalities],
                              dim=1),
    }
    if decoder is not None:
        decoded = decoder(*decoder_inputs(result))
        result["scores"] = decoded.scores
        result["valence_arousal"] = decoded.valence_arousal
        result["confidence"] = decoder.calibrated_confidence(decoded.confidence_logit)
    return result


def real_steps_first(mask: torch.Tensor) -> torch.Tensor:
    """(B, N) indices that put the real steps first, each group in its original order: a
    stable sort of the padding flags, spelt with unique keys so that ONNX can export it."""
    n = mask.shape[1]
    keys = (~mask).to(torch.int64) * n + torch.arange(n, device=mask.device)
    return torch.argsort(keys, dim=1)


def decoder_inputs(result: dict[str, torch.Tensor]) -> tuple[torch.Tensor, ...]:
    return (result["fused"], result["mask"], result["kinds"], result["present"],
            result["quality"], result["gate_mean"])


class FusionRuntime:
    """The encoder and its decoders, on one device, fed with FusionWindow records."""

    def __init__(self, models: FusionModels, device: str = "auto",
                 max_steps: Mapping[str, int] | None = None, cuda_graphs: bool = True,
                 cpu_onnx: bool = True) -> None:
        require_live(models.feature_spec, str(models.path or "this fusion checkpoint"))
        self.device = resolve_device(device)
        self.encoder: FusionEncoder = models.encoder.to(self.device).eval()
        self.model_id = models.encoder_id
        self.modalities = list(self.encoder.config.modalities)
        self.max_steps = dict(DEFAULT_MAX_STEPS if max_steps is None else max_steps)
        self.decoders = {
            name: DecoderRuntime(d, models.decoder_ids[name], models.encoder_id, self.device)
            for name, d in models.decoders.items()
        }
        self.metadata = models.metadata
        self.use_graphs = cuda_graphs and self.device.type == "cuda"
        self.graph_error: str | None = None
        self._graphs: dict[tuple[str | None, int], GraphedPass] = {}
        self.use_onnx = cpu_onnx and self.device.type == "cpu"
        self.onnx_error: str | None = None
        self._onnx: dict[tuple[str | None, int], OnnxPass] = {}

    @classmethod
    def from_checkpoint(cls, path: str | Path | None = None, device: str = "auto",
                        max_steps: Mapping[str, int] | None = None,
                        cuda_graphs: bool = True, cpu_onnx: bool = True) -> FusionRuntime:
        """Load `path`, or the shipped models/fusion_bootstrap.pt when None."""
        path = default_model_path(CHECKPOINT_NAME) if path is None else Path(path)
        return cls(load_checkpoint(path), device, max_steps, cuda_graphs, cpu_onnx)

    @property
    def captured_graphs(self) -> list[tuple[str | None, int]]:
        """(decoder, batch size) of each CUDA graph captured so far."""
        return list(self._graphs)

    def _checked(self, windows: Sequence[FusionWindow]) -> list[Mapping]:
        checked = []
        for window in windows:
            if not window.modalities:
                raise InvalidInput("no_features", f"person '{window.person_id}' has no "
                                   f"fresh features")
            for name, steps in window.modalities.items():
                if name != steps.modality:
                    raise InvalidInput("unknown_modality", f"'{steps.modality}' steps filed "
                                       f"under '{name}' for '{window.person_id}'")
            checked.append(window.modalities if window.checked else {
                name: check_modality_steps(steps, window.stamp)
                for name, steps in window.modalities.items()})
        return checked

    @property
    def exported_passes(self) -> list[tuple[str | None, int]]:
        """(decoder, batch size) of each pass exported to onnxruntime so far."""
        return list(self._onnx)

    def export(self, decoder: str | None = None, batch_size: int = 1) -> OnnxPass | None:
        """The onnxruntime pass for `decoder` (None: fusion only) and up to `batch_size`
        people, exported now if not yet (about 0.5 s); None when it cannot be used, which
        leaves this runtime in eager torch with the reason in `onnx_error`."""
        if not self.use_onnx or batch_size > MAX_GRAPH_BATCH:
            return None
        key = (decoder, bucket(batch_size))
        if key not in self._onnx:
            module = None if decoder is None else self.decoders[decoder].decoder
            try:
                self._onnx[key] = OnnxPass(
                    lambda b: device_pass(self.encoder, module, b),
                    [self.encoder] if module is None else [self.encoder, module], key[1],
                    self.max_steps, torch.get_num_threads())
            except OnnxUnavailable as error:
                LOG.warning("fusion runs in eager torch: %s", error)
                self.use_onnx, self.onnx_error = False, str(error)
                return None
        return self._onnx[key]

    def _run(self, windows: Sequence[FusionWindow], decoder: str | None, graphs: bool):
        """(batch, device outputs) for `windows`, through a CUDA graph or onnxruntime when
        possible (`graphs`: no gradients needed afterwards)."""
        items, stamps = self._checked(windows), [w.stamp for w in windows]
        module = None if decoder is None else self.decoders[decoder].decoder
        exported = self.export(decoder, len(windows)) if graphs else None
        if exported is not None:
            return exported(items, stamps)
        if graphs and self.use_graphs and len(windows) <= MAX_GRAPH_BATCH:
            key = (decoder, bucket(len(windows)))
            try:
                if key not in self._graphs:
                    self._graphs[key] = GraphedPass(
                        lambda b: device_pass(self.encoder, module, b), key[1],
                        self.max_steps, self.device)
                return self._graphs[key](items, stamps)
            except RuntimeError as error:  # capture unsupported here: stay eager
                self.use_graphs, self.graph_error = False, str(error)
        batch = collate_steps(items, stamps, self.max_steps).to(self.device)
        with torch.inference_mode():
            return batch, device_pass(self.encoder, module, batch)

    def _records(self, windows: Sequence[FusionWindow], batch: FusionBatch,
                 host: dict[str, np.ndarray]) -> list[FusedSequenceData]:
        widths = [batch.mask[m].shape[1] for m in self.modalities]
        starts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(int)
        records = []
        for b, window in enumerate(windows):
            labels, by_modality = self._step_labels(window)
            counts = host["counts"][b].astype(int)
            steps = int(counts.sum())
            if len(labels) != steps:
                raise RuntimeError(f"{len(labels)} step labels for {steps} fused steps")
            kinds = [m for m in self.modalities for _ in by_modality.get(m, [])]
            gate = host["gate"][b]
            records.append(FusedSequenceData(
                window.person_id, window.stamp, self.model_id, host["fused"][b, :steps],
                host["times"][b, :steps].astype(np.float64) + window.stamp, labels, kinds,
                list(self.modalities), [bool(p) for p in host["present"][b]], gate.mean(-1),
                gate, host["quality"][b],
                alignment_maps(host["aligned"][b], starts, counts, by_modality,
                               self.modalities)))
        return records

    def _step_labels(self, window: FusionWindow) -> tuple[list[str], dict[str, list[str]]]:
        """Labels of the real steps in the encoder's token order, and per modality."""
        start = min(float(s.step_times[0]) for s in window.modalities.values())
        labels: list[str] = []
        by_modality: dict[str, list[str]] = {}
        for modality in self.modalities:
            steps = window.modalities.get(modality)
            if steps is None:
                continue
            count = min(steps.steps, self.max_steps.get(modality, steps.steps))
            words = steps.step_labels[-count:] if steps.step_labels else [None] * count
            offsets = (steps.step_times[-count:] - start).tolist()
            names = [step_label(modality, t, w) for t, w in zip(offsets, words, strict=True)]
            by_modality[modality] = names
            labels.extend(names)
        return labels, by_modality

    def fuse(self, windows: Sequence[FusionWindow]) -> list[FusedSequenceData]:
        batch, out = self._run(windows, None, graphs=True)
        host = dict(zip(FUSED_KEYS, to_host(*(out[k] for k in FUSED_KEYS)), strict=True))
        return self._records(windows, batch, host)

    def process(self, windows: Sequence[FusionWindow], decoder: str = "emotion",
                explain: bool = False) -> list[PersonResult]:
        if decoder not in self.decoders:
            raise KeyError(f"no decoder '{decoder}'; have {sorted(self.decoders)}")
        runtime = self.decoders[decoder]
        batch, out = self._run(windows, decoder, graphs=not explain)
        keys = FUSED_KEYS + DECODED_KEYS
        host = dict(zip(keys, to_host(*(out[k] for k in keys)), strict=True))
        records = self._records(windows, batch, host)
        attribution = runtime.attribute(*decoder_inputs(out)) if explain else None
        decoded = runtime.results(records, host["scores"], host["valence_arousal"],
                                  host["confidence"], attribution)
        return [PersonResult(r, s, e) for r, (s, e) in zip(records, decoded, strict=True)]
