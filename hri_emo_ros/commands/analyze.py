# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo analyze`: run the perception cores over files, one JSON object per line.

    hri-emo analyze --text-file notes.txt --image photo.png --video clip.mp4 --audio talk.wav

Each line carries `source` (text, image, video or audio) and `file`, then what the core
gives: per non-blank text line {text, valence, vader_compound, words, ...} (a line the text
core refuses, e.g. "...", gives {text, error}); per face and frame {face_id, box,
expression, scores, ...}; per speech segment {start, end, speech_prob, <voice features>}.
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

from hri_emo_ros.commands.arg_types import positive_int
from hri_emo_ros.commands.errors import CommandError
from hri_emo_ros.commands.native_logs import quiet_stderr

SOURCES = ("text", "image", "video", "audio")


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
    inputs = [(source, path) for source in SOURCES for path in getattr(args, source)]
    if not inputs:
        raise CommandError("nothing to analyse: give --text-file, --image, --video or --audio")
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


def _emit(source: str, path: Path, analyse: Callable[[Path], Iterable[dict]]) -> None:
    for record in analyse(path):
        line = json.dumps({"source": source, "file": str(path), **record}, ensure_ascii=False)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _reporting(path: Path, action: Callable[..., object], *args: Any) -> None:
    """`action(*args)`; an error that describes the input `path` becomes a CommandError."""
    try:
        action(*args)
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
