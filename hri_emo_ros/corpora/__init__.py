# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Public emotion corpora behind the fusion trainer's dataset interface (one module each)."""
