# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""AudioFrame decoding: every sample format, downmix, resampling, and each bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.io import wavfile

from hri_emo_ros.perception.audio_decode import (
    SAMPLE_RATE,
    AudioFrameDecoder,
    InvalidAudio,
    StreamingResampler,
    decode_audio_frame,
    decode_pcm,
    read_wav_file,
    resample,
)


def _ramp(count: int = 1000) -> np.ndarray:
    return np.linspace(-0.9, 0.9, count)


@pytest.mark.parametrize(
    ("sample_format", "encode", "tolerance"),
    [
        ("S16LE", lambda x: np.round(x * 32768).astype("<i2").tobytes(), 1 / 32768),
        ("S32LE", lambda x: np.round(x * 2**31).astype("<i4").tobytes(), 1e-6),
        ("F32LE", lambda x: x.astype("<f4").tobytes(), 1e-7),
        ("U8", lambda x: np.round(x * 128 + 128).astype("u1").tobytes(), 1 / 128),
    ],
)
def test_each_format_decodes_to_the_same_signal(sample_format, encode, tolerance):
    signal = _ramp()
    mono, clipped = decode_pcm(encode(signal), SAMPLE_RATE, 1, sample_format)
    assert mono.dtype == np.float32
    np.testing.assert_allclose(mono, signal, atol=tolerance)
    assert clipped == 0.0


def test_stereo_is_downmixed_to_the_channel_mean():
    left, right = _ramp(), np.full(1000, 0.25)
    interleaved = np.stack([left, right], axis=1).ravel()
    mono, _ = decode_pcm(interleaved.astype("<f4").tobytes(), SAMPLE_RATE, 2, "F32LE")
    np.testing.assert_allclose(mono, (left + right) / 2, atol=1e-6)


def test_clipped_audio_is_accepted_and_its_share_reported():
    pcm = np.zeros(1000, dtype="<i2")
    pcm[:50] = 32767
    pcm[50:100] = -32768
    audio = decode_audio_frame(pcm.tobytes(), SAMPLE_RATE, 1, "S16LE")
    assert audio.clipped_fraction == pytest.approx(0.1)
    floats = np.full(100, 0.5, dtype="<f4")
    floats[:10] = 1.7
    audio = decode_audio_frame(floats.tobytes(), SAMPLE_RATE, 1, "F32LE")
    assert audio.clipped_fraction == pytest.approx(0.1)
    assert audio.samples.max() <= 1.0


def test_list_of_ints_as_data_is_accepted():
    mono, _ = decode_pcm([0, 0, 255, 127], SAMPLE_RATE, 1, "S16LE")
    np.testing.assert_allclose(mono, [0.0, 32767 / 32768], atol=1e-7)


@pytest.mark.parametrize(
    ("data", "rate", "channels", "sample_format", "reason"),
    [
        (b"\x00\x00", SAMPLE_RATE, 1, "MP3", "unknown_format"),
        (b"\x00\x00", SAMPLE_RATE, 1, "s16le", "unknown_format"),
        (b"\x00\x00\x00", SAMPLE_RATE, 1, "S16LE", "bad_length"),
        (b"\x00\x00\x00\x00\x00\x00", SAMPLE_RATE, 2, "S16LE", "bad_length"),
        (b"\x00\x00", 0, 1, "S16LE", "bad_sample_rate"),
        (b"\x00\x00", 10_000_000, 1, "S16LE", "bad_sample_rate"),
        (b"\x00\x00", SAMPLE_RATE, 0, "S16LE", "bad_channels"),
        (b"", SAMPLE_RATE, 1, "S16LE", "empty"),
        (np.array([0.1, np.nan], "<f4").tobytes(), SAMPLE_RATE, 1, "F32LE", "nan_values"),
        (np.array([np.inf, 0.0], "<f4").tobytes(), SAMPLE_RATE, 1, "F32LE", "nan_values"),
        ([0, 300], SAMPLE_RATE, 1, "S16LE", "bad_data"),
        ("text", SAMPLE_RATE, 1, "S16LE", "bad_data"),
        (bytes(2 * 16000 * 61), SAMPLE_RATE, 1, "S16LE", "too_long"),
    ],
)
def test_bad_frames_are_rejected_with_their_reason(data, rate, channels, sample_format, reason):
    with pytest.raises(InvalidAudio) as caught:
        decode_audio_frame(data, rate, channels, sample_format)
    assert caught.value.reason == reason


@pytest.mark.parametrize("source_rate", [8000, 22050, 44100, 48000])
def test_streaming_resampler_equals_one_shot_resampling(source_rate):
    rng = np.random.default_rng(source_rate)
    signal = (0.3 * rng.standard_normal(source_rate * 2)).astype(np.float32)
    one_shot = resample(signal, source_rate)
    assert one_shot.size == SAMPLE_RATE * 2
    resampler = StreamingResampler(source_rate)
    parts, start = [], 0
    while start < signal.size:
        size = int(rng.integers(1, 4000))
        parts.append(resampler.push(signal[start:start + size]))
        start += size
    parts.append(resampler.flush())
    np.testing.assert_allclose(np.concatenate(parts), one_shot, atol=1e-6)


def test_resampling_keeps_a_tone_at_its_frequency():
    rate = 44100
    tone = np.sin(2 * np.pi * 440.0 * np.arange(rate) / rate).astype(np.float32)
    out = resample(tone, rate)
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) * SAMPLE_RATE / out.size == pytest.approx(440.0, abs=1.0)


def test_frame_decoder_stamps_follow_the_stream():
    rate, frame = 48000, 4800
    decoder = AudioFrameDecoder()
    pcm = np.zeros(frame * 5, dtype="<i2")
    stamps, total = [], 0
    for index in range(5):
        audio = decoder.decode(
            pcm[index * frame:(index + 1) * frame].tobytes(), rate, 1, "S16LE", 10.0 + index * 0.1
        )
        stamps.append(audio.stamp)
        if index:
            assert audio.stamp == pytest.approx(10.0 + total / SAMPLE_RATE, abs=1e-9)
        total += audio.samples.size
    assert stamps[0] == pytest.approx(10.0)
    assert total == pytest.approx(5 * frame / 3, abs=40)


def test_read_wav_file_missing_and_unreadable(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        read_wav_file(tmp_path / "absent.wav")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"this is not a wav file at all")
    with pytest.raises(InvalidAudio) as caught:
        read_wav_file(junk)
    assert caught.value.reason == "unreadable_file"


def test_read_wav_file_resamples_stereo(tmp_path):
    rate = 22050
    tone = 0.5 * np.sin(2 * np.pi * 200.0 * np.arange(rate) / rate)
    stereo = np.round(np.stack([tone, tone], axis=1) * 32767).astype(np.int16)
    path = tmp_path / "tone.wav"
    wavfile.write(path, rate, stereo)
    audio = read_wav_file(path)
    assert audio.source_rate == rate and audio.source_channels == 2
    assert audio.samples.size == SAMPLE_RATE
    assert np.sqrt(np.mean(audio.samples[1000:-1000] ** 2)) == pytest.approx(0.5 / np.sqrt(2), 0.01)
