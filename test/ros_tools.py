# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Helpers for tests that talk to real nodes over DDS: waiting for matching, spinning until."""

from __future__ import annotations

import time
from collections.abc import Callable

from rclpy.executors import SingleThreadedExecutor


def spin_until(executor: SingleThreadedExecutor, done: Callable[[], bool],
               timeout: float = 20.0) -> bool:
    """Spin until `done()` is true or the timeout passes; return whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        executor.spin_once(timeout_sec=0.05)
    return done()


def wait_for_match(executor: SingleThreadedExecutor, publishers=(), subscriptions=(),
                   timeout: float = 20.0) -> None:
    """Block until every publisher has a subscriber and every subscription a publisher."""
    ok = spin_until(
        executor,
        lambda: all(p.get_subscription_count() > 0 for p in publishers)
        and all(s.get_publisher_count() > 0 for s in subscriptions),
        timeout,
    )
    if not ok:
        raise TimeoutError(f"DDS endpoints did not match within {timeout:.0f} s")


def call(executor: SingleThreadedExecutor, client, request, timeout: float = 20.0):
    """Call a service once it is ready and return its response (AssertionError on timeout)."""
    assert spin_until(executor, client.service_is_ready, timeout), "service never came up"
    future = client.call_async(request)
    assert spin_until(executor, future.done, timeout), "service did not answer"
    return future.result()
