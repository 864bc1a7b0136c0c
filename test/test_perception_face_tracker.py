# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Stable face ids across frames."""

from __future__ import annotations

import re

import pytest

from hri_emo_ros.perception.face_tracker import FaceTracker, InvalidTrackInput, iou

ID_PATTERN = re.compile(r"^[a-z0-9]{5}$")


def test_iou_of_known_boxes():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == pytest.approx(1.0)
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0


def test_two_moving_faces_keep_their_ids():
    tracker = FaceTracker(seed=1)
    left, right = (100.0, 100.0, 80.0, 80.0), (400.0, 120.0, 90.0, 90.0)
    first = tracker.update([left, right], 0.0)
    assert len(set(first)) == 2 and all(ID_PATTERN.match(i) for i in first)
    for step in range(1, 20):
        moved_left = (100.0 + 6 * step, 100.0, 80.0, 80.0)
        moved_right = (400.0 - 5 * step, 120.0 + 2 * step, 90.0, 90.0)
        # Report them in the other order: association must not depend on order.
        ids = tracker.update([moved_right, moved_left], step / 30)
        assert ids == [first[1], first[0]]
    assert sorted(tracker.tracked_ids()) == sorted(first)


def test_fast_move_without_overlap_is_matched_by_centre_distance():
    tracker = FaceTracker(seed=2)
    (face_id,) = tracker.update([(100, 100, 60, 60)], 0.0)
    assert tracker.update([(140, 100, 60, 60)], 0.033) == [face_id]  # IoU 0.2
    assert tracker.update([(300, 100, 60, 60)], 0.066) != [face_id]  # too far


def test_expired_track_gets_a_new_id_and_ids_are_never_reused():
    tracker = FaceTracker(max_age_s=0.5, seed=3)
    (first,) = tracker.update([(10, 10, 50, 50)], 0.0)
    assert tracker.update([], 0.4) == []
    assert tracker.tracked_ids() == [first]
    (second,) = tracker.update([(10, 10, 50, 50)], 1.0)
    assert second != first
    assert tracker.tracked_ids() == [second]


def test_time_going_backwards_starts_afresh():
    tracker = FaceTracker(seed=4)
    (first,) = tracker.update([(10, 10, 50, 50)], 5.0)
    (second,) = tracker.update([(10, 10, 50, 50)], 1.0)
    assert second != first and tracker.tracked_ids() == [second]


@pytest.mark.parametrize(
    ("boxes", "stamp", "reason"),
    [
        ([(0, 0, 10, 10)], float("nan"), "nan_values"),
        ([(0, 0, float("inf"), 10)], 0.0, "bad_box"),
        ([(0, 0, 0, 10)], 0.0, "bad_box"),
        ([(0, 0, 10)], 0.0, "bad_box"),
    ],
)
def test_bad_input_is_rejected(boxes, stamp, reason):
    with pytest.raises(InvalidTrackInput) as caught:
        FaceTracker().update(boxes, stamp)
    assert caught.value.reason == reason
