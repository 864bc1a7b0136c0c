# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Media as the live graph's message streams: real speech fed in 100 ms chunks gives the
steps of the whole recording, each arriving once its audio is captured; a transcript's
words spread over their cue and arrive at its end."""

from __future__ import annotations

import numpy as np
from sample_speech import CMU_SENTENCE, utterance_samples

from hri_emo_ros.common.feature_spec import AUDIO_WINDOW_S
from hri_emo_ros.fusion.media_streams import (
    Arrival,
    audio_arrivals,
    merge_arrivals,
    transcript_arrivals,
)
from hri_emo_ros.fusion.records import ModalitySteps
from hri_emo_ros.perception.text_pipeline import TextPipeline
from hri_emo_ros.perception.transcript_file import TranscriptCue
from hri_emo_ros.perception.voice_pipeline import VoicePipeline


def test_speech_in_microphone_chunks_gives_the_steps_of_the_whole_recording():
    samples = utterance_samples(CMU_SENTENCE)
    arrivals = list(audio_arrivals(samples, VoicePipeline()))
    whole = VoicePipeline()
    segments = [s for s in whole.push(samples, 0.0) + whole.flush() if s.steps]
    assert len(arrivals) > 5
    expected = np.concatenate([s.features for s in segments])
    np.testing.assert_array_equal(np.concatenate([a.steps.features for a in arrivals]),
                                  expected)
    for arrival in arrivals:
        assert arrival.steps.modality == "audio" and arrival.steps.person_id == "anonymous"
        assert arrival.time >= arrival.steps.stamp + AUDIO_WINDOW_S / 2 - 1e-9
        assert arrival.time <= arrival.steps.stamp + AUDIO_WINDOW_S / 2 + 0.1 + 0.04
    assert np.all(np.diff([a.time for a in arrivals]) >= 0)


def test_words_spread_over_their_cue_and_arrive_at_its_end():
    cues = [TranscriptCue(0.0, 2.0, "Thank you so much!", 1),
            TranscriptCue(2.5, 2.9, "...", 4),
            TranscriptCue(3.0, 4.0, "Great", 7)]
    first, second = transcript_arrivals(cues, TextPipeline(device="cpu"))
    assert first.time == 2.0 and second.time == 4.0    # "..." has no words: dropped
    assert first.steps.step_labels == ["Thank", "you", "so", "much"]
    np.testing.assert_allclose(first.steps.step_times, [0.25, 0.75, 1.25, 1.75])
    np.testing.assert_allclose(second.steps.step_times, [3.5])
    assert first.steps.person_id == "anonymous" and first.steps.modality == "text"


def _arrival(time: float, modality: str) -> Arrival:
    return Arrival(time, ModalitySteps(modality, np.zeros((1, 1)), np.array([time]),
                                       np.ones(1)))


def test_streams_merge_in_arrival_order_ties_in_stream_order():
    video = [_arrival(t, "video") for t in (0.0, 0.1, 0.2)]
    audio = [_arrival(t, "audio") for t in (0.1, 0.15)]
    text = [_arrival(t, "text") for t in (0.1,)]
    merged = [(a.time, a.steps.modality) for a in merge_arrivals(video, audio, text)]
    assert merged == [(0.0, "video"), (0.1, "video"), (0.1, "audio"), (0.1, "text"),
                      (0.15, "audio"), (0.2, "video")]

