# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Build data/sample_session: the 50 s rosbag2 session that `make demo` replays.

Three episodes of one person in front of a robot (see data/sample_session/PROVENANCE.md):
  0-10 s  neutral: nobody in view; real recorded speech (CMU "cards" test recordings)
 10-30 s  happy:   a real smiling face photo; cheerful words, lively synthesised voice
 30-50 s  sad:     face hidden (occluded, then out of view); sad words, slow low voice
Topics: /camera/image_raw/compressed (sensor_msgs/CompressedImage, JPEG 640x480, 10 Hz),
/audio/audio (hri_emo_msgs/AudioFrame, S16LE 16 kHz mono, 100 ms), /speech/transcript
(hri_emo_msgs/Transcript, one final per utterance). Writes bag/, labels.csv, manifest.json.

Needs: espeak-ng (1.51 reproduces the shipped bag byte for byte), Debian
pocketsphinx-testdata, scikit-image (astronaut/brick photos), opencv, scipy.
Usage: python scripts/make_sample_session.py [--out data/sample_session]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from scipy.signal import lfilter, resample_poly

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from hri_emo_ros.bags.labels import LabelSpan, format_labels  # noqa: E402
from hri_emo_ros.bags.typestore import hri_typestore  # noqa: E402
from hri_emo_ros.bags.writer import BagWriter  # noqa: E402

SEED = 20260101
T0_NS = 1_767_261_600 * 10**9  # 2026-01-01 10:00:00 UTC: header and bag clock of t = 0
DURATION_S = 50.0
FPS = 10
WIDTH, HEIGHT = 640, 480
JPEG_QUALITY = 80
SAMPLE_RATE = 16000
CHUNK_S = 0.1
ASR_LATENCY_S = 0.3   # transcript stamp = end of the utterance + this
NOISE_DBFS = -60.0    # room noise floor
TESTDATA = Path("/usr/share/pocketsphinx/test/data")
IMAGE_TOPIC, AUDIO_TOPIC, TEXT_TOPIC = ("/camera/image_raw/compressed", "/audio/audio",
                                        "/speech/transcript")
FACE_BOX = (160, 45, 296, 186)  # x0, y0, x1, y1 around the astronaut's head (source pixels)


@dataclass(frozen=True)
class Voice:
    """espeak-ng settings: voice, words per minute, pitch 0-99, amplitude, word gap (10 ms)."""

    name: str
    speed: int
    pitch: int
    amplitude: int
    word_gap: int

    def command(self, text: str, wav: Path) -> list[str]:
        return ["espeak-ng", "-v", self.name, "-s", str(self.speed), "-p", str(self.pitch),
                "-a", str(self.amplitude), "-g", str(self.word_gap), "-w", str(wav), text]


@dataclass(frozen=True)
class Episode:
    emotion: str
    start: float
    end: float
    valence: float
    arousal: float
    scenes: tuple[tuple[float, str], ...]  # (from time, scene kind)
    lines: tuple[str, ...]                  # espeak sentences or testdata wav paths
    voice: Voice | None                     # None: the lines are real recordings
    peak: float                             # utterance peak level, full scale 1
    gap_s: float                            # silence between utterances


LIVELY = Voice("en-us+f3", speed=175, pitch=72, amplitude=130, word_gap=0)
SUBDUED = Voice("en-us+f3", speed=125, pitch=28, amplitude=70, word_gap=3)
EPISODES = (
    Episode("neutral", 0.0, 10.0, 0.0, 0.0, ((0.0, "absent"),),
            ("cards/001.wav", "cards/003.wav", "cards/005.wav"), None, 0.5, 0.8),
    Episode("happy", 10.0, 30.0, 0.8, 0.6, ((10.0, "face"),),
            ("Hi! It is so good to see you again!",
             "Guess what? I got the job! I am so happy!",
             "This is wonderful, thank you so much for your help.",
             "I love it, this is the best day ever!",
             "Let's celebrate together tonight!"), LIVELY, 0.7, 1.0),
    Episode("sad", 30.0, 50.0, -0.7, -0.5, ((30.0, "occluded"), (40.0, "absent")),
            ("I don't really feel like talking today.",
             "Everything went wrong, and I feel so alone.",
             "I miss her so much. It hurts.",
             "Nothing ever works out for me."), SUBDUED, 0.3, 1.2),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise SystemExit(f"{path}: expected 16-bit mono PCM")
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float64)
        rate = wav.getframerate()
    if rate != SAMPLE_RATE:
        samples = resample_poly(samples, SAMPLE_RATE, rate)
    return samples / 32768.0


def active_region(samples: np.ndarray) -> tuple[int, int]:
    """First and last sample of 20 ms frames louder than 3 % of the loudest frame."""
    frame = SAMPLE_RATE // 50
    rms = np.sqrt(np.mean(samples[: len(samples) // frame * frame].reshape(-1, frame) ** 2, 1))
    loud = np.flatnonzero(rms > 0.03 * rms.max())
    return int(loud[0] * frame), int((loud[-1] + 1) * frame)


def utterance_audio(episode: Episode, line: str, workdir: Path) -> tuple[np.ndarray, str]:
    """Trimmed, peak-normalised speech of one line and the transcript text."""
    if episode.voice is None:
        samples = read_wav(TESTDATA / line)
        text = reference_transcripts()[Path(line).stem]
    else:
        wav = workdir / "speech.wav"
        subprocess.run(episode.voice.command(line, wav), check=True, capture_output=True)
        samples, text = read_wav(wav), line
    first, last = active_region(samples)
    margin = SAMPLE_RATE // 20
    samples = samples[max(0, first - margin): last + margin]
    return samples * (episode.peak / np.abs(samples).max()), text


def reference_transcripts() -> dict[str, str]:
    """cards.transcription: '<s> ten of clubs </s> (001)' -> {'001': 'ten of clubs'}."""
    out = {}
    for row in (TESTDATA / "cards" / "cards.transcription").read_text().splitlines():
        words, _, key = row.rpartition("(")
        out[key.strip(" )")] = " ".join(w for w in words.split() if w not in ("<s>", "</s>"))
    return out


def build_audio(workdir: Path) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """The whole microphone signal and (start, end, text) of every utterance."""
    rng = np.random.default_rng(SEED)
    total = int(DURATION_S * SAMPLE_RATE)
    noise = lfilter([1.0], [1.0, -0.9], rng.standard_normal(total))  # soft, low-pass hiss
    signal = noise * (10 ** (NOISE_DBFS / 20) / noise.std())
    utterances = []
    for episode in EPISODES:
        t = episode.start + 0.8
        for line in episode.lines:
            samples, text = utterance_audio(episode, line, workdir)
            begin = int(round(t * SAMPLE_RATE))
            signal[begin: begin + len(samples)] += samples
            first, last = active_region(samples)
            utterances.append((t + first / SAMPLE_RATE, t + last / SAMPLE_RATE, text))
            t += len(samples) / SAMPLE_RATE + episode.gap_s
        if utterances[-1][1] + ASR_LATENCY_S > episode.end - 0.2:
            raise SystemExit(f"the {episode.emotion} episode's speech runs past "
                             f"{episode.end} s; shorten its lines")
    return np.clip(signal, -1.0, 32767 / 32768), utterances


def scene_sources() -> dict[str, np.ndarray]:
    """RGB source pictures 512x384 (4:3) of each scene kind."""
    from skimage import data  # scikit-image ships both photos

    face = np.ascontiguousarray(data.astronaut()[:384])
    occluded = face.copy()
    x0, y0, x1, y1 = FACE_BOX
    occluded[y0:y1, x0:x1] = (38, 44, 58)  # a flat dark card held in front of the face
    wall = np.repeat(data.brick()[:384, :, None], 3, axis=2)
    return {"face": face, "occluded": occluded, "absent": wall}


def camera_poses(seconds: int) -> list[tuple[int, int]]:
    """Crop offsets per second: a slow random walk (the robot's head is never quite still)."""
    rng = np.random.default_rng(SEED + 1)
    x, y, poses = 8, 6, []
    for _ in range(seconds):
        poses.append((x, y))
        x = int(np.clip(x + rng.integers(-2, 3), 0, 16))
        y = int(np.clip(y + rng.integers(-2, 3), 0, 12))
    return poses


def jpeg_frame(source: np.ndarray, pose: tuple[int, int]) -> bytes:
    x, y = pose
    crop = source[y: y + 372, x: x + 496]
    frame = cv2.resize(crop, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise SystemExit("OpenCV could not encode a JPEG frame")
    return jpeg.tobytes()


def scene_at(t: float) -> str:
    kind = "absent"
    for episode in EPISODES:
        for start, name in episode.scenes:
            if t >= start:
                kind = name
    return kind


def write_session(bag_dir: Path, workdir: Path) -> dict[str, int]:
    store = hri_typestore()
    types = store.types
    Time, Header = types["builtin_interfaces/msg/Time"], types["std_msgs/msg/Header"]

    def header(seconds: float, frame_id: str):
        ns = T0_NS + int(round(seconds * 1e9))
        return Header(stamp=Time(sec=ns // 10**9, nanosec=ns % 10**9), frame_id=frame_id), ns

    audio, utterances = build_audio(workdir)
    pcm = (np.round(audio * 32768)).astype("<i2")
    sources, poses = scene_sources(), camera_poses(int(DURATION_S))
    frames: dict[tuple[str, tuple[int, int]], bytes] = {}
    counts = {IMAGE_TOPIC: 0, AUDIO_TOPIC: 0, TEXT_TOPIC: 0}
    with BagWriter(bag_dir, "mcap", store) as bag:
        for k in range(int(DURATION_S * FPS)):
            t = k / FPS
            key = (scene_at(t), poses[int(t)])
            if key not in frames:
                frames[key] = jpeg_frame(sources[key[0]], key[1])
            head, ns = header(t, "camera_color_optical_frame")
            msg = types["sensor_msgs/msg/CompressedImage"](
                header=head, format="rgb8; jpeg compressed bgr8",
                data=np.frombuffer(frames[key], np.uint8))
            counts[IMAGE_TOPIC] += 1
            bag.write(IMAGE_TOPIC, msg.__msgtype__, ns, msg)
        chunk = int(CHUNK_S * SAMPLE_RATE)
        for k in range(len(pcm) // chunk):
            head, ns = header(k * CHUNK_S, "microphone")
            msg = types["hri_emo_msgs/msg/AudioFrame"](
                header=head, sample_rate=SAMPLE_RATE, channels=1, sample_format="S16LE",
                data=np.frombuffer(pcm[k * chunk:(k + 1) * chunk].tobytes(), np.uint8))
            counts[AUDIO_TOPIC] += 1
            bag.write(AUDIO_TOPIC, msg.__msgtype__, ns + chunk * 10**9 // SAMPLE_RATE, msg)
        for start, end, text in utterances:
            head, ns = header(end + ASR_LATENCY_S, "microphone")
            msg = types["hri_emo_msgs/msg/Transcript"](
                header=head, person_id="", text=text, is_final=True,
                confidence=float("nan"), language="en-US",
                utterance_start=header(start, "")[0].stamp, utterance_end=header(end, "")[0].stamp)
            counts[TEXT_TOPIC] += 1
            bag.write(TEXT_TOPIC, msg.__msgtype__, ns, msg)
    return counts


def library_versions() -> dict[str, str]:
    """Versions whose output is in the bag (JPEG encoder, resampler, photos, mcap writer)."""
    import importlib.metadata as metadata

    names = ("numpy", "scipy", "opencv-python-headless", "scikit-image", "rosbags")
    return {"espeak-ng": espeak_version()} | {n: metadata.version(n) for n in names}


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split(":")[1].split()[0] if ":" in out.stdout else out.stdout.strip()


def check_prerequisites() -> None:
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    if not (TESTDATA / "cards" / "001.wav").is_file():
        raise SystemExit(f"{TESTDATA} is missing (apt-get install pocketsphinx-testdata)")
    try:
        import skimage  # noqa: F401
    except ImportError:
        raise SystemExit("scikit-image is not installed (pip install scikit-image==0.26.0)") \
            from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "sample_session")
    args = parser.parse_args(argv)
    check_prerequisites()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        staged = Path(tmp) / "bag"
        counts = write_session(staged, Path(tmp))
        shutil.rmtree(args.out / "bag", ignore_errors=True)
        staged.rename(args.out / "bag")
    spans = [LabelSpan("*", e.start, e.end, e.emotion, e.valence, e.arousal) for e in EPISODES]
    (args.out / "labels.csv").write_text(format_labels(spans, (
        "Ground truth of bag/ (see PROVENANCE.md): intended emotion of the one person in the",
        "session. Seconds from the bag start; person_id * = that person, whatever id the",
        "pipeline gives them. Written by scripts/make_sample_session.py.")), encoding="utf-8")
    inputs = [TESTDATA / line for e in EPISODES if e.voice is None for line in e.lines]
    inputs.append(TESTDATA / "cards" / "cards.transcription")
    manifest = {
        "seed": SEED, "versions": library_versions(),
        "pictures": {kind: hashlib.sha256(pixels.tobytes()).hexdigest()
                     for kind, pixels in scene_sources().items()},
        "voices": {"happy": LIVELY.__dict__, "sad": SUBDUED.__dict__},
        "inputs": {str(p): sha256(p) for p in inputs},
        "outputs": {str(p.relative_to(args.out)): sha256(p)
                    for p in sorted(args.out.glob("bag/*")) + [args.out / "labels.csv"]},
        "message_counts": counts,
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(p.stat().st_size for p in (args.out / "bag").iterdir())
    print(f"wrote {args.out / 'bag'} ({size / 1e6:.2f} MB), {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
