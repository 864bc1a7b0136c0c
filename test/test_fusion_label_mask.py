# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Unlabelled targets (NaN) are masked in the collated targets, the loss and the metrics:
never read as 0."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from fusion_test_data import face_steps

from hri_emo_ros.fusion.dataset import FusionSample, collate_samples
from hri_emo_ros.fusion.decoder import DecoderOutput
from hri_emo_ros.fusion.losses import LossWeights, fusion_loss
from hri_emo_ros.fusion.metrics import emotion_metrics

NAN = float("nan")


def outputs(logits: torch.Tensor) -> DecoderOutput:
    b, e = logits.shape
    return DecoderOutput(logits, torch.zeros(b, 2), torch.zeros(b), torch.zeros(b, 3, e),
                         torch.zeros(b, 3))


def test_collate_keeps_which_labels_are_known():
    rng = np.random.default_rng(0)
    samples = [FusionSample({"video": face_steps({}, rng)}, np.array([1.0, NAN, 0.0])),
               FusionSample({"video": face_steps({}, rng)}, np.array([NAN, NAN, NAN]))]
    _, targets = collate_samples(samples)
    assert targets.label_mask.tolist() == [[True, False, True], [False, False, False]]
    assert targets.labels.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    assert torch.isnan(targets.labels_with_nan()).sum() == 4


def test_masked_emotion_labels_give_no_loss_and_no_gradient():
    logits = torch.randn(4, 3, requires_grad=True)
    present = torch.ones(4, 3, dtype=torch.bool)
    samples_known = collate_samples([FusionSample(
        {"video": face_steps({}, np.random.default_rng(i))}, np.zeros(3)) for i in range(4)])[1]
    samples_unknown = collate_samples([FusionSample(
        {"video": face_steps({}, np.random.default_rng(i))}, np.full(3, NAN))
        for i in range(4)])[1]
    weights = LossWeights(ccc=0.0, mse=0.0)
    zero_loss, parts = fusion_loss(outputs(logits), samples_known, weights, present)
    assert parts["bce"] > 0.1  # labels of 0 are a real target ...
    masked, parts = fusion_loss(outputs(logits), samples_unknown, weights, present)
    assert parts["bce"] == 0.0 and parts["confidence_bce"] == 0.0  # ... NaN is none
    masked.backward()
    assert torch.count_nonzero(logits.grad) == 0
    one_known = collate_samples([FusionSample(
        {"video": face_steps({}, np.random.default_rng(0))}, np.array([1.0, NAN, NAN]))])[1]
    _, parts = fusion_loss(outputs(logits[:1].detach()), one_known, weights, present[:1])
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits[0, 0].detach(),
                                                                    torch.tensor(1.0))
    assert parts["bce"] == pytest.approx(float(expected), rel=1e-5)


def test_metrics_score_each_emotion_on_the_samples_that_label_it():
    scores = np.array([[0.9, 0.2], [0.6, 0.7], [0.1, 0.6], [0.2, 0.1]])
    labels = np.array([[1.0, NAN], [0.0, 1.0], [NAN, 1.0], [0.0, 0.0]])
    m = emotion_metrics(scores, labels, ("a", "b"))
    # a: rows 0, 1, 3 -> TP 1, FP 1, TN 1; b: rows 1, 2, 3 -> TP 2, TN 1
    assert m["per_emotion"]["a"] == {"f1": pytest.approx(2 / 3),
                                     "weighted_accuracy": pytest.approx(0.75), "support": 1}
    assert m["per_emotion"]["b"]["f1"] == 1.0 and m["per_emotion"]["b"]["support"] == 2
    assert m["dominant_accuracy"] == pytest.approx(0.5)  # rows 1 and 3 are fully labelled
    empty = emotion_metrics(scores, np.full((4, 2), NAN), ("a", "b"))
    assert np.isnan(empty["macro_f1"]) and np.isnan(empty["dominant_accuracy"])
