# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The hri_emo graph: which node class serves which stage, and running them in one process.

`hri-emo run --config config/hri_emo.yaml` starts the stages in one executor (ROS 2's
composition pattern: one process to watch); the launch file starts the same node classes
with the same parameter file, grouped into processes as its `processes` argument says.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from hri_emo_ros.nodes.managed_node import ManagedNode
from hri_emo_ros.nodes.runner import spin_nodes


@dataclass(frozen=True)
class Stage:
    module: str
    class_name: str
    node_name: str
    executable: str

    def node_class(self) -> type[ManagedNode]:
        return getattr(importlib.import_module(self.module), self.class_name)


STAGES: dict[str, Stage] = {
    "face": Stage("hri_emo_ros.nodes.face_node", "FaceNode", "hri_emo_face", "face_node"),
    "voice": Stage("hri_emo_ros.nodes.voice_node", "VoiceNode", "hri_emo_voice", "voice_node"),
    "text": Stage("hri_emo_ros.nodes.text_node", "TextNode", "hri_emo_text", "text_node"),
    "fusion": Stage("hri_emo_ros.nodes.fusion_node", "FusionNode", "hri_emo_fusion",
                    "fusion_node"),
    "decoder": Stage("hri_emo_ros.nodes.decoder_node", "DecoderNode", "hri_emo_decoder",
                     "decoder_node"),
    "hierarchy": Stage("hri_emo_ros.nodes.hierarchy_node", "HierarchyNode",
                       "hri_emo_hierarchy", "hierarchy_node"),
    "behavior": Stage("hri_emo_ros.nodes.behavior_node", "BehaviorNode", "hri_emo_behavior",
                      "behavior_node"),
}


def run_graph(config: str, stages: Sequence[str], ros_args: Sequence[str] = ()) -> int:
    """Start `stages` in one process with the parameter file `config`; block until Ctrl-C.
    They are created in pipeline order (the order of STAGES), whatever order they come in."""
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise ValueError(f"unknown stages {unknown}; choose from {sorted(STAGES)}")
    classes = [stage.node_class() for name, stage in STAGES.items() if name in stages]
    args = ["hri-emo", "--ros-args", "--params-file", config, *ros_args]
    return spin_nodes(classes, args=args)
