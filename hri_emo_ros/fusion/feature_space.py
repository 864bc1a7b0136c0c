# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Which feature space a model reads: the live perception features, or a corpus's own.

The live graph (face, voice and text nodes) produces the FEATURE_NAMES spaces of
common/feature_spec.py; a model trained on them is described by `live_feature_spec()`, the
same fingerprint every checkpoint has carried. A corpus that ships precomputed features
(CMU-MOSEI's COVAREP/FACET/GloVe, MMSA's BERT, ...) trains the same model through per-modality
projections of its own widths; its checkpoint records `corpus_feature_spec(...)`, which
names the space, and the live runtimes refuse it with `require_live`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from hri_emo_ros.common.feature_spec import FEATURE_DIMS, FEATURE_NAMES, MODALITIES
from hri_emo_ros.fusion.errors import InvalidInput

LIVE_FEATURE_SPACE = "hri_emo perception"
RAW_CORPORA = "iemocap, cremad, ravdess or bootstrap"


def _names_digest(names: Mapping[str, Sequence[str]]) -> str:
    payload = json.dumps({m: list(names[m]) for m in MODALITIES}).encode()
    return hashlib.sha256(payload).hexdigest()


def live_feature_spec() -> dict:
    """The fingerprint of the live perception features (unchanged checkpoint format)."""
    return {
        "modalities": list(MODALITIES),
        "feature_dims": dict(FEATURE_DIMS),
        "feature_names_sha256": _names_digest(FEATURE_NAMES),
    }


def corpus_feature_spec(space: str, dims: Mapping[str, int],
                        names: Mapping[str, Sequence[str]] | None = None) -> dict:
    """The spec of a corpus's precomputed features; `space` says what they are, e.g.
    "CMU-MOSEI COVAREP/FACET 4.2/GloVe"."""
    missing = [m for m in MODALITIES if m not in dims]
    if missing:
        raise ValueError(f"feature space '{space}' gives no width for {missing}; every "
                         f"modality of {MODALITIES} needs one (absent ones are masked)")
    digest = None
    if names is not None and all(len(names.get(m, ())) == dims[m] for m in MODALITIES):
        digest = _names_digest(names)
    return {"name": space, "modalities": list(MODALITIES),
            "feature_dims": {m: int(dims[m]) for m in MODALITIES},
            "feature_names_sha256": digest}


def is_live(spec: Mapping | None) -> bool:
    return spec is not None and dict(spec) == live_feature_spec()


def space_name(spec: Mapping | None) -> str:
    if is_live(spec):
        return LIVE_FEATURE_SPACE
    if spec and spec.get("name"):
        return str(spec["name"])
    return "an older hri_emo feature contract"


def require_live(spec: Mapping | None, where: str) -> None:
    """Refuse to run `where` (a checkpoint path or a decoder) on live perception features
    when it was trained on another feature space."""
    if is_live(spec):
        return
    raise InvalidInput(
        "feature_space", f"{where} was trained on {space_name(spec)} features; the live graph "
        f"produces {LIVE_FEATURE_SPACE} features (common/feature_spec.py); retrain with a "
        f"raw-corpus adapter (hri-emo train fusion --dataset {RAW_CORPORA})")
