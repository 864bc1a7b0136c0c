# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""JEPA mechanics, offline pre-training, checkpoints, and the guards of online learning."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
import torch

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy import (
    ConfigError,
    CorruptParameters,
    EmotionObservation,
    HierarchyConfig,
    HierarchyModel,
    HierarchyTracker,
    pretrain,
)
from hri_emo_ros.hierarchy.config import MAX_LEARNING_RATE
from hri_emo_ros.hierarchy.jepa import LevelJEPA
from hri_emo_ros.hierarchy.learner import OnlineLearner
from hri_emo_ros.hierarchy.person_codec import person_to_dict


def surprise_then_fear(seed: int, seconds: float = 30.0, rate: float = 30.0):
    """Brief surprise flashes, each followed by fear rising then fading."""
    rng = np.random.default_rng(seed)
    out, fear, surprise_left, fear_drive = [], 0.0, 0, 0
    for i in range(int(seconds * rate)):
        if not surprise_left and not fear_drive and rng.random() < 1 / 60:
            surprise_left = 3
        scores = np.full(7, 0.05)
        scores[0] = 0.6
        if surprise_left:
            scores[6] = 0.9
            surprise_left -= 1
            fear_drive = 12 if surprise_left == 0 else 0
        if fear_drive:
            fear += (0.85 - fear) * 0.35
            fear_drive -= 1
        else:
            fear *= 0.8
        scores[4] = max(scores[4], fear)
        scores = np.clip(scores + rng.normal(0, 0.02, 7), 0, 1)
        out.append(EmotionObservation(
            f"s{seed}", i / rate, EMOTIONS, tuple(scores.tolist()),
            float(np.clip(-0.6 * fear + rng.normal(0, 0.03), -1, 1)),
            float(np.clip(0.5 * scores[6] + rng.normal(0, 0.03), -1, 1)), 0.9))
    return out


def test_jepa_mechanics_on_cases_solved_by_hand():
    torch.manual_seed(0)
    level = LevelJEPA(9, 2, 16, 0.25)
    u = torch.randn(4, 9)
    assert torch.equal(level.context_encoder(u), u)          # identity before learning
    prior, rho = torch.randn(4, 9), torch.full((4, 1), 0.8)
    expected = prior + 0.8 * (u - prior)                      # the predictor starts at zero
    assert torch.allclose(level.predict(u, prior, rho, rho), expected)
    loss, error = level.loss(u, prior, u, rho, rho, torch.ones(9))
    assert torch.allclose(error, expected - u)
    perfect, _ = level.loss(u, prior, u, torch.ones(4, 1), torch.ones(4, 1), torch.ones(9))
    assert float(perfect.detach()) == pytest.approx(0.0, abs=1e-12)
    with torch.no_grad():
        level.context_encoder.weight.copy_(torch.diag(torch.tensor([3., 1, 1, 1, 1, 1, .01])))
        level.context_encoder.bias.fill_(1.0)
    level.update_target(0.75)
    assert torch.allclose(level.target_encoder.weight,
                          0.75 * torch.eye(7) + 0.25 * level.context_encoder.weight)
    assert torch.allclose(level.target_encoder.bias, torch.full((7,), 0.25))
    level.context_encoder.project_(0.5, 2.0)
    s = torch.linalg.svdvals(level.context_encoder.weight.detach())
    assert float(s.max()) == pytest.approx(2.0) and float(s.min()) == pytest.approx(0.5)
    z = level.context_encoder(u)
    assert torch.allclose(level.context_encoder.inverse(z), u, atol=1e-5)


def test_pretraining_lowers_the_prediction_error_on_held_out_streams(tmp_path):
    path = tmp_path / "hierarchy.pt"
    stats = pretrain([surprise_then_fear(s) for s in range(3)],
                     {"epochs": 1, "learn_every": 2, "validation_fraction": 0.34,
                      "output": str(path), "hierarchy": {"learning": {"batch_size": 32}}})
    assert stats["streams_train"] == 2 and stats["streams_validation"] == 1
    assert stats["steps"] > 300 and not stats["skipped_steps"]
    before, after = stats["validation_error_before"], stats["validation_error_after"]
    assert after["micro"] < 0.95 * before["micro"]
    model, extra = HierarchyModel.load(path)
    assert extra["pretrain"]["steps"] == stats["steps"]
    trained = HierarchyModel.from_bytes(path.read_bytes())[0]
    untrained = HierarchyModel()
    stream = surprise_then_fear(9, seconds=5.0)
    outputs = []
    for candidate in (model, trained, untrained):
        tracker = HierarchyTracker({"learning": {"enabled": False}}, model=candidate)
        outputs.append([tracker.update(o) for o in stream])
    assert outputs[0] == outputs[1] and outputs[0] != outputs[2]


def test_damaged_checkpoints_are_refused_with_a_reason():
    good = HierarchyModel().to_bytes()
    with pytest.raises(CorruptParameters) as caught:
        HierarchyModel.from_bytes(good[: len(good) // 2])
    assert caught.value.reason == "unreadable"
    cases = {"wrong_format": {"format": "other"}}
    state = HierarchyModel().state_dict()
    nan_state = dict(state)
    nan_state["levels.micro.predictor.out.bias"] = torch.full((9,), math.nan)
    wrong = dict(state)
    wrong["levels.state.context_encoder.weight"] = torch.eye(3)
    for reason, payload in (("nan_values", nan_state), ("wrong_shape", wrong)):
        cases[reason] = {"format": "hri_emo.hierarchy/1", "hidden": 16, "residual_scale": 0.25,
                         "state_dict": payload}
    for reason, blob in cases.items():
        buffer = io.BytesIO()
        torch.save(blob, buffer)
        with pytest.raises(CorruptParameters) as caught:
            HierarchyModel.from_bytes(buffer.getvalue())
        assert caught.value.reason == reason


def learner_with_data(rows: int = 256, **learning) -> OnlineLearner:
    config = HierarchyConfig.from_dict({"learning": {"batch_size": 32, **learning}})
    learner = OnlineLearner(HierarchyModel(), config.learning, config.filter)
    rng = np.random.default_rng(0)
    for _ in range(rows):
        x = rng.uniform(0, 1, (3, 9))
        learner.record("micro", x[0], x[1], x[2], 1 / 30)
    return learner


def test_non_finite_and_spiking_losses_are_skipped_and_rates_are_capped():
    learner = learner_with_data()
    for _ in range(40):
        assert learner.step("micro").applied
    params = {k: v.clone() for k, v in learner.model.state_dict().items()}
    learner.buffers["micro"].rows[:, 0] = np.nan
    report = learner.step("micro")
    assert not report.applied and report.reason == "nonfinite_loss"
    learner.buffers["micro"].rows[:, 0] = 0.5
    targets = learner.buffers["micro"].rows[:, 18:27].copy()
    learner.buffers["micro"].rows[:, 18:27] = 1e4           # targets far away: a loss spike
    report = learner.step("micro")
    assert not report.applied and report.reason == "loss_spike"
    for key, value in learner.model.state_dict().items():
        assert torch.equal(value, params[key])
    learner.buffers["micro"].rows[:, 18:27] = targets
    assert learner.step("micro", learning_rate=1.0).applied
    assert learner.optimizers["micro"].param_groups[0]["lr"] == MAX_LEARNING_RATE
    with pytest.raises(ConfigError):
        HierarchyConfig.from_dict({"learning": {"learning_rate": 0.5}})


def test_learning_on_adversarial_input_stays_bounded():
    learner = learner_with_data(learning_rate=MAX_LEARNING_RATE)
    rng = np.random.default_rng(1)
    for _ in range(300):
        x = rng.uniform(-1, 1, (3, 9))
        learner.record("micro", x[0], x[1], x[2], float(rng.uniform(0, 5)))
        learner.step("micro", learning_rate=MAX_LEARNING_RATE)
    level = learner.model.level("micro")
    for encoder in (level.context_encoder, level.target_encoder):
        s = torch.linalg.svdvals(encoder.weight.detach())
        assert 0.5 - 1e-5 <= float(s.min()) and float(s.max()) <= 2.0 + 1e-5
    assert all(torch.isfinite(p).all() for p in learner.model.parameters())
    with torch.no_grad():
        out = level.predictor(torch.randn(100, 9) * 10, torch.randn(100, 9) * 10)
    assert float(out.abs().max()) <= 0.25


def test_online_learning_reexpresses_beliefs_exactly():
    rng = np.random.default_rng(2)
    tracker = HierarchyTracker({"learning": {"learn_every": 2, "batch_size": 16,
                                             "learning_rate": MAX_LEARNING_RATE}})
    for i in range(900):
        tracker.update(EmotionObservation("p", i / 30, EMOTIONS, tuple(rng.uniform(0, 1, 7)),
                                          float(np.sin(i / 15)), 0.2, 0.9))
    assert tracker.learner.counters["steps"] > 100
    person = tracker.persons["p"].filter
    before = person_to_dict(person)
    old_version = person.maps.version
    for _ in range(30):
        tracker.learn_step()
    assert tracker.current_maps().version > old_version
    after = json.loads(tracker.person_state_json("p"))       # re-expressed in the new maps
    assert person.maps.version == tracker.current_maps().version
    for key in ("micro_mean", "state_mean", "pattern_baseline", "pattern_trend"):
        assert np.allclose(before[key], after[key], atol=1e-9)
