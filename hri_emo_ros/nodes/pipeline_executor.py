# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A single-threaded executor that serves the end of the pipeline first.

rclpy's executors keep their nodes in a set, so when several callbacks are ready after one
wait they run in an order that depends on object addresses. In one process that lets the
face node start on the next camera frame (about 12 ms) while the features of the previous
frame wait for the fusion node, and the fused sequence waits for the decoder. This executor
serves the nodes in the reverse of the order they were added: added in pipeline order
(camera first), the oldest piece of work of a frame runs before a new frame is taken.
It changes nothing else and uses only the public executor API of Humble and later.
"""

from __future__ import annotations

from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node


class PipelineExecutor(SingleThreadedExecutor):
    """`SingleThreadedExecutor` whose ready callbacks run last-added node first."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._pipeline: list[Node] = []

    def add_node(self, node: Node) -> bool:
        if node not in self._pipeline:
            self._pipeline.append(node)
        return super().add_node(node)

    def remove_node(self, node: Node) -> None:
        super().remove_node(node)
        if node in self._pipeline:
            self._pipeline.remove(node)

    def get_nodes(self) -> list[Node]:
        """The nodes, downstream first: the reverse of the order they were added in."""
        present = super().get_nodes()
        return [node for node in reversed(self._pipeline) if node in present]
