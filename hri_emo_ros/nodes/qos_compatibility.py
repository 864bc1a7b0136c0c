# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Incompatible QoS between a node's endpoints and the other endpoints on their topics.

By default rclpy gives every publisher and subscription event handlers that log when an
endpoint with incompatible QoS appears, and the executor adds every one of them to its
wait set at every iteration: in the one-process graph they were about two thirds of the
cost of each wait. The hri_emo nodes create their endpoints without those handlers
(`NO_DEFAULT_PUBLISHER_EVENTS`, `NO_DEFAULT_SUBSCRIPTION_EVENTS`) and check compatibility
here instead, once per diagnostics period; `ManagedNode` reports what it finds in
/diagnostics and in its log. Reading every peer's QoS takes about a millisecond per node in
the one-process graph, so `QosWatch` does it only when the number of endpoints on one of
the node's topics changed, and every `full_check_every` calls in any case.
"""

from __future__ import annotations

from rclpy.node import Node
from rclpy.qos import QoSCompatibility, QoSProfile, qos_check_compatible

try:
    from rclpy.event_handler import PublisherEventCallbacks, SubscriptionEventCallbacks
except ImportError:  # Humble
    from rclpy.qos_event import PublisherEventCallbacks, SubscriptionEventCallbacks

NO_DEFAULT_PUBLISHER_EVENTS = PublisherEventCallbacks(use_default_callbacks=False)
NO_DEFAULT_SUBSCRIPTION_EVENTS = SubscriptionEventCallbacks(use_default_callbacks=False)


def _delivery(profile: QoSProfile) -> QoSProfile:
    """The policies the check looks at: reliability and durability. The graph reports the
    deadline and liveliness lease of other endpoints as converted infinities, which the
    check would mistake for values that were set."""
    return QoSProfile(depth=1, reliability=profile.reliability, durability=profile.durability)


def _incompatible(publisher: QoSProfile, subscription: QoSProfile) -> str | None:
    verdict, reason = qos_check_compatible(_delivery(publisher), _delivery(subscription))
    if verdict != QoSCompatibility.ERROR:
        return None
    return "; ".join(part.strip().removeprefix("ERROR:").strip().lower()
                     for part in reason.split(";") if part.strip())


def _name(info) -> str:
    namespace = info.node_namespace.rstrip("/")
    return f"{namespace}/{info.node_name}" if info.node_name else "an unnamed node"


def incompatible_endpoints(node: Node) -> list[str]:
    """One sentence per endpoint on the node's topics that cannot talk to the node's own
    publisher or subscription there because of their QoS, sorted."""
    own = node.get_fully_qualified_name()
    problems = set()
    for publisher in node.publishers:
        for peer in node.get_subscriptions_info_by_topic(publisher.topic_name):
            reason = _incompatible(publisher.qos_profile, peer.qos_profile)
            if reason and _name(peer) != own:
                problems.add(f"{publisher.topic_name}: the subscription of {_name(peer)} "
                             f"cannot receive from this node: {reason}")
    for subscription in node.subscriptions:
        for peer in node.get_publishers_info_by_topic(subscription.topic_name):
            reason = _incompatible(peer.qos_profile, subscription.qos_profile)
            if reason and _name(peer) != own:
                problems.add(f"{subscription.topic_name}: this node cannot receive from the "
                             f"publisher of {_name(peer)}: {reason}")
    return sorted(problems)


class QosWatch:
    """`incompatible_endpoints(node)`, recomputed only when it may have changed."""

    def __init__(self, node: Node, full_check_every: int = 10) -> None:
        self._node = node
        self._full_check_every = full_check_every
        self._calls = 0
        self._counts: tuple | None = None
        self._problems: list[str] = []

    def _endpoint_counts(self) -> tuple:
        node = self._node
        return (tuple((p.topic_name, node.count_subscribers(p.topic_name))
                      for p in node.publishers),
                tuple((s.topic_name, node.count_publishers(s.topic_name))
                      for s in node.subscriptions))

    def problems(self) -> list[str]:
        counts = self._endpoint_counts()
        if counts != self._counts or self._calls % self._full_check_every == 0:
            self._problems = incompatible_endpoints(self._node)
            self._counts = counts
        self._calls += 1
        return self._problems
