# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The text valence head: a small MLP from (MiniLM sentence embedding, VADER compound) to
valence in [-1, 1], trained on human ratings by `train_text_valence`.

The checkpoint is a plain dict (`torch.save`) holding the architecture, the state dict,
the split seed and the metrics, so a loaded head says what it is and how good it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from hri_emo_ros.common.device import resolve_device
from hri_emo_ros.common.feature_spec import TEXT_EMBEDDING_DIM
from hri_emo_ros.common.model_files import models_dir

HEAD_FILE = "text_valence_head.pt"
CHECKPOINT_KIND = "hri_emo/text_valence_head"
CHECKPOINT_VERSION = 1
INPUT_DIM = TEXT_EMBEDDING_DIM + 1  # embedding, then VADER compound


class ValenceHeadMissing(FileNotFoundError):
    """No usable valence head checkpoint."""


@dataclass(frozen=True)
class HeadConfig:
    hidden: int = 64  # 0: a linear head
    dropout: float = 0.1
    # Unit-norm embeddings have components ~ 1/sqrt(384); scale them to ~unit variance.
    embedding_scale: float = float(np.sqrt(TEXT_EMBEDDING_DIM))


class ValenceHead(nn.Module):
    def __init__(self, config: HeadConfig | None = None) -> None:
        super().__init__()
        self.config = config or HeadConfig()
        if self.config.hidden > 0:
            self.net: nn.Module = nn.Sequential(
                nn.Linear(INPUT_DIM, self.config.hidden),
                nn.GELU(),
                nn.Dropout(self.config.dropout),
                nn.Linear(self.config.hidden, 1),
            )
        else:
            self.net = nn.Sequential(nn.Dropout(self.config.dropout), nn.Linear(INPUT_DIM, 1))

    def forward(self, embedding: torch.Tensor, compound: torch.Tensor) -> torch.Tensor:
        """(batch, 384), (batch,) -> valence (batch,) in [-1, 1]."""
        inputs = torch.cat(
            [embedding * self.config.embedding_scale, compound.unsqueeze(-1)], dim=-1
        )
        return torch.tanh(self.net(inputs).squeeze(-1))


def save_head(head: ValenceHead, path: str | Path, extra: dict) -> None:
    torch.save(
        {
            "kind": CHECKPOINT_KIND,
            "version": CHECKPOINT_VERSION,
            "config": asdict(head.config),
            "state_dict": {k: v.detach().cpu() for k, v in head.state_dict().items()},
            **extra,
        },
        path,
    )


def load_head(path: str | Path | None = None, device: str = "auto") -> tuple[ValenceHead, dict]:
    """(head in eval mode, the checkpoint's metadata) from `path` or the shipped file."""
    path = Path(path) if path is not None else models_dir(HEAD_FILE) / HEAD_FILE
    if not path.is_file():
        raise ValenceHeadMissing(
            f"valence head not found at {path}; train it with "
            "`python -m hri_emo_ros.perception.train_text_valence --download`"
        )
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    if checkpoint.get("kind") != CHECKPOINT_KIND or checkpoint.get("version") != CHECKPOINT_VERSION:
        raise ValenceHeadMissing(f"{path} is not a version {CHECKPOINT_VERSION} valence head")
    head = ValenceHead(HeadConfig(**checkpoint["config"]))
    head.load_state_dict(checkpoint["state_dict"])
    head.eval().to(resolve_device(device))
    metadata = {k: v for k, v in checkpoint.items() if k != "state_dict"}
    return head, metadata


@torch.inference_mode()
def predict_valence(
    head: ValenceHead, embeddings: np.ndarray, compounds: np.ndarray
) -> np.ndarray:
    """Valence in [-1, 1] of each row of (n, 384) embeddings with their (n,) compounds."""
    device = next(head.parameters()).device
    emb = torch.as_tensor(np.asarray(embeddings, np.float32), device=device)
    comp = torch.as_tensor(np.asarray(compounds, np.float32), device=device)
    return head(emb.reshape(-1, TEXT_EMBEDDING_DIM), comp.reshape(-1)).cpu().numpy()
