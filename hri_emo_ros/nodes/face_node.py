# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Face node: camera frames in, per-face video `ModalityFeatures` and tracked face ids out."""

from __future__ import annotations

import time

from rclpy.qos import qos_profile_sensor_data
from sensor_msgs.msg import CompressedImage, Image

from hri_emo_msgs.msg import IdsList, ModalityFeatures
from hri_emo_ros.common.device import DEVICE_CHOICES
from hri_emo_ros.common.feature_spec import VIDEO_FEATURES
from hri_emo_ros.fusion.perception_steps import face_steps
from hri_emo_ros.nodes.conversions import InvalidMessage, features_message, to_seconds
from hri_emo_ros.nodes.managed_node import ManagedNode, ParamSpec
from hri_emo_ros.nodes.runner import main_for
from hri_emo_ros.perception.face_annotate import draw_face_annotations
from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig
from hri_emo_ros.perception.image_decode import decode_compressed_image, decode_raw_image

try:  # ROS4HRI, when installed
    from hri_msgs.msg import IdsList as Ros4HriIdsList
except ImportError:
    Ros4HriIdsList = None


class FaceNode(ManagedNode):
    PARAMS = (
        ParamSpec("image_topic", "/camera/image_raw", "sensor_msgs/Image input ('' to disable)."),
        ParamSpec("compressed_topic", "/camera/image_raw/compressed",
                  "sensor_msgs/CompressedImage input, jpeg or png ('' to disable)."),
        ParamSpec("features_topic", "/hri_emo/features/video",
                  "Output hri_emo_msgs/ModalityFeatures, one message per face per frame."),
        ParamSpec("tracked_topic", "/hri_emo/faces/tracked",
                  "Output hri_emo_msgs/IdsList of tracked face ids (ROS4HRI /humans/faces/"
                  "tracked is also published when hri_msgs is installed)."),
        ParamSpec("debug_image_topic", "/hri_emo/faces/debug_image",
                  "Annotated sensor_msgs/Image output."),
        ParamSpec("publish_debug_image", False, "Publish the annotated debug image."),
        ParamSpec("sensor_qos", False,
                  "Subscribe with best-effort sensor QoS instead of reliable, depth 2."),
        ParamSpec("detector", "auto", "Face detector.", choices=("auto", "mediapipe", "haar")),
        ParamSpec("detection_range", "full",
                  "MediaPipe detector model: short (faces within about 2 m, about 2x faster) "
                  "or full (about 5 m).", choices=("short", "full")),
        ParamSpec("min_detection_score", 0.5, "Minimum detector confidence.", range=(0.0, 1.0)),
        ParamSpec("max_faces", 4, "Largest faces analysed per frame.", range=(1, 32)),
        ParamSpec("use_mesh", True, "Compute face-mesh geometry (mediapipe only)."),
        ParamSpec("track_max_age", 1.0, "Seconds a lost face keeps its id.", range=(0.0, 60.0)),
        ParamSpec("redetect_period", 0.5,
                  "Seconds between detector runs while the face mesh follows every face "
                  "(the run looks at a followed frame on a worker thread, so a face entering "
                  "the view is found at most this late plus one frame; 0: detect on every "
                  "frame).",
                  range=(0.0, 10.0)),
        ParamSpec("device", "auto", "Torch device for the expression network.",
                  choices=DEVICE_CHOICES),
        ParamSpec("id_seed", -1, "Seed of the face ids (-1: random ids; a seed makes a replay "
                                 "name its faces the same way every time).", range=(-1, 2**31 - 1)),
    )

    def __init__(self, **kwargs) -> None:
        super().__init__("hri_emo_face", **kwargs)
        self.pipeline: FacePipeline | None = None
        self.last_stamp = float("nan")

    def configure(self) -> str | None:
        try:
            self.pipeline = FacePipeline(FacePipelineConfig(
                detector=self.param("detector"), detection_range=self.param("detection_range"),
                min_detection_score=self.param("min_detection_score"),
                max_faces=self.param("max_faces"), use_mesh=self.param("use_mesh"),
                device=self.param("device"), track_max_age_s=self.param("track_max_age"),
                redetect_period_s=self.param("redetect_period"),
                tracker_seed=None if self.param("id_seed") < 0 else self.param("id_seed")))
        except (RuntimeError, ValueError, OSError) as err:
            return f"could not load the face models: {err}"
        self.device_name = str(self.pipeline.expressions.device)
        self.features_pub = self.create_lifecycle_publisher(
            ModalityFeatures, self.param("features_topic"), 10)
        self.tracked_pub = self.create_lifecycle_publisher(
            IdsList, self.param("tracked_topic"), 10)
        self.ros4hri_pub = (self.create_lifecycle_publisher(
            Ros4HriIdsList, "/humans/faces/tracked", 10) if Ros4HriIdsList else None)
        self.debug_pub = (self.create_lifecycle_publisher(
            Image, self.param("debug_image_topic"), 2)
            if self.param("publish_debug_image") else None)
        return None

    def activate(self) -> None:
        qos = qos_profile_sensor_data if self.param("sensor_qos") else 2
        if self.param("image_topic"):
            self.subscribe(Image, self.param("image_topic"), self.on_image, qos, "image")
        if self.param("compressed_topic"):
            self.subscribe(CompressedImage, self.param("compressed_topic"),
                           self.on_compressed, qos, "compressed_image")

    def shutdown_cleanly(self) -> None:
        if self.pipeline is not None:
            self.pipeline.close()

    def on_image(self, msg: Image) -> None:
        self.check_new_frame(msg.header)
        rgb = decode_raw_image(msg.encoding, msg.height, msg.width, msg.step, msg.data)
        self.process(rgb, msg.header)

    def on_compressed(self, msg: CompressedImage) -> None:
        self.check_new_frame(msg.header)
        rgb = decode_compressed_image(msg.format, msg.data)
        self.process(rgb, msg.header)

    def check_new_frame(self, header) -> None:
        """Refuse a second copy of the frame just analysed (a camera publishing both raw
        and compressed images, both subscribed)."""
        if to_seconds(header.stamp) == self.last_stamp:
            raise InvalidMessage("duplicate_frame", "a frame with this stamp was just "
                                 "analysed (raw and compressed copies of one frame?)")

    def process(self, rgb, header) -> None:
        started = time.perf_counter()
        stamp = to_seconds(header.stamp)
        self.last_stamp = stamp
        observations = self.pipeline.process(rgb, stamp)
        for face in observations:
            steps = face_steps(face, stamp, self.pipeline.extractor)
            self.features_pub.publish(features_message(steps, header.frame_id, VIDEO_FEATURES))
        ids = IdsList(header=header, ids=[face.face_id for face in observations])
        self.tracked_pub.publish(ids)
        if self.ros4hri_pub is not None:
            self.ros4hri_pub.publish(Ros4HriIdsList(header=header, ids=list(ids.ids)))
        if self.debug_pub is not None:
            self.debug_pub.publish(self.debug_image(rgb, observations, header))
        self.health.latency("face.frame", time.perf_counter() - started)

    def diagnostic_values(self) -> dict[str, str]:
        if self.pipeline is None:
            return {}
        return {"extractor": self.pipeline.extractor,
                "expression_backend": self.pipeline.expressions.backend}

    @staticmethod
    def debug_image(rgb, observations, header) -> Image:
        drawn = draw_face_annotations(rgb, observations)
        return Image(header=header, height=drawn.shape[0], width=drawn.shape[1],
                     encoding="rgb8", step=drawn.shape[1] * 3, data=drawn.tobytes())


main = main_for(FaceNode)
