# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What every hri_emo node shares: lifecycle, declared parameters, diagnostics, guarded input.

A node subclasses `ManagedNode`, lists its parameters as `ParamSpec`s, loads models in
`configure()` (return an error sentence to fail the transition) and creates subscriptions in
`activate()`. Input callbacks are wrapped with `guarded()`: a rejected message is counted
by reason, logged once per reason and interval, and dropped; the node keeps running.
"""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rcl_interfaces.msg import (
    FloatingPointRange,
    IntegerRange,
    ParameterDescriptor,
    SetParametersResult,
)
from rclpy.lifecycle import LifecycleState, TransitionCallbackReturn
from rclpy.lifecycle import Node as LifecycleNode

from hri_emo_ros.common.input_health import InputHealth
from hri_emo_ros.nodes.qos_compatibility import (
    NO_DEFAULT_PUBLISHER_EVENTS,
    NO_DEFAULT_SUBSCRIPTION_EVENTS,
    QosWatch,
)


@dataclass(frozen=True)
class ParamSpec:
    """A declared parameter: default, description, and an optional range or set of choices."""

    name: str
    default: Any
    description: str
    range: tuple[float, float] | None = None
    choices: tuple[str, ...] | None = None
    read_only: bool = False

    def descriptor(self) -> ParameterDescriptor:
        text = self.description
        if self.choices:
            text += f" (one of: {', '.join(self.choices)})"
        descriptor = ParameterDescriptor(description=text, read_only=self.read_only)
        if self.range is not None:
            low, high = self.range
            if isinstance(self.default, bool) or not isinstance(self.default, (int, float)):
                raise TypeError(f"range given for non-numeric parameter {self.name}")
            if isinstance(self.default, int):
                descriptor.integer_range = [IntegerRange(from_value=int(low), to_value=int(high))]
            else:
                descriptor.floating_point_range = [
                    FloatingPointRange(from_value=float(low), to_value=float(high))]
        return descriptor

    def check(self, value: Any) -> str | None:
        """Return why `value` is refused, or None when it is acceptable."""
        if self.choices is not None and value not in self.choices:
            return f"{self.name}={value!r} is not one of {', '.join(self.choices)}"
        if self.range is not None and not (self.range[0] <= value <= self.range[1]):
            return f"{self.name}={value!r} is outside [{self.range[0]}, {self.range[1]}]"
        return None


COMMON_PARAMS = (
    ParamSpec("autostart", True, "Configure and activate the node at start-up."),
    ParamSpec("diagnostics_period", 1.0, "Seconds between /diagnostics messages.",
              range=(0.1, 60.0)),
)


class ManagedNode(LifecycleNode):
    """Lifecycle node with declared, validated parameters and input-health diagnostics."""

    PARAMS: tuple[ParamSpec, ...] = ()

    def __init__(self, node_name: str, **kwargs: Any) -> None:
        super().__init__(node_name, **kwargs)
        self.health = InputHealth()
        self.device_name = "cpu"
        self._specs = {spec.name: spec for spec in (*COMMON_PARAMS, *self.PARAMS)}
        for spec in self._specs.values():
            self.declare_parameter(spec.name, spec.default, spec.descriptor())
            refusal = spec.check(self.get_parameter(spec.name).value)
            if refusal:
                raise ValueError(f"invalid parameter: {refusal}")
        self.add_on_set_parameters_callback(self._validate_parameters)
        self._diagnostics = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        self._diagnostics_timer = self.create_timer(
            self.param("diagnostics_period"), self.publish_diagnostics)
        self._subscriptions_while_active: list[Any] = []
        self._qos_problems: list[str] = []
        self._qos_watch = QosWatch(self)

    # -- endpoints --------------------------------------------------------------------------
    # Without rclpy's per-endpoint QoS event handlers: the executor would wait on each of
    # them at every iteration. Incompatible QoS is checked with the diagnostics instead.
    def create_publisher(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("event_callbacks", NO_DEFAULT_PUBLISHER_EVENTS)
        return super().create_publisher(*args, **kwargs)

    def create_lifecycle_publisher(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("event_callbacks", NO_DEFAULT_PUBLISHER_EVENTS)
        return super().create_lifecycle_publisher(*args, **kwargs)

    def create_subscription(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("event_callbacks", NO_DEFAULT_SUBSCRIPTION_EVENTS)
        return super().create_subscription(*args, **kwargs)

    # -- parameters -------------------------------------------------------------------------
    def param(self, name: str) -> Any:
        return self.get_parameter(name).value

    def _validate_parameters(self, parameters) -> SetParametersResult:
        for parameter in parameters:
            spec = self._specs.get(parameter.name)
            refusal = spec.check(parameter.value) if spec else None
            if refusal:
                return SetParametersResult(successful=False, reason=refusal)
        return SetParametersResult(successful=True)

    # -- lifecycle --------------------------------------------------------------------------
    def configure(self) -> str | None:
        """Load models and create publishers; return a sentence saying what failed, or None."""
        return None

    def activate(self) -> None:
        """Create subscriptions (via `subscribe`) and timers that only run while active."""

    def on_configure(self, state: LifecycleState) -> TransitionCallbackReturn:
        failure = self.configure()
        if failure:
            self.get_logger().error(f"configure failed: {failure}")
            return TransitionCallbackReturn.FAILURE
        self.get_logger().info(f"configured on {self.device_name}")
        # Models and start-up objects live for the whole run: keep the collector from
        # walking them on every collection (fewer, shorter pauses while processing input).
        gc.collect()
        gc.freeze()
        return super().on_configure(state)

    def on_activate(self, state: LifecycleState) -> TransitionCallbackReturn:
        self.activate()
        return super().on_activate(state)

    def on_deactivate(self, state: LifecycleState) -> TransitionCallbackReturn:
        for subscription in self._subscriptions_while_active:
            self.destroy_subscription(subscription)
        self._subscriptions_while_active.clear()
        return super().on_deactivate(state)

    def start(self) -> None:
        """Apply `autostart`: configure, then activate if configuring succeeded."""
        if not self.param("autostart"):
            return
        if self.trigger_configure() == TransitionCallbackReturn.SUCCESS:
            self.trigger_activate()

    def shutdown_cleanly(self) -> None:
        """Persist state and release resources before the process exits (override)."""

    def subscribe(self, msg_type: Any, topic: str, callback: Callable[[Any], None],
                  qos: Any = 10, stream: str | None = None) -> Any:
        """Subscribe for as long as the node is active, with the callback guarded."""
        subscription = self.create_subscription(
            msg_type, topic, self.guarded(stream or topic, callback), qos)
        self._subscriptions_while_active.append(subscription)
        return subscription

    # -- input guarding ---------------------------------------------------------------------
    def reject(self, stream: str, reason: str, detail: str) -> None:
        """Count a dropped input and log it (rate-limited per reason)."""
        if self.health.dropped(stream, reason, detail):
            count = self.health.drop_count(stream, reason)
            self.get_logger().warning(
                f"dropped input on {stream}: {reason}: {detail} ({count} so far)")

    def guarded(self, stream: str, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """Wrap an input callback so that no message can take the node down."""

        def run(msg: Any) -> None:
            started = time.perf_counter()
            try:
                callback(msg)
            except Exception as err:  # noqa: BLE001 - last line of defence, see report_failure
                self.report_failure(stream, err)
                return
            self.health.accepted(stream)
            self.health.latency(f"{stream}.callback", time.perf_counter() - started)

        return run

    def report_failure(self, stream: str, err: Exception) -> None:
        """Count and log an input of `stream` that could not be used: a ValueError (the
        cores' InvalidInput errors) is a refused input with its reason, anything else an
        internal error logged with its traceback. Call it from an `except` block."""
        if isinstance(err, ValueError):
            self.reject(stream, getattr(err, "reason", type(err).__name__), str(err))
        elif not self.context.ok():
            return  # shutting down: another executor thread's callback was mid-way
        elif self.health.dropped(stream, "internal_error", repr(err)):
            self.get_logger().error(
                f"internal error on {stream}, input dropped:\n{traceback.format_exc()}")

    # -- diagnostics ------------------------------------------------------------------------
    def diagnostic_values(self) -> dict[str, str]:
        """Extra key/values for /diagnostics (override to add node-specific figures)."""
        return {}

    def check_qos(self) -> list[str]:
        """Endpoints that cannot talk to this node's because of QoS; new ones are logged."""
        problems = self._qos_watch.problems()
        for problem in sorted(set(problems) - set(self._qos_problems)):
            self.get_logger().warning(f"incompatible QoS: {problem}")
        self._qos_problems = problems
        return problems

    def publish_diagnostics(self) -> None:
        state = self._state_machine.current_state[1]
        qos_problems = self.check_qos()
        values = {"state": state, "device": self.device_name, **self.health.snapshot(),
                  **self.diagnostic_values()}
        if qos_problems:
            values["qos.incompatible"] = "; ".join(qos_problems)
        status = DiagnosticStatus(
            name=f"hri_emo: {self.get_fully_qualified_name()}", hardware_id=self.device_name)
        dropped = self.health.total_dropped()
        if state != "active":
            status.level, status.message = DiagnosticStatus.WARN, f"not active ({state})"
        elif qos_problems:
            status.level = DiagnosticStatus.WARN
            status.message = (f"active, {len(qos_problems)} endpoint(s) with incompatible QoS "
                              "(see qos.incompatible)")
        elif dropped:
            status.level, status.message = DiagnosticStatus.OK, f"active, {dropped} inputs dropped"
        else:
            status.level, status.message = DiagnosticStatus.OK, "active"
        status.values = [KeyValue(key=k, value=v) for k, v in values.items()]
        array = DiagnosticArray(status=[status])
        array.header.stamp = self.get_clock().now().to_msg()
        self._diagnostics.publish(array)
