# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Bag replay evaluation: which recorded topics feed the graph, and how its outputs score."""
