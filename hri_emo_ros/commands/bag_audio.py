# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Audio of a bag's AudioFrame topic as PCM, and WAV files written from it.

`bag_audio(bag)` concatenates the S16LE frames of one topic in time order (frames are
assumed contiguous, as a microphone driver publishes them) and cuts `[start_s, stop_s)`,
counted in seconds from the bag start on the frames' header stamps. `SAMPLE_BAG` is the
sample session that ships with the repository (its first 10 s hold real read speech).
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import open_bag

SAMPLE_BAG = Path(__file__).resolve().parents[2] / "data" / "sample_session" / "bag"
AUDIO_TOPIC = "/audio/audio"


@dataclass(frozen=True)
class PcmAudio:
    samples: np.ndarray  # int16, (frames, channels)
    sample_rate: int
    start_s: float  # time of the first sample, seconds from the bag start

    @property
    def seconds(self) -> float:
        return self.samples.shape[0] / self.sample_rate


def bag_audio(
    bag: str | Path = SAMPLE_BAG,
    topic: str = AUDIO_TOPIC,
    start_s: float | None = None,
    stop_s: float | None = None,
) -> PcmAudio:
    """The S16LE audio of `topic` between `start_s` and `stop_s` (None: the whole topic)."""
    chunks: list[np.ndarray] = []
    with open_bag(bag) as reader:
        origin_ns = reader.start_ns or 0
        first_stamp: float | None = None
        layout: tuple[int, int] | None = None
        for _, msg in reader.messages(topic):
            if msg.sample_format != "S16LE":
                raise BagError("bad_record", f"{bag}: {topic} carries {msg.sample_format} "
                                             "audio; only S16LE is extracted")
            if layout is None:
                layout = (int(msg.sample_rate), int(msg.channels))
                stamp_ns = msg.header.stamp.sec * 10**9 + msg.header.stamp.nanosec
                first_stamp = (stamp_ns - origin_ns) * 1e-9
            elif layout != (msg.sample_rate, msg.channels):
                raise BagError("bad_record", f"{bag}: the sample rate or channel count of "
                                             f"{topic} changes within the bag")
            chunks.append(np.frombuffer(bytes(msg.data), "<i2"))
    if layout is None or first_stamp is None:
        raise BagError("bad_record", f"{bag}: {topic} holds no audio")
    rate, channels = layout
    samples = np.concatenate(chunks)
    samples = samples[: samples.size // channels * channels].reshape(-1, channels)
    first = 0 if start_s is None else max(0, round((start_s - first_stamp) * rate))
    last = samples.shape[0] if stop_s is None else max(first, round((stop_s - first_stamp) * rate))
    return PcmAudio(samples[first:last].astype(np.int16), rate, first_stamp + first / rate)


def write_wav(path: str | Path, audio: PcmAudio) -> Path:
    """Write 16-bit PCM `audio` as a WAV file."""
    path = Path(path)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(audio.samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        out.writeframes(audio.samples.astype("<i2").tobytes())
    return path
