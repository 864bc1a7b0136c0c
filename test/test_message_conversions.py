# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The block conversions of `nodes.conversions` give the fields the per-element ones gave."""

from __future__ import annotations

import array

import numpy as np
import pytest

pytest.importorskip("rclpy")
from rclpy.serialization import deserialize_message, serialize_message  # noqa: E402

from hri_emo_msgs.msg import Matrix  # noqa: E402
from hri_emo_ros.fusion.records import LabelledMatrix  # noqa: E402
from hri_emo_ros.nodes.conversions import (  # noqa: E402
    InvalidMessage,
    float32_array,
    matrix_from_message,
    matrix_message,
    to_seconds,
    to_time,
    to_times,
)


def test_float32_array_holds_the_float32_values_of_any_shape_and_dtype():
    values = np.random.default_rng(0).normal(size=(80, 64))
    packed = float32_array(values)
    assert packed.typecode == "f"
    assert packed == array.array("f", values.astype(np.float32).ravel().tolist())
    assert float32_array(values.T) == array.array("f", values.T.astype(np.float32).ravel())
    assert float32_array([]) == array.array("f")


def test_to_times_matches_to_time_value_by_value():
    seconds = np.array([0.0, 1e-9, 0.999999999, 1.5, 1795457602.088204, 12.0000000004])
    assert to_times(seconds) == [to_time(float(s)) for s in seconds]
    assert [to_seconds(t) for t in to_times(seconds)] == pytest.approx(seconds, abs=1e-6)
    assert to_times(np.array([])) == []


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_to_times_refuses_non_finite_times(bad):
    with pytest.raises(InvalidMessage, match="bad_stamp"):
        to_times(np.array([1.0, bad]))


def test_matrix_survives_serialisation():
    data = np.arange(12, dtype=np.float64).reshape(3, 4) / 7.0
    msg = matrix_message(LabelledMatrix("video->audio", data, ["a", "b", "c"],
                                        ["w", "x", "y", "z"]))
    back = matrix_from_message(deserialize_message(serialize_message(msg), Matrix))
    assert back.name == "video->audio"
    assert back.row_labels == ["a", "b", "c"] and back.col_labels == ["w", "x", "y", "z"]
    np.testing.assert_array_equal(back.data, data.astype(np.float32))
