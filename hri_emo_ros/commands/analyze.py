# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo analyze`: run the perception cores over files, one JSON object per line.

Per-source output (the default):

    hri-emo analyze --text-file notes.txt --image photo.png --video clip.mp4 --audio talk.wav

Each line carries `source` (text, image, video or audio) and `file`, then what the core
gives: per non-blank text line {text, valence, vader_compound, words, ...} (a line the text
core refuses, e.g. "...", gives {text, error}); per face and frame {face_id, box,
expression, scores, ...}; per speech segment {start, end, speech_prob, <voice features>}.

Fused output, chosen by giving --transcript or --fuse:

    hri-emo analyze --video clip.mp4 --audio talk.wav --transcript talk.srt [--window 2.0]
                    [--rate 2.0] [--checkpoint fusion.pt]
    hri-emo analyze --fuse --video clip.mp4 --audio talk.wav

The video, the audio and the transcript (one of each at most, any subset) share one clock
that starts at 0 s at the start of each file. They go through the live graph's own cores:
the face, voice and text pipelines as the nodes run them, the fusion node's schedule
(data-driven time, --window seconds of face and voice, 8 s of words, stale after 1 s,
voice and words without a speaker id given to the only visible face) and the fusion
checkpoint with its emotion decoder (the shipped one unless --checkpoint). Each line is one
fusion window of one person: {source: "fusion", start, end (seconds from the media start),
person_id, scores, dominant, valence, arousal, confidence, modalities, gate_weights (of
the modalities present), steps, explanation: {gate_mean (every modality, 0 when absent),
top_words, attribution (per emotion: share per modality and top steps), summary,
attribution_method}}. A person is fused at most --rate times per second, when new data
arrives for them; no line is written where no modality is fresh. A transcript is SubRip
(.srt), WebVTT (.vtt) or `start end text` lines with times in seconds; a video's own sound
track is not read: pass it as a WAV file with --audio (ffmpeg -i clip.mp4 -ac 1 talk.wav).

Every input is checked before any model loads; a missing or unreadable input stops the
command with one line on stderr, `hri-emo analyze: <path>: <reason>: <detail>`, and exit
code 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from hri_emo_ros.commands.arg_types import positive_float, positive_int
from hri_emo_ros.commands.errors import CommandError
from hri_emo_ros.commands.native_logs import quiet_stderr

SOURCES = ("text", "image", "video", "audio")
FUSED_SOURCES = ("video", "audio", "transcript")
FUSED_OPTIONS = ("window", "rate", "checkpoint")
PER_SOURCE_ONLY = {"text": "--text-file", "image": "--image", "audio_steps": "--audio-steps"}
DEFAULT_WINDOW_S, DEFAULT_RATE_HZ = 2.0, 2.0
CHECKPOINT_NAME = "fusion_bootstrap.pt"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze", help="emotion cues of text, image, video and WAV files (JSON lines)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    inputs = parser.add_argument_group("inputs (any combination; each may be repeated)")
    inputs.add_argument("--text-file", dest="text", action="append", default=[], type=Path,
                        metavar="FILE", help="UTF-8 text, one utterance per line")
    inputs.add_argument("--image", dest="image", action="append", default=[], type=Path,
                        metavar="FILE", help="an image OpenCV reads (PNG, JPEG, ...)")
    inputs.add_argument("--video", dest="video", action="append", default=[], type=Path,
                        metavar="FILE", help="a video OpenCV reads (MP4, AVI, ...)")
    inputs.add_argument("--audio", dest="audio", action="append", default=[], type=Path,
                        metavar="FILE", help="a WAV file (PCM or float, any rate and channels)")
    inputs.add_argument("--transcript", dest="transcript", action="append", default=[],
                        type=Path, metavar="FILE",
                        help="timed words of the audio: .srt, .vtt or 'start end text' lines "
                             "(seconds); implies fused output")
    fused = parser.add_argument_group(
        "fused output (one --video, --audio and --transcript at most, on one clock)")
    fused.add_argument("--fuse", action="store_true",
                       help="fuse --video and --audio (implied by --transcript)")
    fused.add_argument("--window", type=positive_float, metavar="S",
                       help=f"seconds of face and voice fused (default {DEFAULT_WINDOW_S})")
    fused.add_argument("--rate", type=positive_float, metavar="HZ",
                       help=f"fusions per second per person (default {DEFAULT_RATE_HZ})")
    fused.add_argument("--checkpoint", type=Path, metavar="PT",
                       help="fusion checkpoint (default: the shipped fusion_bootstrap.pt)")
    parser.add_argument("--every-n", type=positive_int, default=1, metavar="N",
                        help="video: analyse every N-th frame (default 1)")
    parser.add_argument("--max-frames", type=positive_int, metavar="N",
                        help="video: stop after N analysed frames")
    parser.add_argument("--audio-steps", action="store_true",
                        help="audio: include each segment's per-step feature vectors")
    parser.add_argument("--device", default="auto",
                        help="auto (CUDA when present), cpu or cuda[:N] (default auto)")
    parser.add_argument("--verbose", action="store_true",
                        help="let the libraries' own log lines through to stderr")
    parser.set_defaults(run=run, prog=parser.prog)


def run(args: argparse.Namespace) -> int:
    if args.fuse or args.transcript:
        return _run_fused(args)
    given = [f"--{name}" for name in FUSED_OPTIONS if getattr(args, name) is not None]
    if given:
        raise CommandError(f"{', '.join(given)}: only for fused output (add --fuse or "
                           f"--transcript)")
    inputs = [(source, path) for source in SOURCES for path in getattr(args, source)]
    if not inputs:
        raise CommandError("nothing to analyse: give --text-file, --image, --video, --audio "
                           "or --transcript")
    for _, path in inputs:
        _check_readable(path)
    with quiet_stderr(keep=args.verbose):
        _analyse(inputs, args)
    return 0


def _analyse(inputs: list[tuple[str, Path]], args: argparse.Namespace) -> None:
    checks = {"text": _check_text, "image": lambda p: _check_media(p, image=True),
              "video": lambda p: _check_media(p, image=False), "audio": _check_audio}
    for source, path in inputs:
        _reporting(path, checks[source], path)
    _check_device(args.device)
    analysers: dict[str, Callable[[Path], Iterable[dict]]] = {
        "text": _text_analyser(args.device), "image": lambda p: _faces(p, args, image=True),
        "video": lambda p: _faces(p, args, image=False),
        "audio": lambda p: _voice(p, args.audio_steps)}
    for source, path in inputs:
        _reporting(path, _emit, source, path, analysers[source])


def _run_fused(args: argparse.Namespace) -> int:
    refused = [flag for name, flag in PER_SOURCE_ONLY.items() if getattr(args, name)]
    if refused:
        raise CommandError(f"{refused[0]}: not for fused output (it takes --video, --audio "
                           f"and --transcript)")
    for source in FUSED_SOURCES:
        if len(getattr(args, source)) > 1:
            raise CommandError(f"--{source}: give it once for fused output (one clock)")
    paths = {source: getattr(args, source)[0] for source in FUSED_SOURCES
             if getattr(args, source)}
    if not paths:
        raise CommandError("nothing to fuse: give --video, --audio or --transcript")
    checkpoint = args.checkpoint
    for path in [*paths.values(), *([checkpoint] if checkpoint else [])]:
        _check_readable(path)
    with quiet_stderr(keep=args.verbose):
        _fuse(paths, checkpoint, args)
    return 0


def _fuse(paths: dict[str, Path], checkpoint: Path | None, args: argparse.Namespace) -> None:
    from hri_emo_ros.perception.audio_decode import read_wav_file
    from hri_emo_ros.perception.transcript_file import read_transcript

    cues = samples = None
    if "transcript" in paths:
        cues = _reporting(paths["transcript"], read_transcript, paths["transcript"])
    if "audio" in paths:
        samples = _reporting(paths["audio"], read_wav_file, paths["audio"]).samples
    if "video" in paths:
        _reporting(paths["video"], _check_media, paths["video"], False)
    _check_device(args.device)

    from hri_emo_ros.commands.analyze_fused import FusedInputs, fused_windows, window_record
    from hri_emo_ros.common.model_files import default_model_path
    from hri_emo_ros.fusion.runtime import FusionRuntime
    from hri_emo_ros.fusion.scheduler import FusionSchedule

    inputs = FusedInputs(paths.get("video"), samples, cues, args.every_n, args.max_frames)
    if checkpoint is None:
        checkpoint = _reporting(Path(CHECKPOINT_NAME), default_model_path, CHECKPOINT_NAME)
    runtime = _reporting(checkpoint, FusionRuntime.from_checkpoint, checkpoint, args.device)
    schedule = FusionSchedule(rate=DEFAULT_RATE_HZ if args.rate is None else args.rate,
                              window=DEFAULT_WINDOW_S if args.window is None else args.window)
    for result in fused_windows(inputs, runtime, schedule, args.device):
        sys.stdout.write(json.dumps(window_record(result), ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _emit(source: str, path: Path, analyse: Callable[[Path], Iterable[dict]]) -> None:
    for record in analyse(path):
        line = json.dumps({"source": source, "file": str(path), **record}, ensure_ascii=False)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _reporting(path: Path, action: Callable[..., Any], *args: Any) -> Any:
    """`action(*args)`; an error that describes the input `path` becomes a CommandError."""
    try:
        return action(*args)
    except BrokenPipeError:
        raise  # stdout's reader went away: not the input's fault
    except (OSError, ValueError) as error:
        if not (isinstance(error, OSError) or hasattr(error, "reason")):
            raise  # every core's input error has a `reason`: anything else is a bug
        raise CommandError(f"{path}: {_describe(error, path)}") from None


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise CommandError(f"{path}: not_found: no such file")
    if not path.is_file():
        raise CommandError(f"{path}: not_a_file: is a directory or a special file")
    if not os.access(path, os.R_OK):
        raise CommandError(f"{path}: unreadable: permission denied")


def _check_text(path: Path) -> None:
    """What the text core refuses for a whole file, said before its model loads."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: invalid_utf8: {error}") from None
    if not text.strip():
        raise CommandError(f"{path}: empty: the file holds no text")


def _check_media(path: Path, image: bool) -> None:
    """The first frame decodes (UnreadableMedia says why not); --image takes no video."""
    import cv2

    from hri_emo_ros.perception.face_media import read_frames

    frames = read_frames(path, max_frames=1)
    try:
        next(frames, None)
    finally:
        frames.close()
    if image and not cv2.haveImageReader(str(path)):
        raise CommandError(f"{path}: not_an_image: it is a video; pass it with --video")


def _check_audio(path: Path) -> None:
    from hri_emo_ros.perception.audio_decode import read_wav_file

    read_wav_file(path)


def _check_device(name: str) -> None:
    from hri_emo_ros.common.device import resolve_device

    try:
        resolve_device(name)
    except ValueError as error:
        raise CommandError(f"--device: {error}") from None


def _text_analyser(device: str) -> Callable[[Path], list[dict]]:
    pipeline = None  # one text model for all text files, loaded on first use

    def analyse(path: Path) -> list[dict]:
        from hri_emo_ros.perception.text_pipeline import TextPipeline, process_text_file

        nonlocal pipeline
        pipeline = pipeline or TextPipeline(device=device)
        return process_text_file(path, pipeline)

    return analyse


def _faces(path: Path, args: argparse.Namespace, image: bool) -> Iterator[dict]:
    from hri_emo_ros.perception.face_media import analyse_media
    from hri_emo_ros.perception.face_pipeline import FacePipelineConfig

    config = FacePipelineConfig(device=args.device)
    every_n, max_frames = (1, 1) if image else (args.every_n, args.max_frames)
    yield from analyse_media(path, config=config, every_n=every_n, max_frames=max_frames)


def _voice(path: Path, steps: bool) -> list[dict]:
    from hri_emo_ros.perception.voice_batch import analyse_wav_file

    records = analyse_wav_file(path)
    if not steps:
        for record in records:
            record.pop("steps", None)
    return records


def _describe(error: Exception, path: Path) -> str:
    """`reason: detail`, without the reason and path that the core's message repeats."""
    if isinstance(error, FileNotFoundError):
        return "not_found: no such file"
    if isinstance(error, OSError):
        return f"unreadable: {error.strerror or error}"
    reason = str(getattr(error, "reason", type(error).__name__))
    detail = str(error)
    for prefix in (f"{reason}: ", f"{path}: "):
        detail = detail[len(prefix):] if detail.startswith(prefix) else detail
    return f"{reason}: {detail.strip() or reason}"
