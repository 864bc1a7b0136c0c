# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Media files cut from the shipped sample session, on the clock of the cut.

`write_video` writes the camera frames of [start_s, stop_s) as an MJPG AVI at the camera's
10 Hz, `write_wav` the microphone's audio of the same span (16 kHz mono), and
`session_cues` gives the final transcripts whose utterances lie in the span, with their
recorded utterance times; `write_srt` / `write_vtt` write cues as SubRip / WebVTT. Times in
the written files count from start_s, so all three share one clock.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hri_emo_ros.bags.reader import open_bag
from hri_emo_ros.commands.bag_audio import SAMPLE_BAG, bag_audio
from hri_emo_ros.commands.bag_audio import write_wav as write_pcm

CAMERA_TOPIC = "/camera/image_raw/compressed"
TRANSCRIPT_TOPIC = "/speech/transcript"
CAMERA_FPS = 10


def _seconds(stamp, origin_ns: int) -> float:
    return (stamp.sec * 10**9 + stamp.nanosec - origin_ns) * 1e-9


def write_video(path: Path, start_s: float, stop_s: float) -> Path:
    """The camera frames stamped in [start_s, stop_s) as an MJPG AVI at 10 fps."""
    writer = None
    with open_bag(SAMPLE_BAG) as bag:
        origin = bag.start_ns
        for _, msg in bag.messages(CAMERA_TOPIC):
            if not start_s - 1e-3 <= _seconds(msg.header.stamp, origin) < stop_s - 1e-3:
                continue
            bgr = cv2.imdecode(np.frombuffer(bytes(msg.data), np.uint8), cv2.IMREAD_COLOR)
            if writer is None:
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"),
                                         CAMERA_FPS, (bgr.shape[1], bgr.shape[0]))
            writer.write(bgr)
    assert writer is not None, f"no camera frame in [{start_s}, {stop_s})"
    writer.release()
    return path


def write_wav(path: Path, start_s: float, stop_s: float) -> Path:
    return write_pcm(path, bag_audio(SAMPLE_BAG, start_s=start_s, stop_s=stop_s))


def session_cues(start_s: float, stop_s: float) -> list[tuple[float, float, str]]:
    """(start, end, text) of every transcript whose utterance lies in the span, in seconds
    from start_s."""
    cues = []
    with open_bag(SAMPLE_BAG) as bag:
        origin = bag.start_ns
        for _, msg in bag.messages(TRANSCRIPT_TOPIC):
            begin = _seconds(msg.utterance_start, origin)
            end = _seconds(msg.utterance_end, origin)
            if start_s <= begin and end <= stop_s:
                cues.append((begin - start_s, end - start_s, msg.text))
    return cues


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}{separator}{millis % 1000:03d}"


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    blocks = [f"{i}\n{_clock(a, ',')} --> {_clock(b, ',')}\n{text}\n"
              for i, (a, b, text) in enumerate(cues, start=1)]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def write_vtt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    blocks = [f"{_clock(a, '.')} --> {_clock(b, '.')}\n{text}\n" for a, b, text in cues]
    path.write_text("WEBVTT\n\n" + "\n".join(blocks), encoding="utf-8")
    return path
