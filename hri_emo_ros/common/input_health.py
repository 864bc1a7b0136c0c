# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Book-keeping of a node's inputs: rates, drops by reason, latency; nothing ROS-specific.

Nodes call `accepted(stream)` / `dropped(stream, reason, detail)` / `latency(stage, seconds)`
and publish `snapshot()` as diagnostics. `dropped` returns True when the caller should log
(first time a reason is seen, then at most once per `log_every_s` for that reason), so a
flood of bad messages produces a handful of log lines, not one per message.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np


@dataclass
class StreamHealth:
    accepted: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    arrivals: deque = field(default_factory=lambda: deque(maxlen=256))


class InputHealth:
    """Counts accepted and dropped inputs per stream and keeps recent latencies per stage."""

    def __init__(self, log_every_s: float = 10.0, latency_window: int = 512,
                 clock=time.monotonic):
        self.log_every_s = log_every_s
        self._clock = clock
        self._streams: dict[str, StreamHealth] = defaultdict(StreamHealth)
        self._latencies: dict[str, deque] = defaultdict(lambda: deque(maxlen=latency_window))
        self._last_logged: dict[tuple[str, str], float] = {}
        self.last_detail: dict[tuple[str, str], str] = {}

    def accepted(self, stream: str) -> None:
        health = self._streams[stream]
        health.accepted += 1
        health.arrivals.append(self._clock())

    def dropped(self, stream: str, reason: str, detail: str = "") -> bool:
        """Count a dropped input; return True when this drop should be logged."""
        self._streams[stream].dropped[reason] += 1
        self.last_detail[(stream, reason)] = detail
        return self._should_log((stream, reason))

    def noted(self, stream: str, kind: str) -> bool:
        """Count an accepted input with a problem (e.g. clipped audio); True: log it."""
        self._streams[stream].notes[kind] += 1
        return self._should_log((stream, "note:" + kind))

    def _should_log(self, key: tuple[str, str]) -> bool:
        now = self._clock()
        last = self._last_logged.get(key)
        if last is None or now - last >= self.log_every_s:
            self._last_logged[key] = now
            return True
        return False

    def drop_count(self, stream: str, reason: str | None = None) -> int:
        drops = self._streams[stream].dropped
        return sum(drops.values()) if reason is None else drops.get(reason, 0)

    def latency(self, stage: str, seconds: float) -> None:
        if np.isfinite(seconds):
            self._latencies[stage].append(seconds)

    def rate_hz(self, stream: str) -> float:
        arrivals = self._streams[stream].arrivals
        if len(arrivals) < 2:
            return 0.0
        span = arrivals[-1] - arrivals[0]
        return (len(arrivals) - 1) / span if span > 0 else 0.0

    def snapshot(self) -> dict[str, str]:
        """Flat key/value summary (diagnostic_msgs KeyValue friendly)."""
        values: dict[str, str] = {}
        for name, health in sorted(self._streams.items()):
            values[f"{name}.accepted"] = str(health.accepted)
            values[f"{name}.rate_hz"] = f"{self.rate_hz(name):.2f}"
            for reason, count in sorted(health.dropped.items()):
                values[f"{name}.dropped.{reason}"] = str(count)
            for kind, count in sorted(health.notes.items()):
                values[f"{name}.noted.{kind}"] = str(count)
        for stage, samples in sorted(self._latencies.items()):
            if samples:
                p50, p99 = np.percentile(np.asarray(samples) * 1e3, (50, 99))
                values[f"latency_ms.{stage}.p50"] = f"{p50:.2f}"
                values[f"latency_ms.{stage}.p99"] = f"{p99:.2f}"
        return values

    def total_dropped(self) -> int:
        return sum(sum(h.dropped.values()) for h in self._streams.values())
