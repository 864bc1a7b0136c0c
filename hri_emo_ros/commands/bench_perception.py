# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo bench perception`: face, voice and text cores, each for a few seconds.

face: `FacePipeline.process` on 640x480 frames holding one real face (skimage's
astronaut), per frame and per stage. voice: AudioFrame bytes -> decode -> VAD -> prosody
over the sample session's audio (real and synthesised speech, pauses), or `--wav`, per
second of audio and per 100 ms frame. text: `TextPipeline.process` per sentence on everyday
utterances of 3 to 40 words. Longer runs: raise --frames, --voice-repeats, --text-repeats.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from hri_emo_ros.commands.arg_types import positive_float, positive_int
from hri_emo_ros.commands.bench_report import Row
from hri_emo_ros.commands.errors import CommandError
from hri_emo_ros.commands.native_logs import quiet_stderr

PARTS = ("face", "voice", "text")


def register(suites: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = suites.add_parser("perception", help="face, voice and text cores",
                               description=__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="run only this part (repeatable; default: all)")
    parser.add_argument("--frames", type=positive_int, default=50,
                        help="face: frames timed per stage (default 50)")
    parser.add_argument("--wav", type=Path, help="voice: stream this WAV file instead")
    parser.add_argument("--audio-seconds", type=positive_float,
                        help="voice: use only the first seconds of the sample session "
                             "(default: all 50 s)")
    parser.add_argument("--voice-repeats", type=positive_int, default=1,
                        help="voice: passes over the audio (default 1)")
    parser.add_argument("--text-repeats", type=positive_int, default=2,
                        help="text: passes over the 16 utterances (default 2)")
    parser.add_argument("--text-threads", type=int, default=1,
                        help="text: torch CPU threads, as the text node's torch_threads "
                             "(default 1; 0: torch's default)")
    parser.add_argument("--device", default="auto",
                        help="face and text models: auto, cpu or cuda[:N] (default auto)")
    parser.add_argument("--verbose", action="store_true",
                        help="let the libraries' own log lines through to stderr")
    parser.set_defaults(measure=measure)
    return parser


def measure(args: argparse.Namespace) -> tuple[dict[str, Any], list[Row]]:
    from hri_emo_ros.common.device import resolve_device

    try:
        resolve_device(args.device)
    except ValueError as error:
        raise CommandError(f"--device: {error}") from None
    if args.text_threads < 0:
        raise CommandError("--text-threads must be >= 0")
    with quiet_stderr(keep=args.verbose):
        return _measure(args, args.only or list(PARTS))


def _measure(args: argparse.Namespace, parts: list[str]) -> tuple[dict[str, Any], list[Row]]:
    # Each part runs with the torch threads its node uses: the face pipeline sets them
    # process-wide (FacePipelineConfig.torch_threads), so the text part runs first.
    figures: dict[str, Any] = {}
    rows: list[Row] = []
    if "text" in parts:
        from hri_emo_ros.perception import bench_text

        text = figures["text"] = bench_text.run(repeats=args.text_repeats, device=args.device,
                                                threads=args.text_threads or None)
        rows.append(("text", "ms per sentence", text["ms_per_utterance_median"],
                     text["ms_per_utterance_p99"]))
    if "voice" in parts:
        voice = figures["voice"] = _voice(args)
        rows.append(("voice", "ms per second of audio", voice["ms_per_audio_second_median"],
                     voice["ms_per_audio_second_p99"]))
        rows.append(("voice", "ms per 100 ms frame", voice["frame_latency_ms_median"],
                     voice["frame_latency_ms_p99"]))
    if "face" in parts:
        from hri_emo_ros.perception import bench_face
        from hri_emo_ros.perception.face_pipeline import FacePipelineConfig

        face = figures["face"] = bench_face.run(args.frames,
                                                config=FacePipelineConfig(device=args.device))
        rows.append(("face", "ms per 640x480 frame", face["median_ms"], face["p99_ms"]))
        for stage, stats in face["stages"].items():
            rows.append((f"  {stage}", "ms per frame", stats["median_ms"], stats["p99_ms"]))
    return figures, rows


def _voice(args: argparse.Namespace) -> dict[str, Any]:
    from hri_emo_ros.bags.errors import BagError
    from hri_emo_ros.commands.bag_audio import SAMPLE_BAG, bag_audio, write_wav

    if args.wav is not None:
        if args.audio_seconds is not None:
            raise CommandError("--audio-seconds cuts the sample session; it does not apply to "
                               "--wav")
        return _checked_voice_run(args.wav, args.voice_repeats, str(args.wav))
    with tempfile.TemporaryDirectory(prefix="hri_emo_bench_") as directory:
        try:
            audio = bag_audio(SAMPLE_BAG, stop_s=args.audio_seconds)
        except (OSError, BagError) as error:
            raise CommandError(f"the sample session's audio: {error}; pass --wav") from None
        wav = write_wav(Path(directory) / "session.wav", audio)
        return _checked_voice_run(wav, args.voice_repeats, str(SAMPLE_BAG))


def _checked_voice_run(wav: Path, repeats: int, source: str) -> dict[str, Any]:
    from hri_emo_ros.perception import bench_voice
    from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, InvalidAudio, read_wav_file

    try:
        seconds = read_wav_file(wav).samples.size / SAMPLE_RATE
        if seconds < 1.0:
            raise CommandError(f"{source}: {seconds:.2f} s of audio; the voice part needs at "
                               "least 1 s")
        figures = bench_voice.run(wav, repeats=repeats)
    except (OSError, InvalidAudio) as error:
        raise CommandError(f"{source}: {error}") from None
    figures["source"] = source
    return figures
