# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Conversions between hri_emo messages and the plain data of the cores.

Everything a node needs to turn a message into numpy/dataclasses (validating on the way,
raising `InvalidMessage` with a reason) and back. Times are float seconds.
"""

from __future__ import annotations

import array
import math
from collections.abc import Sequence

import numpy as np
from builtin_interfaces.msg import Time

from hri_emo_msgs.msg import Matrix, ModalityFeatures
from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.fusion.records import LabelledMatrix, ModalitySteps

MAX_STEPS = 4096


class InvalidMessage(ValueError):
    """A message that cannot be used; `reason` names the kind of problem."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def to_seconds(stamp: Time) -> float:
    return stamp.sec + stamp.nanosec * 1e-9


def to_time(seconds: float) -> Time:
    if not math.isfinite(seconds):
        raise InvalidMessage("bad_stamp", f"time {seconds} is not finite")
    nanoseconds = int(round(seconds * 1e9))
    return Time(sec=nanoseconds // 1_000_000_000, nanosec=nanoseconds % 1_000_000_000)


def to_times(seconds: np.ndarray) -> list[Time]:
    """`to_time` of every value, checked for finiteness once for the whole array."""
    seconds = np.asarray(seconds, dtype=np.float64)
    if not np.isfinite(seconds).all():
        raise InvalidMessage("bad_stamp", f"times {seconds} are not all finite")
    nanoseconds = np.round(seconds * 1e9).astype(np.int64)
    return [Time(sec=int(sec), nanosec=int(nanosec)) for sec, nanosec in
            zip(*np.divmod(nanoseconds, 1_000_000_000), strict=True)]


def float32_array(values: np.ndarray | Sequence[float]) -> array.array:
    """A float32[] message field's value, copied as one block: the generated message
    classes would otherwise convert a numpy array element by element (about 1 ms for a
    fused sequence)."""
    return array.array("f", np.ascontiguousarray(values, dtype=np.float32).tobytes())


def features_message(steps: ModalitySteps, frame_id: str = "",
                     feature_names: Sequence[str] = ()) -> ModalityFeatures:
    """ModalitySteps -> ModalityFeatures (header stamp = newest step)."""
    features = np.ascontiguousarray(steps.features, dtype=np.float32)
    msg = ModalityFeatures()
    msg.header.stamp = to_time(steps.stamp)
    msg.header.frame_id = frame_id
    msg.person_id = steps.person_id
    msg.modality = steps.modality
    msg.extractor = steps.extractor
    msg.steps, msg.dim = (int(v) for v in features.shape)
    msg.features = float32_array(features)
    msg.step_times = to_times(steps.step_times)
    msg.quality = float32_array(steps.quality)
    msg.step_labels = list(steps.step_labels)
    msg.feature_names = list(feature_names)
    return msg


def steps_from_message(msg: ModalityFeatures) -> ModalitySteps:
    """ModalityFeatures -> ModalitySteps, refusing anything inconsistent or non-finite."""
    expected_dim = FEATURE_DIMS.get(msg.modality)
    if expected_dim is None:
        raise InvalidMessage("unknown_modality",
                             f"modality {msg.modality!r} is not one of {sorted(FEATURE_DIMS)}")
    if msg.dim != expected_dim:
        raise InvalidMessage("wrong_dimension",
                             f"{msg.modality} features have dim {msg.dim}, expected {expected_dim}")
    if msg.steps == 0 or msg.steps > MAX_STEPS:
        raise InvalidMessage("bad_steps", f"{msg.steps} steps (expected 1..{MAX_STEPS})")
    features = np.asarray(msg.features, dtype=np.float32)
    if features.size != msg.steps * msg.dim:
        raise InvalidMessage(
            "size_mismatch", f"{features.size} values for {msg.steps} steps x {msg.dim} dims")
    if len(msg.step_times) != msg.steps or len(msg.quality) != msg.steps:
        raise InvalidMessage("size_mismatch", "step_times and quality need one entry per step")
    if msg.step_labels and len(msg.step_labels) != msg.steps:
        raise InvalidMessage("size_mismatch", "step_labels must be empty or one per step")
    if not np.isfinite(features).all():
        raise InvalidMessage("nan_values", f"{msg.modality} features contain NaN or Inf")
    quality = np.asarray(msg.quality, dtype=np.float32)
    if not (np.isfinite(quality).all() and (quality >= 0).all() and (quality <= 1).all()):
        raise InvalidMessage("bad_quality", "quality values must lie in [0, 1]")
    times = np.array([to_seconds(t) for t in msg.step_times])
    if np.any(np.diff(times) < 0):
        raise InvalidMessage("out_of_order", "step times go backwards within the message")
    return ModalitySteps(
        modality=msg.modality, features=features.reshape(msg.steps, msg.dim),
        step_times=times, quality=quality, step_labels=list(msg.step_labels),
        person_id=msg.person_id or "anonymous", extractor=msg.extractor)


def matrix_message(matrix: LabelledMatrix) -> Matrix:
    data = np.asarray(matrix.data)
    return Matrix(name=matrix.name, rows=int(data.shape[0]), cols=int(data.shape[1]),
                  data=float32_array(data), row_labels=list(matrix.row_labels),
                  col_labels=list(matrix.col_labels))


def matrix_from_message(msg: Matrix) -> LabelledMatrix:
    data = np.asarray(msg.data, dtype=np.float32)
    if data.size != msg.rows * msg.cols:
        raise InvalidMessage("size_mismatch",
                             f"matrix {msg.name!r}: {data.size} values for {msg.rows}x{msg.cols}")
    return LabelledMatrix(msg.name, data.reshape(msg.rows, msg.cols), list(msg.row_labels),
                          list(msg.col_labels))
