# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""hri_emo: emotional awareness of the people around a robot (ROS 2, PyTorch)."""

__version__ = "0.1.0"
