# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What our voice pipeline measures on real calm read speech: the simulator's neutral voice.

The bootstrap corpus simulates voice features (sim_voice.py); this module measures the
real thing so that the simulated neutral voice sits where real speech falls. Source: the
Debian package `pocketsphinx-testdata` (16 kHz read speech, CMU Sphinx licence), files
listed in `CALM_READ_SPEECH`. cards/001, 003 and 005 are left out on purpose: they are in
the sample session (data/sample_session), which must never calibrate or select anything.
Each recording is fed through `VoicePipeline` (silero VAD + prosody + MFCC) exactly as the
voice node does; only the speech steps it emits are kept.

    python -m hri_emo_ros.fusion.voice_calibration [--data-dir DIR]

prints, per feature, the mean over all steps, the spread between speakers (std of the
per-speaker means, recordings of one reader pooled) and within a speaker (pooled std of
the steps around their speaker's mean), and the within-speaker regression slopes of the
coupled features that sim_voice.COUPLINGS uses.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES
from hri_emo_ros.perception.audio_decode import SAMPLE_RATE, decode_pcm, read_wav_file
from hri_emo_ros.perception.voice_pipeline import VoicePipeline

TESTDATA_DIR = Path("/usr/share/pocketsphinx/test/data")
# (path under TESTDATA_DIR, speaker group). Raw files are 16 kHz S16LE mono.
CALM_READ_SPEECH: tuple[tuple[str, str], ...] = (
    ("librivox/sense_and_sensibility_01_austen_64kb-0870.wav", "librivox"),
    ("librivox/sense_and_sensibility_01_austen_64kb-0880.wav", "librivox"),
    ("librivox/sense_and_sensibility_01_austen_64kb-0890.wav", "librivox"),
    ("librivox/sense_and_sensibility_01_austen_64kb-0920.wav", "librivox"),
    ("librivox/sense_and_sensibility_01_austen_64kb-0930.wav", "librivox"),
    ("cards/002.wav", "cards/002"),
    ("cards/004.wav", "cards/004"),
    ("goforward.raw", "goforward"),
    ("numbers.raw", "numbers"),
    ("something.raw", "something"),
    ("tidigits/dhd.2934z.raw", "tidigits"),
)
SAMPLE_SESSION_FILES = ("cards/001.wav", "cards/003.wav", "cards/005.wav")
# Pairs (target, driver) whose within-speaker regression slope sim_voice uses.
COUPLED = (
    ("f0_std_st", "f0_range_st"),
    ("mfcc_mean_0", "energy_db"),
    ("mfcc_mean_1", "spectral_centroid_khz"),
    ("spectral_bandwidth_khz", "spectral_centroid_khz"),
    ("spectral_rolloff_khz", "spectral_centroid_khz"),
    ("zero_crossing_rate", "spectral_centroid_khz"),
    ("spectral_flatness", "spectral_centroid_khz"),
    ("mfcc_std_0", "energy_std_db"),
)


@dataclass
class VoiceStatistics:
    steps: int
    speakers: int
    mean: np.ndarray      # (len(AUDIO_FEATURES),)
    between: np.ndarray   # std of the per-speaker means
    within: np.ndarray    # pooled std of the steps around their speaker's mean
    slopes: dict[tuple[str, str], tuple[float, float]]  # (target, driver) -> (slope, r)


def recording_samples(path: str | Path) -> np.ndarray:
    """float32 mono 16 kHz samples of a .wav or a headerless 16 kHz S16LE mono .raw file."""
    path = Path(path)
    if path.suffix == ".raw":
        return decode_pcm(path.read_bytes(), SAMPLE_RATE, 1, "S16LE", max_seconds=None)[0]
    return read_wav_file(path).samples


def speech_steps(samples: np.ndarray, chunk_s: float = 1.0) -> np.ndarray:
    """(steps, len(AUDIO_FEATURES)) features of every speech step the voice pipeline emits."""
    pipeline = VoicePipeline()
    chunk = round(chunk_s * SAMPLE_RATE)
    parts = []
    for start in range(0, samples.size, chunk):
        parts += pipeline.push(samples[start:start + chunk], start / SAMPLE_RATE)
    parts += pipeline.flush()
    rows = [p.features for p in parts if p.steps]
    return (np.concatenate(rows) if rows
            else np.zeros((0, len(AUDIO_FEATURES)), dtype=np.float32))


def calm_speech_files(data_dir: str | Path = TESTDATA_DIR) -> list[tuple[Path, str]]:
    """The calibration recordings that exist under `data_dir` with their speaker group."""
    data_dir = Path(data_dir)
    return [(data_dir / name, group) for name, group in CALM_READ_SPEECH
            if (data_dir / name).is_file()]


def measure(data_dir: str | Path = TESTDATA_DIR) -> dict[str, np.ndarray]:
    """Speech steps per speaker group (FileNotFoundError when no recording is there)."""
    files = calm_speech_files(data_dir)
    if not files:
        raise FileNotFoundError(f"no calm-speech recording under {data_dir} (Debian package "
                                f"pocketsphinx-testdata)")
    groups: dict[str, list[np.ndarray]] = {}
    for path, group in files:
        groups.setdefault(group, []).append(speech_steps(recording_samples(path)))
    return {group: np.concatenate(parts) for group, parts in groups.items()}


def summarise(groups: dict[str, np.ndarray]) -> VoiceStatistics:
    kept = {g: x.astype(np.float64) for g, x in groups.items() if x.shape[0]}
    steps = np.concatenate(list(kept.values()))
    centred = np.concatenate([x - x.mean(axis=0) for x in kept.values()])
    means = np.stack([x.mean(axis=0) for x in kept.values()])
    index = {name: i for i, name in enumerate(AUDIO_FEATURES)}
    slopes = {}
    for target, driver in COUPLED:
        x, y = centred[:, index[driver]], centred[:, index[target]]
        slopes[(target, driver)] = (float(np.dot(x, y) / np.dot(x, x)),
                                    float(np.corrcoef(x, y)[0, 1]))
    return VoiceStatistics(steps.shape[0], len(kept), steps.mean(axis=0),
                           means.std(axis=0, ddof=1), centred.std(axis=0), slopes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=TESTDATA_DIR)
    args = parser.parse_args(argv)
    stats = summarise(measure(args.data_dir))
    print(f"# {stats.steps} speech steps, {stats.speakers} speakers; "
          f"feature: (mean, between-speaker std, within-speaker std)")
    for i, name in enumerate(AUDIO_FEATURES):
        print(f'    "{name}": ({stats.mean[i]:.4g}, {stats.between[i]:.3g}, '
              f'{stats.within[i]:.3g}),')
    print("# (target, driver): within-speaker slope, r")
    for (target, driver), (slope, r) in stats.slopes.items():
        print(f'    ("{target}", "{driver}"): {slope:.4g}  # r = {r:.2f}')


if __name__ == "__main__":
    main()
