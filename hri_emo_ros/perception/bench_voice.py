# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Benchmark of the voice core: AudioFrame bytes -> decode -> VAD -> prosody, as a node runs it.

Real speech (a WAV file) is cut into frames of `frame_s`, encoded as S16LE at
`source_rate` with `channels` channels (resampled and duplicated when they differ from the
file), and pushed through `AudioFrameDecoder` + `VoicePipeline` on the CPU.
Reports the wall-clock cost per second of audio (overall, and median and p99 over the
stream's one-second stretches; the last, partial one is left out),
the process CPU time per second of audio (robust to other load on the machine) and the
latency of one frame. Usage: python -m hri_emo_ros.perception.bench_voice [--wav FILE] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import time
from math import gcd
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, AudioFrameDecoder, read_wav_file
from hri_emo_ros.perception.voice_pipeline import VoicePipeline

DEFAULT_WAV_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")


def _speech_samples(wav: Path | None) -> tuple[np.ndarray, str]:
    paths = [wav] if wav is not None else sorted(DEFAULT_WAV_DIR.glob("*.wav"))
    if not paths:
        raise FileNotFoundError(
            f"no WAV file given and none in {DEFAULT_WAV_DIR} (apt-get install "
            "pocketsphinx-testdata, or pass --wav)"
        )
    samples = np.concatenate([read_wav_file(p).samples for p in paths])
    return samples, ", ".join(str(p) for p in paths)


def _encode_frames(
    samples: np.ndarray, source_rate: int, channels: int, frame_s: float
) -> list[bytes]:
    if source_rate != SAMPLE_RATE:
        divisor = gcd(source_rate, SAMPLE_RATE)
        samples = resample_poly(samples, source_rate // divisor, SAMPLE_RATE // divisor)
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    interleaved = np.repeat(pcm, channels)
    frame = round(frame_s * source_rate) * channels
    return [interleaved[i:i + frame].tobytes() for i in range(0, interleaved.size, frame)]


def run(
    wav: str | Path | None = None,
    source_rate: int = SAMPLE_RATE,
    channels: int = 1,
    frame_s: float = 0.1,
    repeats: int = 3,
) -> dict:
    samples, source = _speech_samples(Path(wav) if wav is not None else None)
    frames = _encode_frames(samples, source_rate, channels, frame_s)
    pipeline = VoicePipeline()
    per_frame_ms: list[float] = []
    per_audio_second_ms: list[float] = []
    total_s = 0.0
    cpu_s = 0.0
    steps = 0
    for _ in range(repeats):
        pipeline.reset()
        decoder = AudioFrameDecoder()
        pass_offset = len(per_audio_second_ms)
        started = time.perf_counter()
        cpu_started = time.process_time()
        for index, data in enumerate(frames):
            tick = time.perf_counter()
            audio = decoder.decode(data, source_rate, channels, "S16LE", index * frame_s)
            for segment in pipeline.push(audio.samples, audio.stamp):
                steps += segment.steps
            elapsed_ms = (time.perf_counter() - tick) * 1000.0
            per_frame_ms.append(elapsed_ms)
            second = int(index * frame_s + 1e-9)
            if second == len(per_audio_second_ms) - pass_offset:
                per_audio_second_ms.append(0.0)
            per_audio_second_ms[pass_offset + second] += elapsed_ms
        pipeline.flush()
        total_s += time.perf_counter() - started
        cpu_s += time.process_time() - cpu_started
    audio_seconds = samples.size / SAMPLE_RATE
    seconds_per_pass = len(per_audio_second_ms) // repeats
    whole_seconds = [
        per_audio_second_ms[p * seconds_per_pass + s]
        for p in range(repeats)
        for s in range(int(audio_seconds))
    ]
    return {
        "source": source,
        "audio_seconds": round(audio_seconds, 2),
        "source_rate": source_rate,
        "channels": channels,
        "frame_s": frame_s,
        "repeats": repeats,
        "speech_steps_per_pass": steps // repeats,
        "ms_per_audio_second_overall": round(total_s * 1000.0 / (audio_seconds * repeats), 2),
        "cpu_ms_per_audio_second_overall": round(cpu_s * 1000.0 / (audio_seconds * repeats), 2),
        "ms_per_audio_second_median": round(float(np.median(whole_seconds)), 2),
        "ms_per_audio_second_p99": round(float(np.percentile(whole_seconds, 99)), 2),
        "frame_latency_ms_median": round(float(np.median(per_frame_ms)), 3),
        "frame_latency_ms_p99": round(float(np.percentile(per_frame_ms, 99)), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wav", type=Path)
    parser.add_argument("--source-rate", type=int, default=SAMPLE_RATE)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--frame-s", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.wav, args.source_rate, args.channels, args.frame_s, args.repeats)))


if __name__ == "__main__":
    main()
