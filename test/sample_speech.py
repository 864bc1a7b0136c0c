# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Real speech for tests, cut from the sample session bag that ships with the repository.

The bag's first 10 s hold real read speech (CMU Sphinx "cards" recordings, BSD-2-Clause);
later utterances are espeak-ng speech (see data/sample_session/PROVENANCE.md). Each
utterance is located by its transcript (utterance_start/utterance_end), so no test needs
Debian's pocketsphinx-testdata or espeak-ng.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from hri_emo_ros.bags.reader import open_bag
from hri_emo_ros.commands.bag_audio import SAMPLE_BAG, PcmAudio, bag_audio, write_wav
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, resample

# Real human speech, 3.0 s, one breath group (CMU cards/005.wav).
CMU_SENTENCE = "eight of spades four of clubs seven of hearts"
# The first espeak-ng utterance; before it, 2.9 s of room noise follow CMU_SENTENCE.
FIRST_HAPPY_SENTENCE = "Hi! It is so good to see you again!"
# espeak-ng speech, lively voice, 2.8 s.
ESPEAK_SENTENCE = "This is wonderful, thank you so much for your help."
ESPEAK_RATE = 22050  # what espeak-ng writes


@cache
def utterance_span(text: str) -> tuple[float, float]:
    """(start, end) of the spoken `text` in seconds from the bag start."""
    with open_bag(SAMPLE_BAG) as bag:
        origin = bag.start_ns
        for _, msg in bag.messages("/speech/transcript"):
            if msg.text == text:
                start, end = msg.utterance_start, msg.utterance_end
                return ((start.sec * 10**9 + start.nanosec - origin) * 1e-9,
                        (end.sec * 10**9 + end.nanosec - origin) * 1e-9)
    raise KeyError(f"no transcript {text!r} in {SAMPLE_BAG}")


def utterance_audio(text: str, pad_s: float = 0.3) -> PcmAudio:
    """The utterance with `pad_s` of the session's quiet room noise before and after."""
    start, end = utterance_span(text)
    return bag_audio(SAMPLE_BAG, start_s=start - pad_s, stop_s=end + pad_s)


def utterance_samples(text: str, pad_s: float = 0.3) -> np.ndarray:
    """float32 mono 16 kHz samples in [-1, 1] (S16LE full scale 32768)."""
    audio = utterance_audio(text, pad_s)
    assert audio.sample_rate == SAMPLE_RATE and audio.samples.shape[1] == 1
    return audio.samples[:, 0].astype(np.float32) / 32768.0


def utterance_wav(path: Path, text: str, pad_s: float = 0.3, rate: int = SAMPLE_RATE) -> Path:
    """Write the utterance as a 16-bit WAV file at `rate` (resampled when not 16 kHz)."""
    audio = utterance_audio(text, pad_s)
    if rate != audio.sample_rate:
        mono = resample(audio.samples[:, 0].astype(np.float32) / 32768.0, audio.sample_rate, rate)
        pcm = np.round(np.clip(mono, -1.0, 1.0) * 32767.0).astype(np.int16)
        audio = PcmAudio(pcm[:, None], rate, audio.start_s)
    return write_wav(path, audio)


def pause_wav(path: Path, after: str = CMU_SENTENCE, before: str = FIRST_HAPPY_SENTENCE,
              margin_s: float = 0.25) -> Path:
    """Write the room noise between two utterances (no speech) as a 16 kHz WAV file."""
    start, end = utterance_span(after)[1] + margin_s, utterance_span(before)[0] - margin_s
    assert end - start > 1.0
    return write_wav(path, bag_audio(SAMPLE_BAG, start_s=start, stop_s=end))
