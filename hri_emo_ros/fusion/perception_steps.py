# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What the perception cores' outputs become on the way to fusion: `ModalitySteps`.

The face, voice and text nodes publish exactly these (as ModalityFeatures messages), and
`hri-emo analyze` fuses exactly these, so a file analysed offline and a live stream go
through the same conversion:

- a face in a frame -> one video step at the frame time, labelled `expression@time`;
- a voice segment part -> its audio steps at their window centres, labelled `speech@time`;
- an utterance -> one text step per word, the words spread evenly over the utterance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hri_emo_ros.fusion.records import ModalitySteps

if TYPE_CHECKING:  # the perception cores load models; only their types are needed here
    from hri_emo_ros.perception.face_pipeline import FaceObservation
    from hri_emo_ros.perception.text_pipeline import TextFeatures
    from hri_emo_ros.perception.voice_pipeline import VoiceSegmentFeatures

MAX_UTTERANCE_S = 600.0


def face_steps(face: FaceObservation, stamp: float, extractor: str) -> ModalitySteps:
    """One video step: `face` as seen in the frame taken at `stamp`."""
    return ModalitySteps(
        modality="video", features=face.features[None, :], step_times=np.array([stamp]),
        quality=np.array([face.quality], dtype=np.float32),
        step_labels=[f"{face.expression}@{stamp:.2f}"], person_id=face.face_id,
        extractor=extractor)


def voice_steps(segment: VoiceSegmentFeatures, person_id: str) -> ModalitySteps:
    """The audio steps of one part of a speech segment (callers skip parts without steps)."""
    times = np.asarray(segment.step_times, dtype=np.float64)
    return ModalitySteps(
        modality="audio", features=segment.features, step_times=times,
        quality=segment.quality, step_labels=[f"speech@{t:.2f}" for t in times],
        person_id=person_id, extractor=segment.extractor)


def text_steps(result: TextFeatures, times: np.ndarray) -> ModalitySteps:
    """One text step per word of `result`, at `times` (see `word_times`)."""
    return ModalitySteps(
        modality="text", features=result.features, step_times=np.asarray(times, np.float64),
        quality=result.quality, step_labels=list(result.words),
        person_id=result.person_id, extractor=result.extractor)


def spread_word_times(count: int, start: float, end: float) -> np.ndarray:
    """`count` words spread evenly over [start, end]: each at the centre of its share."""
    return start + (np.arange(count) + 0.5) * (end - start) / count


def word_times(count: int, start: float, end: float, stamp: float) -> np.ndarray:
    """Spread the words over the utterance when its span is known, else put them at stamp.

    A live transcript with a zero start (an unset builtin_interfaces/Time) has no known span.
    """
    if 0.0 < start < end and end - start < MAX_UTTERANCE_S:
        return spread_word_times(count, start, end)
    return np.full(count, stamp)
