# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Voice pipeline on real speech: speech is found, silence is not, and resampled or
re-chunked input gives the same decisions.

Real speech is cut from the sample session bag that ships with the repository (test/
sample_speech.py): CMU Sphinx read speech, and espeak-ng speech written back at 22.05 kHz.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sample_speech import (
    CMU_SENTENCE,
    ESPEAK_RATE,
    ESPEAK_SENTENCE,
    utterance_samples,
    utterance_span,
    utterance_wav,
)

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES, AUDIO_HOP_S
from hri_emo_ros.perception.audio_decode import (
    SAMPLE_RATE,
    AudioFrameDecoder,
    InvalidAudio,
    read_wav_file,
    resample,
)
from hri_emo_ros.perception.voice_activity import StreamingVad, locate_silero_model
from hri_emo_ros.perception.voice_batch import analyse_wav_file
from hri_emo_ros.perception.voice_pipeline import VoicePipeline, VoiceSegmentFeatures

PAD_S = 0.3  # room noise kept before and after the utterance


@pytest.fixture(scope="module")
def vad() -> StreamingVad:
    return StreamingVad()


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """3.6 s: real read speech (3.0 s) with 0.3 s of quiet room noise either side."""
    return utterance_samples(CMU_SENTENCE, PAD_S)


def _run(samples: np.ndarray, pipeline: VoicePipeline, chunk: int = 1600) -> list:
    pipeline.reset()
    out: list[VoiceSegmentFeatures] = []
    for start in range(0, samples.size, chunk):
        out += pipeline.push(samples[start:start + chunk], 100.0 + start / SAMPLE_RATE)
    out += pipeline.flush()
    assert pipeline.flush() == []  # the stream has ended: nothing more comes out
    return out


def _steps(segments: list[VoiceSegmentFeatures]) -> tuple[np.ndarray, np.ndarray]:
    with_steps = [s for s in segments if s.steps]
    if not with_steps:
        return np.zeros((0, len(AUDIO_FEATURES))), np.zeros(0)
    return (
        np.concatenate([s.features for s in with_steps]),
        np.concatenate([s.step_times for s in with_steps]),
    )


def test_model_is_found_without_importing_silero_vad():
    assert locate_silero_model().name == "silero_vad.onnx"


def test_vad_scores_speech_high_and_silence_low(vad, speech):
    vad.reset()
    speech_probs = vad.process(speech[6000:-6000])  # trim the 0.3 s pauses (and word edges)
    vad.reset()
    silence_probs = vad.process(np.zeros(SAMPLE_RATE * 2, np.float32))
    noise = (0.003 * np.random.default_rng(0).standard_normal(SAMPLE_RATE * 2)).astype(np.float32)
    vad.reset()
    noise_probs = vad.process(noise)
    assert np.mean(speech_probs > 0.5) > 0.8
    assert silence_probs.max() < 0.2
    assert noise_probs.max() < 0.5


def test_speech_between_silences_gives_two_segments_and_nothing_in_the_gap(vad, speech):
    gap = np.zeros(SAMPLE_RATE * 3, np.float32)
    stream = np.concatenate([gap, speech, gap, speech, gap])
    segments = _run(stream, VoicePipeline(vad=vad))
    features, times = _steps(segments)
    ids = sorted({s.segment_id for s in segments})
    assert ids == [0, 1]
    assert [s.is_final for s in segments if s.segment_id == 0][-1]
    assert [s.is_final for s in segments if s.segment_id == 1][-1]
    offsets = times - 100.0
    speech_len = speech.size / SAMPLE_RATE
    first = (3.0 - AUDIO_HOP_S, 3.0 + speech_len + AUDIO_HOP_S)
    second = (6.0 + speech_len - AUDIO_HOP_S, 6.0 + 2 * speech_len + AUDIO_HOP_S)
    inside = ((offsets > first[0]) & (offsets < first[1])) | (
        (offsets > second[0]) & (offsets < second[1])
    )
    assert inside.all(), offsets[~inside]
    assert features.shape[1] == len(AUDIO_FEATURES)
    assert np.isfinite(features).all()
    assert (features[:, AUDIO_FEATURES.index("speech_prob")] >= 0.5).all()
    start = segments[0].segment_start - 100.0
    assert 3.0 <= start < 3.0 + 0.6  # the utterance opens after a short pause


def test_is_speaking_follows_the_voice(vad, speech):
    pipeline = VoicePipeline(vad=vad)
    pipeline.push(np.zeros(SAMPLE_RATE, np.float32), 0.0)
    assert not pipeline.is_speaking
    pipeline.push(speech[: SAMPLE_RATE * 2], 1.0)
    assert pipeline.is_speaking
    pipeline.push(np.zeros(SAMPLE_RATE, np.float32), 3.0)
    assert not pipeline.is_speaking


def test_silence_and_quiet_noise_produce_no_steps(vad):
    pipeline = VoicePipeline(vad=vad)
    assert _run(np.zeros(SAMPLE_RATE * 3, np.float32), pipeline) == []
    noise = (0.003 * np.random.default_rng(2).standard_normal(SAMPLE_RATE * 3)).astype(np.float32)
    assert _run(noise, pipeline) == []


def test_44k1_stereo_s16le_frames_give_the_same_decisions_as_16k_mono(vad, speech):
    gap = np.zeros(SAMPLE_RATE, np.float32)
    stream = np.concatenate([gap, speech, gap])
    reference = _run(stream, VoicePipeline(vad=vad))

    rate = 44100
    pcm = np.round(np.clip(resample(stream, SAMPLE_RATE, rate), -1, 1) * 32767).astype("<i2")
    interleaved = np.repeat(pcm, 2)  # identical left and right channels
    decoder, pipeline = AudioFrameDecoder(), VoicePipeline(vad=vad)
    frame = 2 * 2048  # 2048 stereo frames per message, a common capture size
    resampled: list[VoiceSegmentFeatures] = []
    for index, start in enumerate(range(0, interleaved.size, frame)):
        data = interleaved[start:start + frame].tobytes()
        audio = decoder.decode(data, rate, 2, "S16LE", 100.0 + index * 2048 / rate)
        resampled += pipeline.push(audio.samples, audio.stamp)
    resampled += pipeline.flush()

    ref_features, ref_times = _steps(reference)
    new_features, new_times = _steps(resampled)
    assert len({s.segment_id for s in reference}) == len({s.segment_id for s in resampled}) == 1
    assert abs(ref_times.size - new_times.size) <= 1
    common = min(ref_times.size, new_times.size)
    np.testing.assert_allclose(new_times[:common], ref_times[:common], atol=0.005)
    prob = AUDIO_FEATURES.index("speech_prob")
    assert np.abs(new_features[:common, prob] - ref_features[:common, prob]).max() < 0.1
    assert reference[0].segment_start == pytest.approx(resampled[0].segment_start, abs=0.07)


def test_chunk_size_does_not_change_the_features(vad, speech):
    small, small_times = _steps(_run(speech, VoicePipeline(vad=vad), chunk=320))
    large, large_times = _steps(_run(speech, VoicePipeline(vad=vad), chunk=SAMPLE_RATE))
    np.testing.assert_allclose(small_times, large_times)
    np.testing.assert_allclose(small, large, rtol=1e-5, atol=1e-4)


def test_espeak_speech_is_detected(tmp_path, vad):
    path = utterance_wav(tmp_path / "espeak.wav", ESPEAK_SENTENCE, pad_s=0.0, rate=ESPEAK_RATE)
    audio = read_wav_file(path)
    assert audio.source_rate != SAMPLE_RATE  # espeak-ng writes 22.05 kHz: resampled here
    padded = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), audio.samples])
    segments = _run(padded, VoicePipeline(vad=vad))
    _, times = _steps(segments)
    speech_seconds = audio.samples.size / SAMPLE_RATE
    assert times.size >= 0.6 * speech_seconds / AUDIO_HOP_S
    assert (times - 100.0 > 1.0 - AUDIO_HOP_S).all()


def test_wav_file_analysis_is_json_serialisable(tmp_path):
    records = analyse_wav_file(utterance_wav(tmp_path / "speech.wav", CMU_SENTENCE, PAD_S))
    assert len(records) == 1
    record = json.loads(json.dumps(records))[0]
    start, end = utterance_span(CMU_SENTENCE)
    assert 0.0 <= record["start"] < 2 * PAD_S
    assert abs(record["end"] - (PAD_S + end - start)) < 0.4
    assert set(AUDIO_FEATURES) <= set(record)
    assert record["speech_prob"] >= 0.5
    assert len(record["steps"]) >= 8
    assert all(len(step["features"]) == len(AUDIO_FEATURES) for step in record["steps"])


def test_wav_file_analysis_missing_or_unreadable(tmp_path):
    with pytest.raises(FileNotFoundError):
        analyse_wav_file(tmp_path / "missing.wav")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....WAVEjunk")
    with pytest.raises(InvalidAudio) as caught:
        analyse_wav_file(bad)
    assert caught.value.reason == "unreadable_file"


@pytest.mark.parametrize(
    ("samples", "reason"),
    [
        (np.zeros((2, 100), np.float32), "bad_shape"),
        (np.zeros(100, np.int16), "bad_dtype"),
        (np.array([0.0, np.nan], np.float32), "nan_values"),
        (np.array([np.inf] * 10, np.float64), "nan_values"),
    ],
)
def test_bad_samples_are_rejected(vad, samples, reason):
    with pytest.raises(InvalidAudio) as caught:
        VoicePipeline(vad=vad).push(samples, 0.0)
    assert caught.value.reason == reason
