# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Where shipped model and config files live, from a source checkout or an installed package."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = "hri_emo_ros"
SOURCE_ROOT = Path(__file__).resolve().parents[2]
SOURCE_MODELS = SOURCE_ROOT / "models"


def models_dir(probe: str | None = None) -> Path:
    """$HRI_EMO_MODELS_DIR, else the source tree's models/ (when it holds `probe`), else the
    installed package's share/hri_emo_ros/models."""
    override = os.environ.get("HRI_EMO_MODELS_DIR")
    if override:
        return Path(override)
    if probe is None or (SOURCE_MODELS / probe).is_file():
        return SOURCE_MODELS
    try:
        from ament_index_python.packages import get_package_share_directory

        return Path(get_package_share_directory(PACKAGE)) / "models"
    except (ImportError, LookupError, ValueError, OSError):
        return SOURCE_MODELS


def default_model_path(name: str) -> Path:
    """Path of a shipped model file; FileNotFoundError naming the places searched."""
    path = models_dir(name) / name
    if not path.is_file():
        raise FileNotFoundError(
            f"model file {name} not found in {path.parent} (set HRI_EMO_MODELS_DIR or pass "
            f"the path explicitly)")
    return path


def config_path(name: str) -> Path:
    """A file of the package's config/ directory (source tree first, then installed share)."""
    source = SOURCE_ROOT / "config" / name
    if source.is_file():
        return source
    try:
        from ament_index_python.packages import get_package_share_directory

        return Path(get_package_share_directory(PACKAGE)) / "config" / name
    except (ImportError, LookupError, ValueError, OSError):
        return source
