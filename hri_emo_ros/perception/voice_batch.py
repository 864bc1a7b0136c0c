# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Voice features of WAV files, one JSON-serialisable record per speech segment.

    python -m hri_emo_ros.perception.voice_batch [--summary] FILE.wav ...
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, read_wav_file
from hri_emo_ros.perception.voice_activity import CHUNK_SAMPLES
from hri_emo_ros.perception.voice_pipeline import VoiceConfig, VoicePipeline, VoiceSegmentFeatures


def segments_to_records(segments: list[VoiceSegmentFeatures]) -> list[dict]:
    """JSON-serialisable summary per speech segment: start, end, speech_prob, features.

    Feature values are means over the segment's steps; `steps` holds the per-step
    vectors with their times.
    """
    grouped: dict[int, list[VoiceSegmentFeatures]] = {}
    for part in segments:
        grouped.setdefault(part.segment_id, []).append(part)
    records = []
    for segment_id, parts in grouped.items():
        features = np.concatenate([p.features for p in parts])
        if features.shape[0] == 0:
            continue
        times = np.concatenate([p.step_times for p in parts])
        means = features.mean(axis=0)
        record: dict = {
            "segment_id": segment_id,
            "start": round(parts[0].segment_start, 3),
            "end": round(parts[-1].segment_end, 3),
        }
        named = zip(AUDIO_FEATURES, means, strict=True)
        record.update({name: float(value) for name, value in named})
        record["steps"] = [
            {"time": round(float(t), 3), "features": [float(v) for v in row]}
            for t, row in zip(times, features, strict=True)
        ]
        records.append(record)
    return records


def analyse_wav_file(
    path: str | Path, config: VoiceConfig | None = None, chunk_s: float = 1.0
) -> list[dict]:
    """Speech segments of a WAV file with their voice features (see segments_to_records).

    Raises FileNotFoundError for a missing file, InvalidAudio for an unreadable one.
    """
    audio = read_wav_file(path)
    pipeline = VoicePipeline(config)
    chunk = max(CHUNK_SAMPLES, round(chunk_s * SAMPLE_RATE))
    segments: list[VoiceSegmentFeatures] = []
    for start in range(0, audio.samples.size, chunk):
        segments += pipeline.push(audio.samples[start:start + chunk], start / SAMPLE_RATE)
    segments += pipeline.flush()
    records = segments_to_records(segments)
    for record in records:
        record["clipped_fraction"] = audio.clipped_fraction
    return records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Voice features per speech segment of WAV files")
    parser.add_argument("wav", nargs="+", type=Path)
    parser.add_argument("--summary", action="store_true", help="omit the per-step vectors")
    args = parser.parse_args(argv)
    for path in args.wav:
        records = analyse_wav_file(path)
        if args.summary:
            for record in records:
                record.pop("steps")
        print(json.dumps({"file": str(path), "segments": records}))


if __name__ == "__main__":
    main()
