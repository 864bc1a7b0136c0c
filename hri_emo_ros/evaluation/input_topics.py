# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Which topics of a recorded bag feed which input of the graph.

The graph listens on parameters of its perception nodes (`hri_emo_face.compressed_topic`
...). A bag recorded on a robot names its topics as that robot does, so replay maps each
chosen bag topic onto the graph's input for its message type: the player publishes the
recorded bytes under the graph's topic name. Topics are chosen by the user (`--camera`,
`--audio`, `--transcript`) or, when not named, found by type when exactly one topic of a
bag carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hri_emo_ros.bags.reader import TopicInfo
from hri_emo_ros.bags.typestore import normalize_type_name


@dataclass(frozen=True)
class GraphInput:
    role: str           # camera | audio | transcript
    node: str           # node name of the stage that receives it
    parameter: str      # that node's topic parameter
    msgtype: str


# Every input the graph can take, by message type (first match per role is preferred).
GRAPH_INPUTS: tuple[GraphInput, ...] = (
    GraphInput("camera", "hri_emo_face", "compressed_topic", "sensor_msgs/msg/CompressedImage"),
    GraphInput("camera", "hri_emo_face", "image_topic", "sensor_msgs/msg/Image"),
    GraphInput("audio", "hri_emo_voice", "audio_topic", "hri_emo_msgs/msg/AudioFrame"),
    GraphInput("transcript", "hri_emo_text", "transcript_topic", "hri_emo_msgs/msg/Transcript"),
    GraphInput("transcript", "hri_emo_text", "string_topic", "std_msgs/msg/String"),
)
ROLES = ("camera", "audio", "transcript")
REPLAY_PREFIX = "/hri_emo/replay"


class TopicChoiceError(ValueError):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ReplayRoute:
    """One recorded topic and the graph topic it is republished on."""

    bag_topic: str
    graph_topic: str
    input: GraphInput


def _inputs_for(msgtype: str) -> list[GraphInput]:
    name = normalize_type_name(msgtype)
    return [graph_input for graph_input in GRAPH_INPUTS if graph_input.msgtype == name]


def _describe(topics: Mapping[str, TopicInfo]) -> str:
    return ", ".join(f"{t.name} ({t.msgtype})" for t in topics.values()) or "no topics"


def choose_routes(topics: Mapping[str, TopicInfo],
                  requested: Mapping[str, str | None]) -> list[ReplayRoute]:
    """Routes for the roles in `requested` (role -> bag topic, None = find by type).

    A named topic must exist and carry a type the role accepts; an unnamed role takes the
    one topic of a matching type, is skipped when there is none, and is an error when there
    are several. At least one route must result.
    """
    routes: list[ReplayRoute] = []
    for role in ROLES:
        wanted = requested.get(role)
        accepted = [g for g in GRAPH_INPUTS if g.role == role]
        if wanted:
            info = topics.get(wanted)
            if info is None:
                raise TopicChoiceError(
                    "unknown_topic", f"the bag has no topic {wanted} (for --{role}); it has "
                                     f"{_describe(topics)}")
            matches = [g for g in _inputs_for(info.msgtype) if g.role == role]
            if not matches:
                raise TopicChoiceError(
                    "wrong_type", f"{wanted} carries {info.msgtype}, but --{role} takes "
                                  f"{' or '.join(g.msgtype for g in accepted)}")
            routes.append(_route(info.name, matches[0]))
            continue
        candidates = [(info, g) for info in topics.values() for g in _inputs_for(info.msgtype)
                      if g.role == role]
        if len(candidates) > 1:
            names = ", ".join(info.name for info, _ in candidates)
            raise TopicChoiceError(
                "ambiguous_topic", f"several topics could be the {role} ({names}); name one "
                                   f"with --{role} TOPIC")
        if candidates:
            routes.append(_route(candidates[0][0].name, candidates[0][1]))
    if not routes:
        raise TopicChoiceError(
            "no_inputs", f"the bag has no camera, audio or transcript topic the graph can take "
                         f"({_describe(topics)}); accepted types: "
                         f"{', '.join(sorted({g.msgtype for g in GRAPH_INPUTS}))}")
    return routes


def _route(bag_topic: str, graph_input: GraphInput) -> ReplayRoute:
    return ReplayRoute(bag_topic, f"{REPLAY_PREFIX}/{graph_input.role}", graph_input)


def input_parameters(routes: list[ReplayRoute]) -> dict[str, dict[str, str]]:
    """Node -> {parameter: topic}: routed inputs on their replay topics, all others off."""
    parameters: dict[str, dict[str, str]] = {}
    for graph_input in GRAPH_INPUTS:
        parameters.setdefault(graph_input.node, {})[graph_input.parameter] = ""
    for route in routes:
        parameters[route.input.node][route.input.parameter] = route.graph_topic
    return parameters
