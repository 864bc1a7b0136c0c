# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Which stages share a process, for the launch file and the graph benchmark.

A placement is "one" (all seven nodes in one executor, as `hri-emo run`), "two" (the
camera's path, face + fusion + decoder, in one process and voice, text, hierarchy and
behaviour in another: on a 2-core CPU mostly the lowest latency tail, in 1.1 GB), "multi" (one
process per node) or an explicit grouping "[NAME=]a+b/c+d" ('/' separates processes, '+'
joins stages). No rclpy here: the launch file imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

STAGE_ORDER = ("face", "voice", "text", "fusion", "decoder", "hierarchy", "behavior")
NAMED_PLACEMENTS = {
    "one": (STAGE_ORDER,),
    "two": (("face", "fusion", "decoder"), ("voice", "text", "hierarchy", "behavior")),
    "multi": tuple((stage,) for stage in STAGE_ORDER),
}


class PlacementError(ValueError):
    """A placement that does not run every stage exactly once."""

    reason = "bad_placement"


@dataclass(frozen=True)
class Placement:
    name: str
    groups: tuple[tuple[str, ...], ...]  # one tuple of stages per process

    def processes_for(self, stages: Iterable[str]) -> list[tuple[str, ...]]:
        """The groups cut down to `stages` (in pipeline order), empty ones left out."""
        wanted = set(stages)
        unknown = sorted(wanted - set(STAGE_ORDER))
        if unknown:
            raise PlacementError(f"unknown stages {unknown}; choose from "
                                 f"{', '.join(STAGE_ORDER)}")
        groups = [tuple(s for s in STAGE_ORDER if s in group and s in wanted)
                  for group in self.groups]
        return [group for group in groups if group]


def parse_placement(text: str, default_name: str = "split") -> Placement:
    """"one", "two", "multi" or "[NAME=]a+b/c+d/..." covering every stage exactly once (an
    unnamed grouping is called `default_name`)."""
    text = text.strip()
    if text in NAMED_PLACEMENTS:
        return Placement(text, NAMED_PLACEMENTS[text])
    name, _, spec = text.rpartition("=")
    name = name.strip() or default_name
    if not name.replace("_", "").replace("-", "").isalnum():
        raise PlacementError(f"placement name {name!r}: use letters, digits, '-' and '_'")
    groups = tuple(tuple(s.strip() for s in group.split("+") if s.strip())
                   for group in spec.split("/"))
    stages = [s for group in groups for s in group]
    unknown = sorted(set(stages) - set(STAGE_ORDER))
    if unknown or not all(groups):
        raise PlacementError(f"placement {text!r}: expected {', '.join(NAMED_PLACEMENTS)} or "
                             f"[NAME=]stages joined by '+', processes separated by '/' "
                             f"(stages: {', '.join(STAGE_ORDER)})")
    missing = [s for s in STAGE_ORDER if s not in stages]
    doubled = sorted({s for s in stages if stages.count(s) > 1})
    if missing or doubled:
        raise PlacementError(f"placement {text!r} must run every stage once (missing: "
                             f"{missing or 'none'}, twice: {doubled or 'none'})")
    return Placement(name, groups)
