# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Process entry points: one node per process (ros2 run / launch) or many in one executor."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import rclpy
from rclpy.executors import ExternalShutdownException

from hri_emo_ros.nodes.managed_node import ManagedNode
from hri_emo_ros.nodes.pipeline_executor import PipelineExecutor


def spin_nodes(factories: Sequence[Callable[[], ManagedNode]],
               args: list[str] | None = None) -> int:
    """Create nodes, apply autostart, spin them in one executor until shutdown.

    `factories` come in pipeline order (inputs first); the executor serves ready callbacks
    in the reverse order, so work on a frame finishes before the next frame starts."""
    rclpy.init(args=args)
    nodes: list[ManagedNode] = []
    executor = PipelineExecutor()
    try:
        for factory in factories:
            node = factory()
            nodes.append(node)
            executor.add_node(node)
            node.start()
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except ValueError as err:  # invalid parameters at start-up
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        for node in reversed(nodes):
            node.shutdown_cleanly()
            node.destroy_node()
        rclpy.try_shutdown()
    return 0


def main_for(factory: Callable[[], ManagedNode]) -> Callable[[], None]:
    """Build a console-script `main` for one node class."""

    def main() -> None:
        sys.exit(spin_nodes([factory], args=sys.argv))

    return main
