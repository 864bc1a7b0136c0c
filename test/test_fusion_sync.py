# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Bad input is refused with a reason; the synchroniser windows, thins and drops stale data."""

from __future__ import annotations

import numpy as np
import pytest
from fusion_test_data import face_steps, random_text_steps, voice_steps

from hri_emo_ros.common.feature_spec import FEATURE_DIMS
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.records import ModalitySteps
from hri_emo_ros.fusion.sync import FeatureSynchroniser, SyncConfig, thin_newest
from hri_emo_ros.fusion.validation import check_modality_steps

NOW = 1000.0


def video(times: np.ndarray, person: str = "alice") -> ModalitySteps:
    feats = np.random.default_rng(0).normal(size=(times.size, FEATURE_DIMS["video"]))
    return ModalitySteps("video", feats.astype(np.float32), times,
                         np.full(times.size, 0.9, np.float32), [], person)


def reason_of(steps: ModalitySteps, now: float | None = NOW) -> str:
    with pytest.raises(InvalidInput) as error:
        check_modality_steps(steps, now)
    return error.value.reason


def test_each_kind_of_bad_input_names_its_reason():
    times = NOW - np.arange(5)[::-1] * 0.1
    good = video(times)
    assert check_modality_steps(good, NOW).features.dtype == np.float32
    nan = video(times)
    nan.features[2, 3] = np.nan
    inf = video(times)
    inf.quality[1] = np.inf
    huge = video(times)
    huge.features[0, 0] = 1e9
    wrong_dim = ModalitySteps("video", np.zeros((5, 7), np.float32), times, np.ones(5))
    unknown = ModalitySteps("smell", np.zeros((5, 18), np.float32), times, np.ones(5))
    backwards = video(times[::-1].copy())
    future = video(times + 5.0)
    bad_quality = video(times)
    bad_quality.quality[0] = 1.5
    mismatch = video(times)
    mismatch.step_labels = ["a", "b"]
    empty = ModalitySteps("audio", np.zeros((0, FEATURE_DIMS["audio"]), np.float32),
                          np.zeros(0), np.zeros(0))
    nobody = video(times, person="")
    assert reason_of(nan) == "nan_values"
    assert reason_of(inf) == "inf_values"
    assert reason_of(huge) == "out_of_range"
    assert reason_of(wrong_dim) == "wrong_dimension"
    assert reason_of(unknown) == "unknown_modality"
    assert reason_of(backwards) == "out_of_order_stamps"
    assert reason_of(future) == "future_stamp"
    assert reason_of(bad_quality) == "quality_out_of_range"
    assert reason_of(mismatch) == "shape_mismatch"
    assert reason_of(empty) == "empty"
    assert reason_of(nobody) == "empty_person_id"


def test_window_keeps_fresh_steps_and_drops_stale_modalities():
    rng = np.random.default_rng(1)
    sync = FeatureSynchroniser(SyncConfig(window_s=2.0, stale_after_s=1.0))
    sync.add(video(NOW - np.arange(60)[::-1] / 15.0), NOW)          # 4 s of frames
    stale_voice = voice_steps({"sad": 0.8}, rng, stamp=NOW - 3.0)
    stale_voice.person_id = "alice"
    sync.add(stale_voice, NOW)
    words = random_text_steps(["hello", "there"], rng, stamp=NOW - 3.0)
    words.person_id = "alice"
    sync.add(words, NOW)                                            # text stays usable 8 s
    window = sync.window("alice", NOW)
    assert set(window.modalities) == {"video", "text"}
    frames = window.modalities["video"]
    assert frames.step_times.min() >= NOW - 2.0 and frames.stamp == NOW
    assert frames.steps <= 32
    assert window.modalities["text"].step_labels == ["hello", "there"]


def test_out_of_order_message_and_unknown_person_are_refused():
    sync = FeatureSynchroniser()
    sync.add(video(NOW - np.arange(5)[::-1] * 0.1), NOW)
    with pytest.raises(InvalidInput) as error:
        sync.add(video(NOW - 1.0 - np.arange(3)[::-1] * 0.1), NOW)
    assert error.value.reason == "out_of_order_stamps"
    with pytest.raises(InvalidInput) as error:
        sync.window("bob", NOW)
    assert error.value.reason == "no_features"


def test_person_whose_features_all_went_stale_gets_no_output():
    sync = FeatureSynchroniser(SyncConfig(stale_after_s=0.5, forget_after_s=30.0))
    sync.add(video(NOW - np.arange(5)[::-1] * 0.1), NOW)
    windows, skipped = sync.ready(NOW + 5.0)
    assert windows == [] and "no_features" in skipped["alice"]
    windows, skipped = sync.ready(NOW + 60.0)                       # forgotten
    assert windows == [] and skipped == {} and sync.persons() == []


def test_several_people_are_windowed_independently():
    rng = np.random.default_rng(2)
    sync = FeatureSynchroniser()
    for person in ("alice", "bob"):
        steps = face_steps({"happy": 0.9}, rng, stamp=NOW)
        steps.person_id = person
        sync.add(steps, NOW)
    windows, skipped = sync.ready(NOW)
    assert [w.person_id for w in windows] == ["alice", "bob"] and skipped == {}


def test_thinning_keeps_the_newest_step_and_the_budget():
    index = thin_newest(60, 32)
    assert index.size <= 32 and index[-1] == 59 and index[0] == 0
    assert np.all(np.diff(index) > 0)
    assert thin_newest(10, 32).tolist() == list(range(10))
