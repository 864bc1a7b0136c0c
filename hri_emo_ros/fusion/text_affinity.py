# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""How much a sentence sounds like each emotion: the bootstrap corpus's text-category link.

The rated sentences carry a human valence, not a category, so without this the simulated
emotion of a negative sentence would be drawn without looking at its words ("I feel so
alone" as likely angry as sad), and text could never say more than valence. Here each
sentence's MiniLM embedding (the one the text pipeline computes) is compared with short
first-person descriptions of each emotion and, for neutral, plain statements and requests
(`PROTOTYPES`, written by us, not fitted to anything: without the neutral ones, short
requests such as "please open the door" resembled the angry and fearful descriptions more
than the average sentence did); the cosine similarity is standardised per category over the
training sentences, and only its excess over the average counts (affinity = max(z, 0)): a
sentence that reads like nothing in particular leaves the valence-conditioned draw as it is.
`sim_affect.emotion_given_valence` multiplies its valence-conditioned odds by
exp(`AFFINITY_GAIN` x affinity), so a sentence that reads as sad is more often simulated
as sad, and its face, voice and arousal follow.
This is an assumption of the simulation, like the valence-conditioned draw itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hri_emo_ros.common.feature_spec import EMOTIONS

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "neutral": ("The meeting is at ten o'clock.", "Could you pass me the salt?",
                "I am going to the shop now."),
    "happy": ("I am so happy.", "This makes me glad and joyful.",
              "I love this, it is wonderful."),
    "sad": ("I feel so sad.", "I am lonely and I miss them.",
            "I am heartbroken and I want to cry."),
    "angry": ("I am so angry.", "This makes me furious.", "I hate you for doing this."),
    "fearful": ("I am scared.", "I am afraid something terrible will happen.",
                "I am worried and nervous."),
    "disgusted": ("That is disgusting.", "It makes me sick, it is gross.",
                  "How revolting and vile."),
    "surprised": ("Wow, I did not expect that!", "What a surprise!",
                  "I can't believe it, really?"),
}
AFFINITY_GAIN = 0.75


def prototype_embeddings(encoder=None) -> np.ndarray:
    """(len(PROTOTYPES), 384) unit vectors: the mean MiniLM embedding of each description."""
    if encoder is None:
        from hri_emo_ros.fusion.text_feature_cache import MiniLMWords

        encoder = MiniLMWords()
    rows = []
    for phrases in PROTOTYPES.values():
        mean = np.mean([item[2] for item in encoder.encode(list(phrases), 32)], axis=0)
        rows.append(mean / np.linalg.norm(mean))
    return np.stack(rows).astype(np.float32)


def emotion_affinity(sentence_embeddings: np.ndarray, prototypes: np.ndarray,
                     reference: Sequence[int]) -> np.ndarray:
    """(sentences, len(EMOTIONS)) similarity z-scores above 0 (statistics over the
    `reference` rows, e.g. the training sentences); 0 for a category without prototypes."""
    embeddings = np.asarray(sentence_embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or embeddings.shape[1] != prototypes.shape[1]:
        raise ValueError(f"sentence embeddings of shape {embeddings.shape} do not match "
                         f"prototypes {prototypes.shape}")
    if len(reference) < 2:
        raise ValueError("need at least two reference sentences to standardise the affinity")
    similarity = embeddings @ prototypes.T
    base = similarity[np.asarray(reference)]
    scores = (similarity - base.mean(axis=0)) / np.maximum(base.std(axis=0), 1e-6)
    out = np.zeros((embeddings.shape[0], len(EMOTIONS)), dtype=np.float32)
    for column, name in enumerate(PROTOTYPES):
        out[:, EMOTIONS.index(name)] = np.maximum(scores[:, column], 0.0)
    return out
