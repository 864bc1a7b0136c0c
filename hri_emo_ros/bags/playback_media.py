# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Camera frames, audio chunks and transcripts cut from a bag, for live playback.

`load_playback_media(bag)` takes, from the sample session by default, the JPEG frames of a
span where a face is in view (10-30 s: the smiling face), the S16LE audio of a span of real
speech (0-10 s: CMU read speech), re-cut into equal chunks, and every final transcript's
text with its utterance duration. A player cycles through them with fresh stamps. Frames
that are not 640x480 are scaled to cover it and centre-cropped (then re-encoded as JPEG);
identical consecutive pictures are stored once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import open_bag

FRAME_WIDTH, FRAME_HEIGHT = 640, 480
JPEG_QUALITY = 80
CAMERA_TOPIC = "/camera/image_raw/compressed"
AUDIO_TOPIC = "/audio/audio"
TRANSCRIPT_TOPIC = "/speech/transcript"
FACE_SPAN_S = (10.0, 30.0)
SPEECH_SPAN_S = (0.0, 10.0)


@dataclass(frozen=True)
class SpokenText:
    text: str
    duration_s: float


@dataclass(frozen=True)
class PlaybackMedia:
    pictures: list[bytes]          # distinct JPEG pictures, 640x480
    frame_order: list[int]         # indices into `pictures`, in bag order
    image_format: str              # CompressedImage.format, e.g. "rgb8; jpeg compressed bgr8"
    audio_chunks: list[bytes]      # S16LE, equal length
    sample_rate: int
    channels: int
    chunk_s: float
    transcripts: list[SpokenText]
    source: str

    def rgb_pictures(self) -> list[np.ndarray]:
        """The distinct pictures decoded to (480, 640, 3) uint8 RGB."""
        return [cv2.cvtColor(_decode(data), cv2.COLOR_BGR2RGB) for data in self.pictures]

    def describe(self) -> dict:
        return {"source": self.source, "frames": len(self.frame_order),
                "distinct_pictures": len(self.pictures), "size": [FRAME_WIDTH, FRAME_HEIGHT],
                "audio_s": round(len(self.audio_chunks) * self.chunk_s, 3),
                "sample_rate": self.sample_rate, "chunk_s": self.chunk_s,
                "transcripts": len(self.transcripts)}


def _decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise BagError("bad_record", "a camera frame of the bag is not a decodable image")
    return image


def fit_picture(data: bytes) -> bytes:
    """The JPEG/PNG `data` as a 640x480 JPEG (unchanged when it already is one)."""
    image = _decode(data)
    height, width = image.shape[:2]
    if (width, height) == (FRAME_WIDTH, FRAME_HEIGHT) and data[:2] == b"\xff\xd8":
        return data
    scale = max(FRAME_WIDTH / width, FRAME_HEIGHT / height)
    size = (max(FRAME_WIDTH, round(width * scale)), max(FRAME_HEIGHT, round(height * scale)))
    image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    top, left = (size[1] - FRAME_HEIGHT) // 2, (size[0] - FRAME_WIDTH) // 2
    image = image[top:top + FRAME_HEIGHT, left:left + FRAME_WIDTH]
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise BagError("bad_record", "could not re-encode a camera frame as JPEG")
    return encoded.tobytes()


def _span_ns(origin_ns: int, span_s: tuple[float, float]) -> tuple[int, int]:
    return origin_ns + round(span_s[0] * 1e9), origin_ns + round(span_s[1] * 1e9)


def load_playback_media(bag: str | Path, face_span_s: tuple[float, float] = FACE_SPAN_S,
                        speech_span_s: tuple[float, float] = SPEECH_SPAN_S,
                        chunk_s: float = 0.1) -> PlaybackMedia:
    """Frames of `face_span_s`, audio of `speech_span_s` (seconds from the bag start) and all
    final transcripts of `bag`; BagError when any of them is missing."""
    pictures: list[bytes] = []
    index_of: dict[bytes, int] = {}
    order: list[int] = []
    image_format = ""
    pcm: list[np.ndarray] = []
    layout: tuple[int, int] | None = None
    transcripts: list[SpokenText] = []
    with open_bag(bag) as reader:
        origin = reader.start_ns or 0
        start, stop = _span_ns(origin, face_span_s)
        for _, msg in reader.messages(CAMERA_TOPIC, start, stop):
            data = bytes(msg.data)
            if data not in index_of:
                index_of[data] = len(pictures)
                pictures.append(fit_picture(data))
            order.append(index_of[data])
            image_format = msg.format if data[:2] == b"\xff\xd8" else "jpeg"
        start, stop = _span_ns(origin, speech_span_s)
        for _, msg in reader.messages(AUDIO_TOPIC, start, stop):
            if msg.sample_format != "S16LE" or (layout and layout != (msg.sample_rate,
                                                                       msg.channels)):
                raise BagError("bad_record", f"{bag}: {AUDIO_TOPIC} must carry S16LE audio "
                                             "of one rate and channel count")
            layout = (int(msg.sample_rate), int(msg.channels))
            pcm.append(np.frombuffer(bytes(msg.data), "<i2"))
        for _, msg in reader.messages(TRANSCRIPT_TOPIC):
            span = (msg.utterance_end.sec - msg.utterance_start.sec) + (
                msg.utterance_end.nanosec - msg.utterance_start.nanosec) * 1e-9
            if msg.is_final and msg.text.strip():
                transcripts.append(SpokenText(msg.text, float(np.clip(span, 0.3, 10.0))))
    if not order or layout is None or not transcripts:
        raise BagError("bad_record", f"{bag}: needs camera frames in {face_span_s} s, audio in "
                                     f"{speech_span_s} s and final transcripts")
    rate, channels = layout
    samples = np.concatenate(pcm)
    step = round(chunk_s * rate) * channels
    chunks = [samples[i:i + step].astype("<i2").tobytes()
              for i in range(0, samples.size - step + 1, step)]
    if not chunks:
        raise BagError("bad_record", f"{bag}: less than {chunk_s} s of audio in {speech_span_s}")
    return PlaybackMedia(pictures, order, image_format, chunks, rate, channels, chunk_s,
                         transcripts, str(bag))
