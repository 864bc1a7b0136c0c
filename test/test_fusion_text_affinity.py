# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Words can say which emotion, not only which valence (text_affinity.py, issue #4).

The bootstrap corpus weights the simulated category of a sentence by how much it reads like
each emotion; the shipped checkpoint must then hear sad words as sad and low in arousal, with
no face and no voice. (The checkpoint shipped before issue #4 read the sad sentences below as
fearful or disgusted, arousal +0.1 to +0.3.)
"""

from __future__ import annotations

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.sim_affect import emotion_given_valence
from hri_emo_ros.fusion.text_affinity import PROTOTYPES, emotion_affinity

SAD = ("I lost my dog yesterday and the house feels so empty.",
       "I feel lonely and nobody calls me anymore.",
       "My grandmother died last week and I cannot stop crying.")


def test_affinity_is_a_nonnegative_standardised_similarity():
    rng = np.random.default_rng(0)
    prototypes = rng.normal(size=(len(PROTOTYPES), 16))
    prototypes /= np.linalg.norm(prototypes, axis=1, keepdims=True)
    sentences = rng.normal(size=(200, 16))
    sentences[0] = prototypes[list(PROTOTYPES).index("sad")]
    affinity = emotion_affinity(sentences, prototypes, range(1, 200))
    assert affinity.shape == (200, len(EMOTIONS)) and (affinity >= 0).all()
    assert EMOTIONS[int(np.argmax(affinity[0]))] == "sad"
    with pytest.raises(ValueError, match="do not match"):
        emotion_affinity(sentences[:, :8], prototypes, range(200))
    with pytest.raises(ValueError, match="two reference"):
        emotion_affinity(sentences, prototypes, [0])


def test_affinity_shifts_the_draw_and_zero_affinity_leaves_it_alone():
    sad = np.zeros(len(EMOTIONS))
    sad[EMOTIONS.index("sad")] = 3.0
    plain, same, towards_sad = [], [], []
    for seed in range(2000):
        plain.append(emotion_given_valence(-0.6, np.random.default_rng(seed)))
        same.append(emotion_given_valence(-0.6, np.random.default_rng(seed),
                                          np.zeros(len(EMOTIONS))))
        towards_sad.append(emotion_given_valence(-0.6, np.random.default_rng(seed), sad))
    assert plain == same
    assert 0.2 < plain.count("sad") / 2000 < 0.36           # the valence prior: 0.28
    assert towards_sad.count("sad") / 2000 > 0.75           # odds x exp(0.75 * 3)


@pytest.fixture(scope="module")
def text_windows():
    from hri_emo_ros.perception.text_pipeline import TextPipeline

    pipeline = TextPipeline(device="cpu")

    def window(sentence: str) -> FusionWindow:
        text = pipeline.process(sentence)
        times = -(len(text.words) - 1 - np.arange(len(text.words))) * 0.35
        steps = ModalitySteps("text", text.features, times, text.quality, text.words)
        return FusionWindow("anonymous", 0.0, {"text": steps})

    return window


def test_shipped_model_hears_sad_words_as_sad(text_windows):
    runtime = FusionRuntime.from_checkpoint(None, device="cpu")
    for result in runtime.process([text_windows(s) for s in SAD]):
        emotion = result.emotion
        assert emotion.dominant == "sad", dict(zip(emotion.labels, emotion.scores))
        assert emotion.valence < -0.3 and emotion.arousal < 0.0, emotion
