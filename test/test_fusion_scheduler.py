# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The fusion node's timing rules (shared with `hri-emo analyze`): data-driven time, at
most `rate` fusions per person, voice and words without a speaker given to the only
visible face, refused input leaves nothing pending."""

from __future__ import annotations

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import ModalitySteps
from hri_emo_ros.fusion.scheduler import FusionSchedule, FusionScheduler

MAX_STEPS = {"audio": 16, "text": 32, "video": 32}
RNG = np.random.default_rng(0)


def steps(modality: str, times: list[float], person: str = "anonymous") -> ModalitySteps:
    count = len(times)
    return ModalitySteps(modality, RNG.normal(size=(count, FEATURE_DIMS[modality])).astype(
        np.float32), np.asarray(times, dtype=np.float64), np.ones(count, np.float32),
        [], person)


def run(scheduler: FusionScheduler, messages: list[ModalitySteps]) -> list[tuple[float, str]]:
    """(time, person) of every fusion, as the fusion node makes them."""
    fusions = []
    for message in messages:
        scheduler.add(message)
        windows, _ = scheduler.due()
        for window in windows:
            scheduler.fused(window.person_id)
            fusions.append((scheduler.now, window.person_id))
    return fusions


def test_a_person_is_fused_at_most_rate_times_per_second_of_data_time():
    frames = [steps("video", [t / 10], "face") for t in range(31)]
    fusions = run(FusionScheduler(FusionSchedule(rate=2.0), MAX_STEPS), frames)
    assert [t for t, _ in fusions] == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    fusions = run(FusionScheduler(FusionSchedule(rate=10.0), MAX_STEPS), frames)
    assert len(fusions) == 31


def test_the_window_holds_the_last_window_seconds_and_words_for_longer():
    scheduler = FusionScheduler(FusionSchedule(rate=1.0, window=1.0, text_window=8.0),
                                MAX_STEPS)
    run(scheduler, [steps("text", [0.2, 0.4, 0.6], "face")]
        + [steps("video", [t / 10], "face") for t in range(1, 41)])
    window = scheduler.sync.window("face", scheduler.now)
    assert window.modalities["video"].step_times.min() == pytest.approx(3.0)
    assert window.modalities["text"].steps == 3      # 8 s of words stay fresh


def test_anonymous_voice_goes_to_the_only_fresh_face():
    scheduler = FusionScheduler(FusionSchedule(), MAX_STEPS)
    run(scheduler, [steps("video", [1.0], "face_a"), steps("audio", [1.2])])
    assert scheduler.sync.has_fresh("face_a", "audio", 1.2)
    assert "anonymous" not in scheduler.sync.persons()
    # Two faces: nobody can tell who spoke.
    run(scheduler, [steps("video", [1.5], "face_b"), steps("audio", [1.6])])
    assert scheduler.sync.has_fresh("anonymous", "audio", 1.6)
    # A face not seen for longer than stale_after is not visible any more.
    alone = FusionScheduler(FusionSchedule(stale_after=1.0), MAX_STEPS)
    run(alone, [steps("video", [1.0], "face_a"), steps("text", [2.5, 2.6])])
    assert alone.sync.persons() == ["anonymous", "face_a"]


def test_attribution_can_be_switched_off():
    scheduler = FusionScheduler(FusionSchedule(anonymous_to_single_face=False), MAX_STEPS)
    fusions = run(scheduler, [steps("video", [1.0], "face_a"), steps("audio", [1.2])])
    assert {person for _, person in fusions} == {"face_a", "anonymous"}


def test_refused_steps_leave_nothing_pending_and_stale_persons_give_a_reason():
    scheduler = FusionScheduler(FusionSchedule(rate=1.0), MAX_STEPS)
    bad = steps("video", [0.5], "face")
    bad.features[0, 0] = np.nan
    with pytest.raises(InvalidInput) as caught:
        scheduler.add(bad)
    assert caught.value.reason == "nan_values"
    assert scheduler.due() == ([], [])
    run(scheduler, [steps("video", [1.0], "face")])
    scheduler.add(steps("video", [5.0], "other"))
    scheduler.pending.add("face")            # due, but its video is 4 s old
    windows, refusals = scheduler.due()
    assert [w.person_id for w in windows] == ["other"]
    assert [r.reason for r in refusals] == ["no_features"]


@pytest.mark.parametrize("field", ["rate", "window", "stale_after", "text_window"])
@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_schedules_are_refused(field, value):
    with pytest.raises(InvalidInput, match=f"^bad_parameter: {field}"):
        FusionSchedule(**{field: value})
