# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Run one emotion decoder on fused sequences: `DecoderRuntime.decode(fused)` ->
(EmotionStateData, ExplanationData | None) per person. It needs only what a FusedSequence
message carries, so it can live in another node than the encoder."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from hri_emo_ros.fusion.decoder import EmotionDecoder
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.explain import (
    ATTRIBUTION_METHOD,
    gradient_x_input,
    summary_sentence,
    top_words,
)
from hri_emo_ros.fusion.feature_space import LIVE_FEATURE_SPACE, require_live
from hri_emo_ros.fusion.records import (
    EmotionStateData,
    ExplanationData,
    FusedSequenceData,
    LabelledMatrix,
)


def to_host(*tensors: torch.Tensor) -> list[np.ndarray]:
    """numpy copies of `tensors` with one device-to-host transfer (one sync on a GPU)."""
    if tensors[0].device.type == "cpu":
        return [t.numpy() for t in tensors]
    flat = torch.cat([t.reshape(-1).to(torch.float32) for t in tensors]).cpu().numpy()
    arrays, start = [], 0
    for t in tensors:
        part = flat[start:start + t.numel()].reshape(tuple(t.shape))
        arrays.append(part.astype(bool) if t.dtype == torch.bool else part)
        start += t.numel()
    return arrays


class DecoderRuntime:
    """One emotion decoder; reads fused sequences of the encoder it was trained with."""

    def __init__(self, decoder: EmotionDecoder, model_id: str, encoder_id: str,
                 device: torch.device) -> None:
        space = decoder.config.feature_space
        if space != LIVE_FEATURE_SPACE:
            require_live({"name": space}, f"emotion decoder {model_id}")
        self.decoder = decoder.to(device).eval()
        self.model_id = model_id
        self.encoder_id = encoder_id
        self.device = device
        self.labels = list(decoder.config.emotions)
        self.modalities = list(decoder.config.modalities)

    def _check(self, item: FusedSequenceData) -> None:
        who = f"fused sequence of '{item.person_id}'"
        if item.model_id != self.encoder_id:
            raise InvalidInput("model_mismatch", f"{who} comes from encoder {item.model_id}, "
                               f"this decoder needs {self.encoder_id}")
        if item.steps == 0 or not any(item.present):
            raise InvalidInput("no_features", f"{who} is empty")
        if item.width != self.decoder.config.width:
            raise InvalidInput("wrong_dimension", f"{who}: width {item.width}, decoder "
                               f"expects {self.decoder.config.width}")
        if len(item.step_modalities) != item.steps or len(item.present) != len(self.modalities):
            raise InvalidInput("shape_mismatch", f"{who}: {item.steps} steps, "
                               f"{len(item.step_modalities)} step modalities, "
                               f"{len(item.present)} modalities")
        if not np.isfinite(item.fused).all():
            raise InvalidInput("nan_values", f"{who} holds non-finite values")

    def decode(self, fused: Sequence[FusedSequenceData], explain: bool = True
               ) -> list[tuple[EmotionStateData, ExplanationData | None]]:
        inputs = self._inputs(fused)
        scores, va, confidence = self._predict(inputs)
        attribution = self.attribute(*inputs) if explain else None
        return self.results(fused, scores, va, confidence, attribution)

    def decode_staged(self, fused: Sequence[FusedSequenceData]
                      ) -> tuple[list[EmotionStateData], Callable[[], list[ExplanationData]]]:
        """The states now, and a call that computes their explanations afterwards (a node
        publishes the states first, so the attribution's backward pass adds no latency)."""
        inputs = self._inputs(fused)
        scores, va, confidence = self._predict(inputs)
        states = [state for state, _ in self.results(fused, scores, va, confidence, None)]

        def explain() -> list[ExplanationData]:
            attribution = self.attribute(*inputs)
            return [explanation for _, explanation in
                    self.results(fused, scores, va, confidence, attribution)]

        return states, explain

    def _inputs(self, fused: Sequence[FusedSequenceData]) -> tuple[torch.Tensor, ...]:
        for item in fused:
            self._check(item)
        b, n = len(fused), max(item.steps for item in fused)
        tensor = np.zeros((b, n, fused[0].width), dtype=np.float32)
        mask = np.zeros((b, n), dtype=bool)
        kinds = np.zeros((b, n), dtype=np.int64)
        index = {m: i for i, m in enumerate(self.modalities)}
        for i, item in enumerate(fused):
            tensor[i, :item.steps] = item.fused
            mask[i, :item.steps] = True
            kinds[i, :item.steps] = [index[m] for m in item.step_modalities]

        def stack(name: str, dtype) -> torch.Tensor:
            values = np.stack([np.asarray(getattr(item, name), dtype=dtype) for item in fused])
            return torch.from_numpy(values).to(self.device)

        return (torch.from_numpy(tensor).to(self.device),
                torch.from_numpy(mask).to(self.device),
                torch.from_numpy(kinds).to(self.device), stack("present", bool),
                stack("modality_quality", np.float32), stack("gate_mean", np.float32))

    def _predict(self, inputs: tuple[torch.Tensor, ...]) -> list[np.ndarray]:
        with torch.inference_mode():
            out = self.decoder(*inputs)
            confidence = self.decoder.calibrated_confidence(out.confidence_logit)
        return to_host(out.scores, out.valence_arousal, confidence)

    def attribute(self, *inputs: torch.Tensor) -> np.ndarray:
        """Gradient x input attribution (B, E, N) for the decoder's inputs."""
        return gradient_x_input(self.decoder, *inputs).cpu().numpy()

    def results(self, fused: Sequence[FusedSequenceData], scores: np.ndarray, va: np.ndarray,
                confidence: np.ndarray, attribution: np.ndarray | None
                ) -> list[tuple[EmotionStateData, ExplanationData | None]]:
        """Records from the decoder's outputs (host arrays, one row per person)."""
        results = []
        for i, item in enumerate(fused):
            dominant = int(np.argmax(scores[i]))
            used = [m for m, p in zip(item.modalities, item.present, strict=True) if p]
            weights = np.asarray(item.gate_mean, dtype=np.float32)[np.asarray(item.present)]
            state = EmotionStateData(
                item.person_id, item.stamp, list(self.labels), scores[i].astype(np.float32),
                self.labels[dominant], float(va[i, 0]), float(va[i, 1]), float(confidence[i]),
                used, weights, self.model_id,
            )
            explanation = None
            if attribution is not None:
                rows = attribution[i, :, :item.steps].astype(np.float32)
                words = top_words(rows[dominant], item.step_modalities, item.step_labels)
                explanation = ExplanationData(
                    item.person_id, item.stamp, list(item.modalities),
                    np.asarray(item.gate_mean, dtype=np.float32),
                    LabelledMatrix("gate_per_dim", np.asarray(item.gate_per_dim, np.float32),
                                   list(item.modalities), []),
                    item.alignments,
                    LabelledMatrix("attribution", rows, list(self.labels),
                                   list(item.step_labels)),
                    ATTRIBUTION_METHOD, words,
                    summary_sentence(self.labels[dominant], float(scores[i, dominant]), used,
                                     weights, words),
                )
            results.append((state, explanation))
        return results
