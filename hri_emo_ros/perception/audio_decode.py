# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Decode raw PCM audio (the fields of an `AudioFrame`) to float32 mono 16 kHz.

`decode_audio_frame` handles one self-contained chunk; `AudioFrameDecoder` handles a
stream of chunks from one microphone and resamples across chunk boundaries without
edge artefacts (its output equals one-shot resampling of the whole stream).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from math import ceil, gcd
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import firwin, resample_poly

SAMPLE_RATE = 16000  # Hz, what every voice core below expects
MIN_SOURCE_RATE = 4000
MAX_SOURCE_RATE = 384000
MAX_CHANNELS = 64
MAX_FRAME_SECONDS = 60.0

# format -> (numpy dtype, bytes per sample)
SAMPLE_FORMATS: dict[str, tuple[str, int]] = {
    "S16LE": ("<i2", 2),
    "S32LE": ("<i4", 4),
    "F32LE": ("<f4", 4),
    "U8": ("u1", 1),
}


class InvalidAudio(ValueError):
    """Audio that cannot be decoded; `reason` is a short machine-readable kind."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE, in [-1, 1]
    stamp: float  # time of samples[0] [s]
    clipped_fraction: float  # share of source samples at or beyond full scale
    source_rate: int
    source_channels: int


def _validate_header(sample_rate: int, channels: int, sample_format: str) -> int:
    if sample_format not in SAMPLE_FORMATS:
        raise InvalidAudio(
            "unknown_format",
            f"sample_format {sample_format!r}; expected one of {', '.join(SAMPLE_FORMATS)}",
        )
    if not MIN_SOURCE_RATE <= sample_rate <= MAX_SOURCE_RATE:
        raise InvalidAudio(
            "bad_sample_rate",
            f"sample_rate {sample_rate} Hz outside [{MIN_SOURCE_RATE}, {MAX_SOURCE_RATE}]",
        )
    if not 1 <= channels <= MAX_CHANNELS:
        raise InvalidAudio("bad_channels", f"channels {channels} outside [1, {MAX_CHANNELS}]")
    return SAMPLE_FORMATS[sample_format][1]


def _as_bytes_array(data: object) -> np.ndarray:
    if isinstance(data, (list, tuple)):  # a uint8[] field may arrive as a list of ints
        try:
            return np.asarray(data, dtype=np.uint8)
        except (OverflowError, ValueError, TypeError) as error:
            raise InvalidAudio("bad_data", f"data is not a list of bytes: {error}") from None
    try:
        view = memoryview(data).cast("B")  # type: ignore[arg-type]
    except TypeError as error:
        raise InvalidAudio("bad_data", f"data of type {type(data).__name__}: {error}") from None
    return np.frombuffer(view, dtype=np.uint8)


def decode_pcm(
    data: bytes | bytearray | memoryview | np.ndarray,
    sample_rate: int,
    channels: int,
    sample_format: str,
    max_seconds: float | None = MAX_FRAME_SECONDS,
) -> tuple[np.ndarray, float]:
    """Interleaved PCM bytes -> (float32 mono at the source rate, clipped fraction).

    `max_seconds` bounds one frame (None: no bound, for whole files).
    """
    bytes_per_sample = _validate_header(sample_rate, channels, sample_format)
    raw = _as_bytes_array(data)
    if raw.size == 0:
        raise InvalidAudio("empty", "the frame holds no samples")
    frame_bytes = bytes_per_sample * channels
    if raw.size % frame_bytes:
        raise InvalidAudio(
            "bad_length",
            f"{raw.size} bytes is not a multiple of the frame size {frame_bytes} "
            f"({channels} channel(s) x {bytes_per_sample} bytes)",
        )
    frames = raw.size // frame_bytes
    if max_seconds is not None and frames > max_seconds * sample_rate:
        raise InvalidAudio(
            "too_long", f"{frames / sample_rate:.1f} s in one frame (max {max_seconds} s)"
        )
    values = raw.view(SAMPLE_FORMATS[sample_format][0]).reshape(frames, channels)
    if sample_format == "F32LE":
        if not np.isfinite(values).all():
            raise InvalidAudio("nan_values", "float samples contain NaN or Inf")
        clipped = np.abs(values) >= 1.0
        scaled = np.clip(values, -1.0, 1.0).astype(np.float32)
    elif sample_format == "U8":
        clipped = (values == 0) | (values == 255)
        scaled = (values.astype(np.float32) - 128.0) / 128.0
    else:
        info = np.iinfo(values.dtype)
        clipped = (values == info.min) | (values == info.max)
        scaled = (values.astype(np.float64) / -float(info.min)).astype(np.float32)
    mono = scaled.mean(axis=1, dtype=np.float32) if channels > 1 else scaled[:, 0]
    return np.ascontiguousarray(mono, dtype=np.float32), float(clipped.mean())


@lru_cache(maxsize=16)
def _lowpass(up: int, down: int) -> np.ndarray:
    """resample_poly's default anti-aliasing FIR, designed once per rate pair."""
    half_len = 10 * max(up, down)
    return firwin(2 * half_len + 1, 1.0 / max(up, down), window=("kaiser", 5.0)).astype(np.float32)


def resample(samples: np.ndarray, source_rate: int, target_rate: int = SAMPLE_RATE) -> np.ndarray:
    """One-shot polyphase resampling (scipy's resample_poly with a cached filter)."""
    if source_rate == target_rate:
        return samples.astype(np.float32, copy=False)
    divisor = gcd(source_rate, target_rate)
    up, down = target_rate // divisor, source_rate // divisor
    return resample_poly(samples, up, down, window=_lowpass(up, down)).astype(np.float32)


class StreamingResampler:
    """Polyphase resampling of a stream, chunk by chunk, equal to resampling it in one go.

    Output samples are released once the filter's support lies inside the received input,
    so the stream lags by about ten source samples; `flush` releases the tail.
    """

    def __init__(self, source_rate: int, target_rate: int = SAMPLE_RATE) -> None:
        divisor = gcd(source_rate, target_rate)
        self.source_rate = source_rate
        self.up = target_rate // divisor
        self.down = source_rate // divisor
        # resample_poly's default FIR has half-length 10 * max(up, down) at the upsampled rate.
        self._margin = ceil(10 * max(self.up, self.down) / self.up) + 2
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0  # global input index of _buffer[0], a multiple of `down`
        self._emitted = 0  # global output samples released so far
        self.received = 0  # global input samples received so far

    def output_position(self, output_index: int) -> float:
        """Position of an output sample on the input's sample axis."""
        return output_index * self.down / self.up

    @property
    def emitted(self) -> int:
        return self._emitted

    def push(self, samples: np.ndarray) -> np.ndarray:
        self.received += samples.size
        if self.up == self.down:
            self._emitted += samples.size
            return samples.astype(np.float32, copy=False)
        self._buffer = np.concatenate([self._buffer, samples.astype(np.float32, copy=False)])
        end = self._buffer_start + self._buffer.size
        final_count = (end - self._margin) * self.up // self.down + 1
        return self._release(final_count)

    def flush(self) -> np.ndarray:
        """Release the held-back tail, treating the stream as ended (zeros after it)."""
        if self.up == self.down:
            return np.zeros(0, dtype=np.float32)
        end = self._buffer_start + self._buffer.size
        return self._release(-(-end * self.up // self.down))

    def _release(self, final_count: int) -> np.ndarray:
        if final_count <= self._emitted:
            return np.zeros(0, dtype=np.float32)
        resampled = resample_poly(
            self._buffer, self.up, self.down, window=_lowpass(self.up, self.down)
        ).astype(np.float32)
        local_start = self._buffer_start * self.up // self.down
        out = resampled[self._emitted - local_start:final_count - local_start]
        self._emitted = final_count
        needed_from = self._emitted * self.down // self.up - self._margin
        keep_from = max(self._buffer_start, (needed_from // self.down) * self.down)
        self._buffer = self._buffer[keep_from - self._buffer_start:]
        self._buffer_start = keep_from
        return out


def decode_audio_frame(
    data: bytes | bytearray | memoryview | np.ndarray,
    sample_rate: int,
    channels: int,
    sample_format: str,
    stamp: float = 0.0,
    max_seconds: float | None = MAX_FRAME_SECONDS,
) -> DecodedAudio:
    """Decode one self-contained chunk (e.g. a whole file) to float32 mono 16 kHz."""
    mono, clipped_fraction = decode_pcm(data, sample_rate, channels, sample_format, max_seconds)
    if sample_rate != SAMPLE_RATE:
        mono = np.clip(resample(mono, sample_rate), -1.0, 1.0)
    return DecodedAudio(mono, float(stamp), clipped_fraction, sample_rate, channels)


class AudioFrameDecoder:
    """Decoder for the frames of one audio stream; keeps the resampler state between them.

    A change of sample rate or channel count restarts the resampler (the held-back tail of
    the old stream, under a millisecond, is dropped).
    """

    def __init__(self) -> None:
        self._resampler: StreamingResampler | None = None
        self._channels = 0
        self._anchor_index = 0  # global input index of the latest frame's first sample
        self._anchor_stamp = 0.0

    def decode(
        self,
        data: bytes | bytearray | memoryview | np.ndarray,
        sample_rate: int,
        channels: int,
        sample_format: str,
        stamp: float,
    ) -> DecodedAudio:
        mono, clipped_fraction = decode_pcm(data, sample_rate, channels, sample_format)
        resampler = self._resampler
        if resampler is None or resampler.source_rate != sample_rate or (
            self._channels != channels
        ):
            resampler = self._resampler = StreamingResampler(sample_rate)
            self._channels = channels
        self._anchor_index = resampler.received
        self._anchor_stamp = float(stamp)
        first_output = resampler.emitted
        out = np.clip(resampler.push(mono), -1.0, 1.0)
        offset = resampler.output_position(first_output) - self._anchor_index
        return DecodedAudio(
            out, self._anchor_stamp + offset / sample_rate, clipped_fraction, sample_rate,
            channels,
        )


_WAV_FORMATS = {"int16": "S16LE", "int32": "S32LE", "float32": "F32LE", "uint8": "U8"}


def read_wav_file(path: str | Path) -> DecodedAudio:
    """Read a WAV file (PCM 8/16/24/32-bit or float) as float32 mono 16 kHz.

    Raises FileNotFoundError when it is missing and InvalidAudio("unreadable_file") when it
    is not a WAV file this reader understands.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"audio file not found: {path}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", wavfile.WavFileWarning)
            sample_rate, samples = wavfile.read(path)
    except (ValueError, OSError, EOFError) as error:
        raise InvalidAudio("unreadable_file", f"{path}: {error}") from None
    if samples.dtype == np.float64:
        samples = samples.astype(np.float32)
    if samples.dtype.name not in _WAV_FORMATS:
        raise InvalidAudio("unknown_format", f"{path}: sample type {samples.dtype}")
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    little_endian = np.ascontiguousarray(samples, dtype=samples.dtype.newbyteorder("<"))
    return decode_audio_frame(
        little_endian, sample_rate, channels, _WAV_FORMATS[samples.dtype.name], max_seconds=None
    )
