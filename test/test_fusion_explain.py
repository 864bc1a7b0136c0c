# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Explanations and the split between the fusion stage and a decoder in another node."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from fusion_test_data import face_steps, random_text_steps, voice_steps, window

from hri_emo_ros.common.feature_spec import MODALITIES
from hri_emo_ros.fusion.checkpoint import checkpoint_dict, models_from_dict
from hri_emo_ros.fusion.decoder import DecoderConfig, EmotionDecoder
from hri_emo_ros.fusion.encoder import EncoderConfig, FusionEncoder
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.explain import gradient_x_input, summary_sentence
from hri_emo_ros.fusion.records import FusedSequenceData, modality_of_label
from hri_emo_ros.fusion.runtime import FusionRuntime


def runtime() -> FusionRuntime:
    torch.manual_seed(0)
    encoder = FusionEncoder(EncoderConfig(width=32, heads=2)).eval()
    decoder = EmotionDecoder(DecoderConfig(width=32, heads=2)).eval()
    return FusionRuntime(models_from_dict(checkpoint_dict(encoder, {"emotion": decoder})), "cpu")


def as_message(fused: FusedSequenceData) -> FusedSequenceData:
    """What a decoder node rebuilds from a FusedSequence message (labels -> modality)."""
    return FusedSequenceData(
        fused.person_id, fused.stamp, fused.model_id, fused.fused.copy(), fused.step_times,
        list(fused.step_labels),
        [modality_of_label(label, MODALITIES) for label in fused.step_labels],
        list(fused.modalities), list(fused.present), fused.gate_mean, fused.gate_per_dim,
        fused.modality_quality, fused.alignments)


def test_a_decoder_reading_fused_messages_gives_what_the_fused_process_gives():
    rt, rng = runtime(), np.random.default_rng(0)
    people = [window("a", 5.0, video=face_steps({"sad": 0.9}, rng, stamp=5.0),
                     text=random_text_steps(["so", "tired"], rng, stamp=5.0)),
              window("b", 5.0, audio=voice_steps({"angry": 0.9}, rng, stamp=5.0))]
    direct = rt.process(people, explain=True)
    fused = [as_message(r.fused) for r in direct]
    assert fused[0].step_modalities == direct[0].fused.step_modalities
    remote = rt.decoders["emotion"].decode(fused, explain=True)
    for mine, (state, explanation) in zip(direct, remote, strict=True):
        np.testing.assert_allclose(mine.emotion.scores, state.scores, atol=1e-5)
        assert abs(mine.emotion.confidence - state.confidence) < 1e-5
        np.testing.assert_allclose(mine.explanation.attribution.data,
                                   explanation.attribution.data, atol=1e-4)
        assert explanation.summary == mine.explanation.summary


def test_attribution_moves_with_the_step_that_carries_the_evidence():
    torch.manual_seed(1)
    decoder = EmotionDecoder(DecoderConfig(width=16, heads=2)).eval()
    fused = torch.randn(1, 10, 16)
    fused[0, 2] *= 4.0  # one distinctive step
    mask = torch.ones(1, 10, dtype=torch.bool)
    kinds = torch.tensor([[0, 0, 0, 1, 1, 2, 2, 2, 2, 2]])
    extra = (torch.tensor([[True, True, True]]), torch.tensor([[0.9, 0.9, 0.9]]),
             torch.full((1, 3), 1 / 3))
    before = gradient_x_input(decoder, fused, mask, kinds, *extra)[0]
    np.testing.assert_allclose(before.sum(-1).numpy(), 1.0, atol=1e-5)
    order = torch.arange(10)
    order[2], order[7] = 7, 2  # the distinctive step (and its modality) moves from 2 to 7
    after = gradient_x_input(decoder, fused[:, order], mask, kinds[:, order], *extra)[0]
    torch.testing.assert_close(after, before[:, order], atol=1e-5, rtol=1e-4)
    assert not torch.allclose(after, before, atol=1e-3)


def test_summary_sentence_reads_like_the_example():
    text = summary_sentence("happy", 0.82, ["audio", "text", "video"],
                            np.array([0.2, 0.19, 0.61]), ["great", "thanks"])
    assert text == 'happy 0.82 — mostly face (0.61); words: "great", "thanks"'
    assert summary_sentence("sad", 0.5, ["audio"], np.array([1.0]), []) == "sad 0.50 — voice only"


def test_step_labels_round_trip_to_modalities():
    assert modality_of_label("video@1.23", MODALITIES) == "video"
    assert modality_of_label("audio@0.25", MODALITIES) == "audio"
    assert modality_of_label("great", MODALITIES) == "text"
    assert modality_of_label("text@0.40", MODALITIES) == "text"


def test_a_decoder_refuses_malformed_fused_sequences():
    rt, rng = runtime(), np.random.default_rng(2)
    good = rt.fuse([window("a", 0.0, video=face_steps({}, rng))])[0]
    broken = as_message(good)
    broken.fused[0, 0] = np.nan
    narrow = as_message(good)
    narrow.fused = narrow.fused[:, :8]
    for bad, reason in ((broken, "nan_values"), (narrow, "wrong_dimension")):
        with pytest.raises(InvalidInput) as error:
            rt.decoders["emotion"].decode([bad])
        assert error.value.reason == reason
