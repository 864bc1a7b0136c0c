# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Reading and writing rosbag2 bags (mcap, sqlite3) without a ROS install, via `rosbags`.

- `typestore.hri_typestore()`: ROS 2 Jazzy standard types plus every hri_emo_msgs message.
- `reader.BagReader` / `reader.open_bag`: topics, raw CDR records in time order, objects.
- `writer.BagWriter` / `writer.write_bag`: record outputs of an evaluation.
- `labels.load_labels`: the time-span ground truth CSV of an evaluation session.

Raw CDR bytes are what rclpy publishes (`Publisher.publish(bytes)`) and what a raw
subscription receives, so replay and recording never need a message conversion.
"""

from hri_emo_ros.bags.errors import BagError

__all__ = ["BagError"]
