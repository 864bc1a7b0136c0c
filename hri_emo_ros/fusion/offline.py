# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The live graph's fusion and decoder stages run over a recorded message stream.

`OfflineFusion(runtime, schedule).run(arrivals)` feeds the messages, in arrival order, to
the fusion node's scheduler (fusion/scheduler.py: data-driven time, freshness, windows,
anonymous voice/text to the single visible face), fuses the due persons in one pass of
`FusionRuntime.fuse` and decodes each fused sequence on its own with the checkpoint's
`DecoderRuntime.decode`, as the fusion and decoder nodes do. It yields one `WindowResult`
per fused window. Messages the synchroniser refuses are dropped and counted by reason in
`refused`, as the fusion node drops them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.media_streams import Arrival
from hri_emo_ros.fusion.records import EmotionStateData, ExplanationData, FusedSequenceData
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.scheduler import FusionSchedule, FusionScheduler


@dataclass
class WindowResult:
    start: float                    # now - window [s], not before the media start
    end: float                      # the fusion time `now` [s]
    fused: FusedSequenceData
    emotion: EmotionStateData
    explanation: ExplanationData | None


class OfflineFusion:
    def __init__(self, runtime: FusionRuntime, schedule: FusionSchedule,
                 decoder: str = "emotion", explain: bool = True) -> None:
        if decoder not in runtime.decoders:
            raise InvalidInput("bad_parameter", f"the checkpoint has no decoder '{decoder}' "
                               f"(it has {sorted(runtime.decoders)})")
        self.runtime = runtime
        self.decoder = runtime.decoders[decoder]
        self.schedule = schedule
        self.explain = explain
        self.refused: Counter[str] = Counter()

    def run(self, arrivals: Iterable[Arrival]) -> Iterator[WindowResult]:
        scheduler = FusionScheduler(self.schedule, self.runtime.max_steps)
        for arrival in arrivals:
            try:
                scheduler.add(arrival.steps)
            except InvalidInput as error:
                self.refused[error.reason] += 1
                continue
            windows, _ = scheduler.due()
            if not windows:
                continue
            start = max(0.0, scheduler.now - self.schedule.window)
            for record in self.runtime.fuse(windows):
                scheduler.fused(record.person_id)
                ((state, explanation),) = self.decoder.decode([record], explain=self.explain)
                yield WindowResult(start, scheduler.now, record, state, explanation)
