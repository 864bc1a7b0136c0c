# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Behaviour of the fusion encoder, gate and decoder that holds for any weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from fusion_test_data import face_steps, random_text_steps, voice_steps, window

from hri_emo_ros.fusion.batching import collate_steps
from hri_emo_ros.fusion.checkpoint import FusionModels, checkpoint_dict, models_from_dict
from hri_emo_ros.fusion.decoder import DecoderConfig, EmotionDecoder
from hri_emo_ros.fusion.encoder import EncoderConfig, FusionEncoder
from hri_emo_ros.fusion.errors import InvalidInput
from hri_emo_ros.fusion.runtime import FusionRuntime

TEXT = 1  # index of "text" in MODALITIES


def tiny_runtime(recursion_steps: int = 1, seed: int = 0) -> FusionRuntime:
    torch.manual_seed(seed)
    encoder = FusionEncoder(EncoderConfig(width=32, heads=2)).eval()
    decoder = EmotionDecoder(DecoderConfig(width=32, heads=2,
                                           recursion_steps=recursion_steps)).eval()
    payload = checkpoint_dict(encoder, {"emotion": decoder})
    return FusionRuntime(models_from_dict(payload), "cpu")


def person(rng: np.random.Generator, name: str = "p", text: bool = True, face_q: float = 0.95):
    parts = {"video": face_steps({"happy": 0.9}, rng, quality=face_q),
             "audio": voice_steps({"happy": 0.9}, rng)}
    if text:
        parts["text"] = random_text_steps(["that", "is", "great", "thanks"], rng)
    return window(name, 0.0, **parts)


def test_removing_text_gives_it_weight_exactly_zero():
    runtime, rng = tiny_runtime(), np.random.default_rng(0)
    with_text = person(rng)
    without = window("p", 0.0, video=with_text.modalities["video"],
                     audio=with_text.modalities["audio"])
    full, cut = runtime.process([with_text, without], explain=True)
    assert full.fused.gate_mean[TEXT] > 0.0
    assert cut.fused.gate_mean[TEXT] == 0.0
    assert np.all(cut.fused.gate_per_dim[TEXT] == 0.0)
    np.testing.assert_allclose(cut.fused.gate_per_dim.sum(axis=0), 1.0, atol=1e-6)
    assert cut.emotion.modalities == ["audio", "video"]
    assert cut.emotion.modality_weights.sum() == pytest.approx(1.0, abs=1e-6)
    assert "text" not in cut.fused.step_modalities
    assert not any(m.name.startswith("text") or m.name.endswith("text")
                   for m in cut.explanation.alignments)
    assert {m.name for m in full.explanation.alignments} >= {"audio->text", "video->text"}


def test_gate_moves_away_from_a_modality_whose_quality_drops():
    runtime = tiny_runtime()
    weights = []
    for quality in (0.95, 0.5, 0.1):
        rng = np.random.default_rng(1)  # same content, only the face quality changes
        weights.append(runtime.fuse([person(rng, face_q=quality)])[0].gate_mean[2])
    assert weights[0] > weights[1] > weights[2]


def test_batching_several_people_matches_one_by_one():
    runtime, rng = tiny_runtime(), np.random.default_rng(2)
    people = [person(rng, "a"), person(rng, "b", text=False),
              window("c", 0.0, audio=voice_steps({"sad": 0.8}, rng))]
    together = runtime.process(people)
    for single, result in zip(people, together, strict=True):
        alone = runtime.process([single])[0]
        np.testing.assert_allclose(result.emotion.scores, alone.emotion.scores, atol=1e-5)
        np.testing.assert_allclose(result.fused.fused, alone.fused.fused, atol=1e-5)
        assert result.emotion.person_id == single.person_id


def test_single_modality_without_cross_modal_keys_is_finite():
    runtime, rng = tiny_runtime(), np.random.default_rng(3)
    result = runtime.process([window("v", 0.0, video=face_steps({}, rng))], explain=True)[0]
    assert np.isfinite(result.fused.fused).all() and np.isfinite(result.emotion.scores).all()
    assert result.fused.gate_mean.tolist() == [0.0, 0.0, 1.0]
    assert result.explanation.alignments == []
    assert 0.0 <= result.emotion.confidence <= 1.0


def test_outputs_are_in_range_and_labelled():
    runtime, rng = tiny_runtime(), np.random.default_rng(4)
    result = runtime.process([person(rng)], explain=True)[0]
    emotion, explanation, fused = result.emotion, result.explanation, result.fused
    assert ((emotion.scores >= 0) & (emotion.scores <= 1)).all()
    assert -1 <= emotion.valence <= 1 and -1 <= emotion.arousal <= 1
    assert emotion.dominant == emotion.labels[int(np.argmax(emotion.scores))]
    assert explanation.attribution.data.shape == (7, fused.steps)
    np.testing.assert_allclose(explanation.attribution.data.sum(axis=1), 1.0, atol=1e-5)
    assert explanation.attribution.col_labels == fused.step_labels
    assert "great" in fused.step_labels and "video@0.00" in fused.step_labels
    audio_text = next(m for m in explanation.alignments if m.name == "audio->text")
    assert audio_text.data.shape == (8, 4) and audio_text.col_labels[2] == "great"
    np.testing.assert_allclose(audio_text.data.sum(axis=1), 1.0, atol=1e-5)


def test_recursion_refines_and_backpropagates_only_the_last_step():
    torch.manual_seed(5)
    decoder = EmotionDecoder(DecoderConfig(width=32, heads=2, recursion_steps=3)).train()
    fused = torch.randn(2, 9, 32, requires_grad=True)
    mask = torch.ones(2, 9, dtype=torch.bool)
    kinds = torch.tensor([0, 0, 1, 1, 1, 2, 2, 2, 2]).expand(2, 9)
    present = torch.ones(2, 3, dtype=torch.bool)
    quality = torch.full((2, 3), 0.9)
    gate = torch.full((2, 3), 1 / 3)
    inputs = (mask, kinds, present, quality, gate)
    out = decoder(fused, *inputs)
    (truncated,) = torch.autograd.grad(out.score_logits.sum(), fused)
    out = decoder(fused, *inputs, full_gradient=True)
    (full,) = torch.autograd.grad(out.score_logits.sum(), fused)
    assert truncated.abs().sum() > 0
    assert not torch.allclose(truncated, full)  # earlier steps add gradient only when asked
    decoder.eval()
    once = EmotionDecoder(DecoderConfig(width=32, heads=2, recursion_steps=1)).eval()
    once.load_state_dict(decoder.state_dict())
    with torch.no_grad():
        k3 = decoder(fused, *inputs).score_logits
        k1 = once(fused, *inputs).score_logits
    assert not torch.allclose(k1, k3)


def test_checkpoint_sections_and_mismatched_decoder_are_refused():
    runtime = tiny_runtime()
    other = tiny_runtime(seed=9)
    fused = runtime.fuse([person(np.random.default_rng(6))])
    with pytest.raises(InvalidInput) as error:
        other.decoders["emotion"].decode(fused)
    assert error.value.reason == "model_mismatch"
    models: FusionModels = models_from_dict(checkpoint_dict(
        runtime.encoder, {"emotion": runtime.decoders["emotion"].decoder,
                          "second": other.decoders["emotion"].decoder}))
    assert models.decoder_ids["emotion"] != models.decoder_ids["second"]
    assert set(FusionRuntime(models, "cpu").decoders) == {"emotion", "second"}


def test_collate_refuses_a_person_without_features():
    with pytest.raises(InvalidInput) as error:
        collate_steps([{}])
    assert error.value.reason == "no_features"


def test_runtime_refuses_bad_windows_it_is_handed_directly():
    runtime, rng = tiny_runtime(), np.random.default_rng(7)
    broken = person(rng)
    broken.modalities["video"].features[3, 4] = np.nan
    with pytest.raises(InvalidInput) as error:
        runtime.process([person(rng, "fine"), broken])
    assert error.value.reason == "nan_values"
    empty = window("nobody", 0.0)
    with pytest.raises(InvalidInput) as error:
        runtime.fuse([empty])
    assert error.value.reason == "no_features"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_graph_replay_matches_eager_for_any_crowd_size():
    torch.manual_seed(0)
    encoder = FusionEncoder(EncoderConfig(width=32, heads=2)).eval()
    decoder = EmotionDecoder(DecoderConfig(width=32, heads=2)).eval()
    models = models_from_dict(checkpoint_dict(encoder, {"emotion": decoder}))
    graphed = FusionRuntime(models, "cuda", cuda_graphs=True)
    eager = FusionRuntime(models_from_dict(checkpoint_dict(encoder, {"emotion": decoder})),
                          "cuda", cuda_graphs=False)
    rng = np.random.default_rng(8)
    for size in (1, 3, 16, 5):
        people = [person(rng, f"p{i}", text=i % 2 == 0) for i in range(size)]
        for a, b in zip(graphed.process(people), eager.process(people), strict=True):
            np.testing.assert_allclose(a.emotion.scores, b.emotion.scores, atol=1e-5)
            np.testing.assert_allclose(a.fused.fused, b.fused.fused, atol=1e-5)
            assert a.fused.step_labels == b.fused.step_labels
            assert [m.name for m in a.fused.alignments] == [m.name for m in b.fused.alignments]
    assert graphed.graph_error is None
    assert sorted(size for _, size in graphed.captured_graphs) == [1, 4, 8, 16]
