# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Why the decoder said what it said: attribution, alignment maps and a readable sentence.

Attribution is gradient x input on the fused sequence (the decoder's input): for emotion e
and fused step i, a[e, i] = |sum_j f[i, j] * d logit_e / d f[i, j]|, normalised to sum to 1
over the real steps. Fused steps are one per input step (audio step, word, video frame), so
this is directly an attribution over time steps and words. All emotions are attributed in
one backward pass by replicating the batch once per emotion.

Alignment maps are the encoder's last cross-modal attention (head-averaged) restricted to
one ordered pair of present modalities (rows: steps of the first, columns: steps of the
second), each row renormalised to sum to 1 over the second modality.
"""

from __future__ import annotations

import numpy as np
import torch

from hri_emo_ros.fusion.decoder import EmotionDecoder
from hri_emo_ros.fusion.records import LabelledMatrix

ATTRIBUTION_METHOD = "gradient_x_input"
DISPLAY_NAMES = {"video": "face", "audio": "voice", "text": "words"}
TOP_WORDS = 3


def gradient_x_input(
    decoder: EmotionDecoder,
    fused: torch.Tensor,
    token_mask: torch.Tensor,
    token_modality: torch.Tensor,
    present: torch.Tensor,
    modality_quality: torch.Tensor,
    gate_mean: torch.Tensor,
) -> torch.Tensor:
    """(B, E, N) attributions, rows summing to 1 over real steps (0 at padding)."""
    b, n, w = fused.shape
    e = decoder.queries.shape[0]

    def repeat(t: torch.Tensor) -> torch.Tensor:
        return t.unsqueeze(1).expand(b, e, *t.shape[1:]).reshape(b * e, *t.shape[1:])

    with torch.enable_grad():
        inputs = fused.detach().unsqueeze(1).expand(b, e, n, w).clone().requires_grad_(True)
        out = decoder(inputs.reshape(b * e, n, w), repeat(token_mask), repeat(token_modality),
                      repeat(present), repeat(modality_quality), repeat(gate_mean),
                      full_gradient=True)
        logits = out.score_logits.view(b, e, e)
        chosen = torch.diagonal(logits, dim1=1, dim2=2).sum()
        (grad,) = torch.autograd.grad(chosen, inputs)
    relevance = (grad * inputs.detach()).sum(-1).abs() * token_mask.unsqueeze(1)
    total = relevance.sum(-1, keepdim=True)
    uniform = token_mask.unsqueeze(1).to(relevance.dtype) / token_mask.sum(-1).view(b, 1, 1)
    return torch.where(total > 0, relevance / total.clamp(min=1e-12), uniform)


def pairwise_row_normalised(cross: torch.Tensor, token_modality: torch.Tensor,
                            modalities: int) -> torch.Tensor:
    """(B, N, N) cross-attention with each row renormalised within each key modality."""
    one_hot = torch.nn.functional.one_hot(token_modality, modalities).to(cross.dtype)
    mass = torch.matmul(cross, one_hot)                        # (B, N, M)
    return cross / mass[:, :, token_modality].clamp(min=1e-12)


def alignment_maps(aligned: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                   labels: dict[str, list[str]], modalities: list[str]) -> list[LabelledMatrix]:
    """Maps "a->b" for every ordered pair of present modalities of one person.

    `aligned` is that person's pairwise-normalised (N, N) matrix in the padded token layout,
    where modality i's real steps occupy rows starts[i] .. starts[i] + counts[i].
    """
    present = [i for i, name in enumerate(modalities) if counts[i] > 0]
    maps = []
    for a in present:
        rows = slice(starts[a], starts[a] + counts[a])
        for b in present:
            if a == b:
                continue
            block = aligned[rows, starts[b]:starts[b] + counts[b]].astype(np.float32)
            maps.append(LabelledMatrix(f"{modalities[a]}->{modalities[b]}", block,
                                       labels[modalities[a]], labels[modalities[b]]))
    return maps


def top_words(attribution_row: np.ndarray, step_modalities: list[str],
              step_labels: list[str], count: int = TOP_WORDS) -> list[str]:
    """Words with the largest attribution, most important first, each word once."""
    order = np.argsort(-attribution_row, kind="stable")
    words: list[str] = []
    for i in order:
        if step_modalities[i] == "text" and step_labels[i] not in words:
            words.append(step_labels[i])
        if len(words) == count:
            break
    return words


def summary_sentence(dominant: str, score: float, modalities: list[str],
                     weights: np.ndarray, words: list[str]) -> str:
    """E.g. 'happy 0.82 — mostly face (0.61); words: "great", "thanks"'."""
    if len(modalities) == 0:
        return f"{dominant} {score:.2f} — no modality contributed"
    best = int(np.argmax(weights))
    name = DISPLAY_NAMES.get(modalities[best], modalities[best])
    if len(modalities) == 1:
        text = f"{dominant} {score:.2f} — {name} only"
    else:
        text = f"{dominant} {score:.2f} — mostly {name} ({float(weights[best]):.2f})"
    if words:
        text += "; words: " + ", ".join(f'"{w}"' for w in words)
    return text
