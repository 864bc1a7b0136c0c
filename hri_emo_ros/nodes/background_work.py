# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The heavy part of a callback on a worker thread, its result handled on the executor's.

Nodes that share a process (`hri-emo run`) share one executor thread, so a callback that
runs a model for tens of milliseconds holds up every other node: in the one-process graph
the text model (about 25 ms a transcript) was the largest cause of late EmotionStates.
`BackgroundWork` runs such work on one worker thread (torch releases the GIL while it
computes) and hands each result back through a guard condition. Publishing, health counts
and error reports therefore stay on the executor thread, in the order the work came in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from hri_emo_ros.nodes.conversions import InvalidMessage
from hri_emo_ros.nodes.managed_node import ManagedNode

DEFAULT_MAX_PENDING = 32


class BackgroundWork:
    """With `inline`, `submit` runs the work and its follow-up at once, on the calling
    thread (what a deterministic replay needs); no thread is started."""

    def __init__(self, node: ManagedNode, max_pending: int = DEFAULT_MAX_PENDING,
                 inline: bool = False) -> None:
        self._node = node
        self._max_pending = max_pending
        self._pending = 0
        self._done: deque[tuple[str, Future, Callable[[Any], None]]] = deque()
        self._pool: ThreadPoolExecutor | None = None
        self._wake = None
        if not inline:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"{node.get_name()}_work")
            self._wake = node.create_guard_condition(self._finish)

    def submit(self, stream: str, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run `work()` on the worker thread, then `then(result)` on the executor thread.
        A failure of either is reported on `stream` like a failed input callback (inline:
        it propagates to the calling callback, which reports it)."""
        if self._pool is None:
            then(work())
            return
        if self._pending >= self._max_pending:
            raise InvalidMessage("backlog", f"{self._pending} inputs are still being "
                                 "processed; this one is dropped")
        self._pending += 1
        future = self._pool.submit(work)
        future.add_done_callback(lambda done: self._handed_back(stream, done, then))

    def _handed_back(self, stream: str, done: Future, then: Callable[[Any], None]) -> None:
        self._done.append((stream, done, then))
        self._wake.trigger()

    def _finish(self) -> None:
        while self._done:
            stream, done, then = self._done.popleft()
            self._pending -= 1
            try:
                then(done.result())
            except Exception as err:  # noqa: BLE001 - reported like an input callback's
                self._node.report_failure(stream, err)

    def close(self) -> None:
        """Drop the work not started yet, wait for the running one, release the thread."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._node.destroy_guard_condition(self._wake)
