# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A separate process that echoes messages back and answers services (for DDS round trips).

Usage: python echo_node.py TYPE [TYPE ...]   (e.g. hri_emo_msgs/EmotionState)
Every message on /echo_in/<Name> is republished unchanged on /echo_out/<Name>; every
hri_emo_msgs service is served on /echo_srv/<Name> and answers with the request's text.
"""

from __future__ import annotations

import sys

import rclpy
from message_samples import message_class
from rclpy.executors import ExternalShutdownException
from rclpy.qos import QoSProfile, ReliabilityPolicy

from hri_emo_msgs import srv

QOS = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)


def main() -> None:
    rclpy.init()
    node = rclpy.create_node("echo_node")
    keep = []
    for type_name in sys.argv[1:]:
        cls = message_class(type_name)
        name = type_name.split("/")[1]
        publisher = node.create_publisher(cls, f"/echo_out/{name}", QOS)
        keep.append(node.create_subscription(cls, f"/echo_in/{name}", publisher.publish, QOS))
    keep.append(node.create_service(
        srv.ResetPerson, "/echo_srv/ResetPerson",
        lambda req, res: _answer(res, success=True, message=req.person_id)))
    keep.append(node.create_service(
        srv.GetPersonState, "/echo_srv/GetPersonState",
        lambda req, res: _answer(res, found=True, state_json=req.person_id)))
    keep.append(node.create_service(
        srv.SetRepertoire, "/echo_srv/SetRepertoire",
        lambda req, res: _answer(res, success=True, message=req.yaml)))
    print("ready", flush=True)
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()


def _answer(response, **fields):
    for key, value in fields.items():
        setattr(response, key, value)
    return response


if __name__ == "__main__":
    main()
