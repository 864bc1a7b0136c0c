# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: isolated ROS 2 domains and localhost-only discovery for every test."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test"))

_domain_ids = itertools.count(int(os.environ.get("ROS_DOMAIN_ID", "17")) % 100)


@pytest.fixture
def ros_domain(monkeypatch) -> int:
    """A ROS domain of its own for this test (inherited by the processes it starts)."""
    domain = next(_domain_ids) % 100 + 1
    monkeypatch.setenv("ROS_DOMAIN_ID", str(domain))
    monkeypatch.setenv("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    return domain


@pytest.fixture
def rclpy_context(ros_domain):
    """An initialised rclpy context in this process, shut down after the test."""
    rclpy = pytest.importorskip("rclpy")
    context = rclpy.context.Context()
    rclpy.init(context=context)
    yield context
    rclpy.try_shutdown(context=context)
