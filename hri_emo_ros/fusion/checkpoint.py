# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One checkpoint file, separate sections for the encoder and for each decoder.

    {"format": "hri_emo.fusion/1",
     "feature_spec": {modalities, feature_dims, feature_names_sha256} (+ "name" when the
                     model reads a corpus's own features: feature_space.py),
     "encoder": {"config", "state_dict", "model_id"},
     "decoders": {name: {"config", "state_dict", "model_id", "encoder_id"}},
     "metadata": {...free-form: training config, metrics...}}

Ids are content hashes of the weights, so a decoder can refuse a fused sequence made by an
encoder it was not trained with. Only tensors and plain data are stored, so the file loads
with `torch.load(weights_only=True)`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from hri_emo_ros.fusion.decoder import DecoderConfig, EmotionDecoder
from hri_emo_ros.fusion.encoder import EncoderConfig, FusionEncoder
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.feature_space import is_live, live_feature_spec

FORMAT = "hri_emo.fusion/1"
feature_spec_fingerprint = live_feature_spec  # the name older callers know


def weights_id(prefix: str, module: torch.nn.Module) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return f"{prefix}-{digest.hexdigest()[:12]}"


@dataclass
class FusionModels:
    encoder: FusionEncoder
    decoders: dict[str, EmotionDecoder]
    encoder_id: str
    decoder_ids: dict[str, str]
    metadata: dict = field(default_factory=dict)
    feature_spec: dict = field(default_factory=live_feature_spec)
    path: Path | None = None        # where it was loaded from, for messages


def _cpu_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}


def checkpoint_dict(
    encoder: FusionEncoder, decoders: dict[str, EmotionDecoder], metadata: dict | None = None,
    feature_spec: dict | None = None,
) -> dict:
    """`feature_spec`: what the encoder reads (None = the live perception features)."""
    encoder_id = weights_id("fusion", encoder)
    return {
        "format": FORMAT,
        "feature_spec": live_feature_spec() if feature_spec is None else feature_spec,
        "encoder": {"config": encoder.config.to_dict(), "state_dict": _cpu_state(encoder),
                    "model_id": encoder_id},
        "decoders": {
            name: {"config": d.config.to_dict(), "state_dict": _cpu_state(d),
                   "model_id": weights_id(name, d), "encoder_id": encoder_id}
            for name, d in decoders.items()
        },
        "metadata": metadata or {},
    }


def save_checkpoint(path: Path, payload: dict) -> None:
    """Write atomically (temporary file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def models_from_dict(payload: dict) -> FusionModels:
    if payload.get("format") != FORMAT:
        raise InvalidInput("bad_checkpoint", f"format {payload.get('format')!r}, expected "
                           f"{FORMAT!r}")
    spec = payload.get("feature_spec") or {}
    if not spec.get("name") and not is_live(spec):
        raise InvalidInput("bad_checkpoint", "checkpoint was trained for another feature "
                           "contract (feature_spec.py changed); retrain it")
    encoder = FusionEncoder(EncoderConfig.from_dict(payload["encoder"]["config"]))
    if dict(encoder.config.feature_dims) != spec.get("feature_dims"):
        raise InvalidInput("bad_checkpoint", f"encoder widths {encoder.config.feature_dims} "
                           f"disagree with the recorded feature spec {spec.get('feature_dims')}")
    encoder.load_state_dict(payload["encoder"]["state_dict"])
    decoders, decoder_ids = {}, {}
    for name, section in payload["decoders"].items():
        decoder = EmotionDecoder(DecoderConfig.from_dict(section["config"]))
        decoder.load_state_dict(section["state_dict"])
        if section["encoder_id"] != payload["encoder"]["model_id"]:
            raise InvalidInput("bad_checkpoint", f"decoder '{name}' belongs to encoder "
                               f"{section['encoder_id']}, not {payload['encoder']['model_id']}")
        decoders[name] = decoder
        decoder_ids[name] = section["model_id"]
    return FusionModels(encoder.eval(), {k: d.eval() for k, d in decoders.items()},
                        payload["encoder"]["model_id"], decoder_ids, payload.get("metadata", {}),
                        dict(spec))


def load_checkpoint(path: Path) -> FusionModels:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"fusion checkpoint {path} does not exist")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several unrelated types for a corrupt file
        raise InvalidInput("bad_checkpoint", f"{path} is not a readable checkpoint: "
                           f"{error}") from error
    models = models_from_dict(payload)
    models.path = path
    return models
