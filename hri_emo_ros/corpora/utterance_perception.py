# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One corpus utterance through the robot's own perception cores.

`UtterancePerception.analyse(MediaItem)` runs
- the WAV file through `perception.audio_decode.read_wav_file` (any rate, resampled to
  16 kHz) and `perception.voice_pipeline.VoicePipeline` (VAD + prosody, the voice node's
  core, pushed 1 s at a time as voice_batch does): one audio step per 0.25 s of speech;
- the video (or the span of it that the utterance covers) through
  `perception.face_pipeline.FacePipeline` (face_media's core) at `video_hz` frames per
  second. When several faces are tracked (IEMOCAP's dialog videos show both actors) the
  speaker is taken to be the track, among those seen in at least half as many frames as the
  most-seen one, whose mouth opening varies most ("most-mouth-motion");
- the transcript through `perception.text_pipeline.TextPipeline`, one step per word, the
  words spread evenly over the speech span as the text node spreads them over
  utterance_start..utterance_end.
Times are seconds from the utterance start. The face mesh runs without tracking between
frames and the tracker and VAD restart per utterance, so an utterance's features never
depend on which utterance a worker analysed before it. A modality that cannot be read is
left out and the reason kept in `errors`; other modalities still count.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from hri_emo_ros.common.feature_spec import FEATURE_NAMES, VIDEO_FEATURES
from hri_emo_ros.corpora.errors import CorpusError
from hri_emo_ros.fusion.records import ModalitySteps
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, InvalidAudio, read_wav_file
from hri_emo_ros.perception.face_media import TEXT_CODECS, UnreadableMedia
from hri_emo_ros.perception.voice_pipeline import EXTRACTOR_ID as VOICE_EXTRACTOR
from hri_emo_ros.perception.voice_pipeline import VoiceConfig

PERSON = "speaker"
TRACK_RULE = "most-mouth-motion/1"
MOUTH_OPEN = VIDEO_FEATURES.index("mouth_open")
WORDS_PER_SECOND = 2.5  # duration of a text-only item


@dataclass(frozen=True)
class MediaItem:
    """What perception needs of one utterance; `video_span` cuts a longer video (seconds)."""

    utterance_id: str
    wav_path: Path | None = None
    video_path: Path | None = None
    transcript: str | None = None
    video_span: tuple[float, float] | None = None

    def fingerprint(self) -> str:
        """Changes when the item's inputs change (file sizes, span, transcript), not when
        the corpus moves to another directory."""
        sizes = [p.stat().st_size if p is not None and p.is_file() else None
                 for p in (self.wav_path, self.video_path)]
        key = json.dumps([sizes, self.video_span, self.transcript])
        return hashlib.sha1(key.encode()).hexdigest()[:16]


@dataclass
class CachedUtterance:
    utterance_id: str
    duration: float
    speech_span: tuple[float, float]
    modalities: dict[str, ModalitySteps]  # FEATURE_NAMES spaces, times from utterance start
    errors: dict[str, str] = field(default_factory=dict)
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PerceptionConfig:
    video: bool = True
    video_hz: float = 15.0
    face_detector: str = "auto"     # "auto" | "mediapipe" | "haar"
    use_mesh: bool = True
    text: bool = True
    device: str = "auto"
    voice: VoiceConfig = field(default_factory=VoiceConfig)

    def __post_init__(self) -> None:
        if not 0.0 < self.video_hz <= 120.0:
            raise CorpusError("unknown_option", f"video_hz {self.video_hz} not in (0, 120]")

    @classmethod
    def from_dict(cls, data: dict | None) -> PerceptionConfig:
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise CorpusError("unknown_option", f"unknown perception options {sorted(unknown)}; "
                              f"known: {sorted(cls.__dataclass_fields__)}")
        if isinstance(data.get("voice"), dict):
            data["voice"] = VoiceConfig(**data["voice"])
        return cls(**data)

    def resolved_detector(self) -> str:
        if self.face_detector != "auto":
            return self.face_detector
        return "mediapipe" if importlib.util.find_spec("mediapipe") else "haar"

    def spec(self) -> dict:
        """Everything that shapes the cached features (the cache directory is its hash)."""
        from hri_emo_ros.common.model_files import models_dir
        from hri_emo_ros.perception.face_pipeline import EXTRACTOR_VERSION
        from hri_emo_ros.perception.text_pipeline import EXTRACTOR_ID as TEXT_EXTRACTOR
        from hri_emo_ros.perception.text_valence import HEAD_FILE

        names = hashlib.sha256(json.dumps(FEATURE_NAMES, sort_keys=True).encode()).hexdigest()
        voice = {k: v for k, v in asdict(self.voice).items() if k != "vad_threads"}
        spec: dict = {"feature_names": names[:16],
                      "audio": {"extractor": VOICE_EXTRACTOR, "config": voice}}
        if self.text:
            head = models_dir(HEAD_FILE) / HEAD_FILE
            if not head.is_file():
                raise CorpusError("missing_data", f"text valence head not found at {head}; "
                                  "train it or set perception.text: false")
            spec["text"] = {"extractor": TEXT_EXTRACTOR,
                            "head_sha256": hashlib.sha256(head.read_bytes()).hexdigest()[:16]}
        if self.video:
            spec["video"] = {"version": EXTRACTOR_VERSION, "detector": self.resolved_detector(),
                             "mesh": self.use_mesh, "mesh_tracking": False,
                             "hz": self.video_hz, "track_rule": TRACK_RULE}
        return spec


def video_frames(path: Path, span: tuple[float, float] | None,
                 hz: float) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds from the span start, RGB frame) at most `hz` per second, seeking to the span."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"video file not found: {path}")
    if path.stat().st_size == 0:
        raise UnreadableMedia("empty_file", path, "holds no bytes")
    start, end = span if span is not None else (0.0, math.inf)
    capture = cv2.VideoCapture(str(path))
    try:
        fourcc = (int(capture.get(cv2.CAP_PROP_FOURCC)) & 0xFFFFFFFF).to_bytes(4, "little")
        if not capture.isOpened() or fourcc.decode("latin-1").strip("\x00 ").lower() in TEXT_CODECS:
            raise UnreadableMedia("unknown_format", path, "OpenCV cannot read it as a video")
        fps = capture.get(cv2.CAP_PROP_FPS)
        if not fps or not math.isfinite(fps) or fps <= 0:
            raise UnreadableMedia("no_frame_rate", path, "the video has no frame rate")
        index = max(0, math.ceil(start * fps - 1e-6))
        if index > 0:
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        next_time = 0.0
        while True:
            ok, bgr = capture.read()
            if not ok or bgr is None or index / fps >= end:
                break
            offset = index / fps - start
            if offset + 1e-9 >= next_time:
                yield offset, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                next_time = (math.floor(offset * hz + 1e-9) + 1) / hz
            index += 1
    finally:
        capture.release()


def choose_track(tracks: dict[str, list]) -> str:
    """The speaker's face id (see the module docstring)."""
    most = max(len(observations) for observations in tracks.values())
    candidates = [fid for fid, obs in tracks.items() if len(obs) >= 0.5 * most]
    return max(candidates, key=lambda fid: (
        float(np.std([o.features[MOUTH_OPEN] for o in tracks[fid]])), len(tracks[fid]), fid))


def spread_words(count: int, span: tuple[float, float]) -> np.ndarray:
    start, end = span
    return start + (np.arange(count) + 0.5) * (end - start) / count


class UtterancePerception:
    """Perception cores, loaded on first use (a cache hit loads nothing)."""

    def __init__(self, config: PerceptionConfig | None = None) -> None:
        self.config = config or PerceptionConfig()
        self._voice = self._face = self._text = None
        self.calls = 0

    def analyse(self, item: MediaItem) -> CachedUtterance:
        self.calls += 1
        modalities: dict[str, ModalitySteps] = {}
        errors: dict[str, str] = {}
        info: dict = {"fingerprint": item.fingerprint()}
        duration, speech_span = 0.0, None
        if item.wav_path is not None:
            try:
                audio, speech_span, duration = self._audio(Path(item.wav_path))
                if audio is not None:
                    modalities["audio"] = audio
            except (FileNotFoundError, InvalidAudio) as error:
                errors["audio"] = str(error)
        if item.video_path is not None and self.config.video:
            try:
                video, video_duration, info["face_tracks"] = self._video(
                    Path(item.video_path), item.video_span)
                duration = max(duration, video_duration)
                if video is not None:
                    modalities["video"] = video
            except (FileNotFoundError, UnreadableMedia) as error:
                errors["video"] = str(error)
        if item.transcript and self.config.text:
            from hri_emo_ros.perception.text_pipeline import InvalidText

            try:
                result = self._text_pipeline().process(item.transcript)
                if duration <= 0.0:
                    duration = len(result.words) / WORDS_PER_SECOND
                span = speech_span or (0.0, duration)
                modalities["text"] = ModalitySteps(
                    "text", result.features, spread_words(len(result.words), span),
                    result.quality, list(result.words), PERSON, result.extractor)
            except InvalidText as error:
                errors["text"] = str(error)
        return CachedUtterance(item.utterance_id, duration, speech_span or (0.0, duration),
                               modalities, errors, info)

    def _audio(self, path: Path) -> tuple[ModalitySteps | None, tuple[float, float] | None,
                                          float]:
        from hri_emo_ros.perception.voice_pipeline import VoicePipeline

        samples = read_wav_file(path).samples
        if self._voice is None:
            self._voice = VoicePipeline(self.config.voice)
        self._voice.reset()
        parts = []
        for start in range(0, samples.size, SAMPLE_RATE):
            parts += self._voice.push(samples[start:start + SAMPLE_RATE], start / SAMPLE_RATE)
        parts += self._voice.flush()
        duration = samples.size / SAMPLE_RATE
        speech = [p for p in parts if p.steps]
        if not speech:
            return None, None, duration
        ids = {p.segment_id for p in speech}
        span = (min(p.segment_start for p in speech),
                max(p.segment_end for p in parts if p.segment_id in ids))
        steps = ModalitySteps(
            "audio", np.concatenate([p.features for p in speech]),
            np.concatenate([p.step_times for p in speech]),
            np.concatenate([p.quality for p in speech]), [], PERSON, VOICE_EXTRACTOR)
        return steps, span, duration

    def _video(self, path: Path, span: tuple[float, float] | None
               ) -> tuple[ModalitySteps | None, float, int]:
        pipeline = self._face_pipeline()
        pipeline.tracker.reset()
        tracks: dict[str, list] = {}
        frames, last = 0, 0.0
        for time, rgb in video_frames(path, span, self.config.video_hz):
            frames, last = frames + 1, time
            for observation in pipeline.process(rgb, time):
                tracks.setdefault(observation.face_id, []).append(observation)
        if frames == 0:
            raise UnreadableMedia("no_frames", path, f"no frame in the span {span}")
        duration = span[1] - span[0] if span is not None else last + 1.0 / self.config.video_hz
        if not tracks:
            return None, duration, 0
        chosen = tracks[choose_track(tracks)]
        steps = ModalitySteps(
            "video", np.stack([o.features for o in chosen]).astype(np.float32),
            np.array([o.stamp for o in chosen]), np.array([o.quality for o in chosen],
                                                          np.float32),
            [f"{o.expression}@{o.stamp:.2f}" for o in chosen], PERSON, pipeline.extractor)
        return steps, duration, len(tracks)

    def _face_pipeline(self):
        if self._face is None:
            from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig

            self._face = FacePipeline(FacePipelineConfig(
                detector=self.config.face_detector, use_mesh=self.config.use_mesh,
                mesh_tracking=False, redetect_period_s=0.0, device=self.config.device,
                torch_threads=0, tracker_seed=0))
            expected = self.config.resolved_detector()
            if expected not in self._face.extractor:
                raise CorpusError("bad_cache", f"the face detector resolved to "
                                  f"{self._face.extractor}, not {expected}; set "
                                  f"perception.face_detector explicitly")
        return self._face

    def _text_pipeline(self):
        if self._text is None:
            from hri_emo_ros.perception.text_pipeline import TextPipeline

            self._text = TextPipeline(device=self.config.device)
        return self._text

    def close(self) -> None:
        if self._face is not None:
            self._face.close()
            self._face = None
