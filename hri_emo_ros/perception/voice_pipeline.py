# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Streaming voice features: VAD + prosody per window, grouped into speech segments.

`VoicePipeline.push` takes float32 mono 16 kHz samples (from `audio_decode`) as they
arrive and returns feature steps for speech only. A step summarises `AUDIO_WINDOW_S` of
audio every `AUDIO_HOP_S`; its time is the window centre. A step is emitted when the mean
speech probability of the VAD chunks in its window reaches `speech_threshold`. Consecutive
speech steps form a segment; a segment closes after more than `max_gap_steps` non-speech
steps (its last message has `is_final` set, possibly with no steps).
`is_speaking` follows the VAD chunk by chunk (32 ms) with hysteresis, for quick reactions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, AUDIO_HOP_S, AUDIO_WINDOW_S
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, InvalidAudio
from hri_emo_ros.perception.prosody import ProsodyExtractor
from hri_emo_ros.perception.voice_activity import CHUNK_SAMPLES, StreamingVad

EXTRACTOR_ID = "voice/silero-vad+yin-prosody+mfcc/1"


@dataclass(frozen=True)
class VoiceConfig:
    speech_threshold: float = 0.5  # step and chunk speech decision
    silence_threshold: float = 0.35  # chunk level: below this counts towards silence
    min_silence_s: float = 0.3  # is_speaking ends after this much chunk-level silence
    max_gap_steps: int = 1  # non-speech steps tolerated inside a segment
    vad_threads: int = 1


@dataclass
class VoiceSegmentFeatures:
    """Feature steps of one speech segment produced by one `push` (maps to ModalityFeatures)."""

    segment_id: int
    features: np.ndarray  # (steps, len(AUDIO_FEATURES)) float32
    step_times: np.ndarray  # (steps,) window centres [s]
    quality: np.ndarray  # (steps,) speech probability of each step
    segment_start: float  # first speech chunk of the segment [s]
    segment_end: float  # end of the last speech chunk so far [s]
    is_final: bool  # the segment ended
    feature_names: tuple[str, ...] = field(default=AUDIO_FEATURES)
    extractor: str = EXTRACTOR_ID

    @property
    def steps(self) -> int:
        return int(self.features.shape[0])


class VoicePipeline:
    def __init__(self, config: VoiceConfig | None = None, vad: StreamingVad | None = None):
        self.config = config or VoiceConfig()
        self._vad = vad or StreamingVad(threads=self.config.vad_threads)
        self._prosody = ProsodyExtractor()
        self._window = round(AUDIO_WINDOW_S * SAMPLE_RATE)
        self._hop = round(AUDIO_HOP_S * SAMPLE_RATE)
        self._silence_chunks_to_stop = max(
            1, round(self.config.min_silence_s * SAMPLE_RATE / CHUNK_SAMPLES)
        )
        self.reset()

    def reset(self) -> None:
        """Forget the stream (new microphone or after a gap)."""
        self._vad.reset()
        self._samples = np.zeros(0, dtype=np.float32)
        self._samples_start = 0  # stream index of _samples[0]
        self._received = 0
        self._probs = np.zeros(0, dtype=np.float32)
        self._probs_start = 0  # chunk index of _probs[0]
        self._anchors: list[tuple[int, float]] = []  # (stream index, stamp)
        self._next_window = 0
        self._last_window_end = 0
        self.is_speaking = False
        self._silent_chunks = 0
        self._segment_count = 0
        self._segment: int | None = None
        self._segment_start = 0.0
        self._segment_end = 0.0
        self._gap_steps = 0

    def push(self, samples: np.ndarray, stamp: float) -> list[VoiceSegmentFeatures]:
        """Add samples whose first one was captured at `stamp` [s]; return new speech steps."""
        samples = _checked_samples(samples)
        if samples.size == 0:
            return []
        self._anchors.append((self._received, float(stamp)))
        self._received += samples.size
        self._samples = np.concatenate([self._samples, samples])
        self._add_probs(self._vad.process(samples))
        return self._run_windows(final=False)

    def flush(self) -> list[VoiceSegmentFeatures]:
        """End of stream: analyse the tail and close the open segment (then `reset` before
        pushing a new stream)."""
        if self._received == 0:
            return []
        pending = self._vad.pending_samples
        if pending:
            self._add_probs(self._vad.process(np.zeros(CHUNK_SAMPLES - pending, np.float32)))
        return self._run_windows(final=True)

    def _add_probs(self, probs: np.ndarray) -> None:
        for prob in probs:
            if prob >= self.config.speech_threshold:
                self.is_speaking = True
                self._silent_chunks = 0
            elif prob < self.config.silence_threshold and self.is_speaking:
                self._silent_chunks += 1
                if self._silent_chunks >= self._silence_chunks_to_stop:
                    self.is_speaking = False
        self._probs = np.concatenate([self._probs, probs])

    def _time_of(self, index: float) -> float:
        anchor_index, anchor_stamp = self._anchors[0]
        for candidate in self._anchors:
            if candidate[0] > index:
                break
            anchor_index, anchor_stamp = candidate
        return anchor_stamp + (index - anchor_index) / SAMPLE_RATE

    def _window_ready(self, end: int) -> bool:
        last_chunk = (end - 1) // CHUNK_SAMPLES
        return end <= self._received and last_chunk < self._probs_start + self._probs.size

    def _run_windows(self, final: bool) -> list[VoiceSegmentFeatures]:
        out: list[VoiceSegmentFeatures] = []
        steps: list[tuple[np.ndarray, float, float]] = []
        while True:
            start = self._next_window
            end = start + self._window
            if not self._window_ready(end):
                end = self._received
                tail_is_new = end > self._last_window_end
                if not (final and tail_is_new and end - start >= self._prosody.min_samples):
                    break
            self._step(start, end, steps, out)
            self._last_window_end = end
            self._next_window = start + self._hop
            if end == self._received and final:
                break
        if steps:
            self._emit(steps, out, is_final=False)
        if final and self._segment is not None:
            self._close_segment(out)
        self._forget_before(self._next_window)
        return out

    def _step(self, start: int, end: int, steps: list, out: list) -> None:
        first_chunk = start // CHUNK_SAMPLES - self._probs_start
        last_chunk = (end - 1) // CHUNK_SAMPLES - self._probs_start
        chunk_probs = self._probs[first_chunk:last_chunk + 1]
        speech_prob = float(chunk_probs.mean())
        if speech_prob < self.config.speech_threshold:
            if self._segment is not None:
                self._gap_steps += 1
                if self._gap_steps > self.config.max_gap_steps:
                    if steps:
                        self._emit(steps, out, is_final=True)
                    else:
                        self._close_segment(out)
            return
        window = self._samples[start - self._samples_start:end - self._samples_start]
        features = self._prosody.extract(window, speech_prob)
        speech_chunks = np.flatnonzero(chunk_probs >= self.config.speech_threshold)
        chunk_base = (first_chunk + self._probs_start) * CHUNK_SAMPLES
        if self._segment is None:
            self._segment = self._segment_count
            self._segment_count += 1
            onset = chunk_base + speech_chunks[0] * CHUNK_SAMPLES if speech_chunks.size else start
            self._segment_start = self._time_of(max(onset, start))
        offset = chunk_base + (speech_chunks[-1] + 1) * CHUNK_SAMPLES if speech_chunks.size else end
        self._segment_end = max(self._segment_end, self._time_of(min(offset, end)))
        self._gap_steps = 0
        steps.append((features, self._time_of((start + end) / 2.0), speech_prob))

    def _emit(self, steps: list, out: list, is_final: bool) -> None:
        assert self._segment is not None
        out.append(
            VoiceSegmentFeatures(
                segment_id=self._segment,
                features=np.stack([s[0] for s in steps]).astype(np.float32),
                step_times=np.array([s[1] for s in steps], dtype=np.float64),
                quality=np.array([s[2] for s in steps], dtype=np.float32),
                segment_start=self._segment_start,
                segment_end=self._segment_end,
                is_final=is_final,
            )
        )
        steps.clear()
        if is_final:
            self._segment = None
            self._segment_end = 0.0

    def _close_segment(self, out: list) -> None:
        if out and out[-1].segment_id == self._segment:
            out[-1].is_final = True
        else:
            empty = np.zeros((0, len(AUDIO_FEATURES)), dtype=np.float32)
            out.append(
                VoiceSegmentFeatures(
                    self._segment if self._segment is not None else -1, empty,
                    np.zeros(0), np.zeros(0, np.float32), self._segment_start,
                    self._segment_end, True,
                )
            )
        self._segment = None
        self._segment_end = 0.0

    def _forget_before(self, index: int) -> None:
        drop = min(index, self._received) - self._samples_start
        if drop > 0:
            self._samples = self._samples[drop:]
            self._samples_start += drop
        drop_chunks = index // CHUNK_SAMPLES - self._probs_start
        if drop_chunks > 0:
            self._probs = self._probs[drop_chunks:]
            self._probs_start += drop_chunks
        while len(self._anchors) > 1 and self._anchors[1][0] <= index:
            self._anchors.pop(0)


def _checked_samples(samples: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples)
    if samples.ndim != 1:
        raise InvalidAudio("bad_shape", f"expected 1-D mono samples, got shape {samples.shape}")
    if samples.dtype.kind != "f":
        raise InvalidAudio("bad_dtype", f"expected float samples in [-1, 1], got {samples.dtype}")
    if not np.isfinite(samples).all():
        raise InvalidAudio("nan_values", "samples contain NaN or Inf")
    return samples.astype(np.float32, copy=False)
