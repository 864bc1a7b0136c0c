# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Real media for the tiny corpora the corpus tests write in the real release layouts.

Speech is cut from the sample session bag (sample_speech.py): real human read speech (CMU
Sphinx "cards", neutral), and espeak-ng speech with a lively voice (faster, higher, louder:
"happy") or a subdued one (slower, lower, quieter: "sad"), so the classes differ in prosody.
Video shows skimage's astronaut photo (a real smiling face) drifting slowly across frames.
"""

from __future__ import annotations

import json
import math
import tempfile
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from sample_speech import CMU_SENTENCE, utterance_wav

from hri_emo_ros.cli import main
from hri_emo_ros.common.feature_spec import FEATURE_DIMS

SPEECH: dict[str, tuple[str, ...]] = {
    "neutral": ("ten of clubs", "seven of clubs", CMU_SENTENCE),
    "happy": ("Hi! It is so good to see you again!",
              "Guess what? I got the job! I am so happy!",
              "This is wonderful, thank you so much for your help.",
              "I love it, this is the best day ever!", "Let's celebrate together tonight!"),
    "sad": ("I don't really feel like talking today.",
            "Everything went wrong, and I feel so alone.", "I miss her so much. It hurts.",
            "Nothing ever works out for me."),
}


@cache
def _wav_bytes(sentence: str, rate: int) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        return utterance_wav(Path(scratch) / "cut.wav", sentence, pad_s=0.25,
                             rate=rate).read_bytes()


def speech_sentence(emotion: str, index: int) -> str:
    return SPEECH[emotion][index % len(SPEECH[emotion])]


def speech_wav(path: Path, emotion: str, index: int = 0, rate: int = 16000) -> Path:
    """A real utterance of the `emotion` group (index wraps) as a 16-bit WAV at `rate`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_wav_bytes(speech_sentence(emotion, index), rate))
    return path


def face_video(path: Path, seconds: float, fps: float = 10.0, fourcc: str = "XVID",
               size: tuple[int, int] = (320, 240)) -> Path:
    """The astronaut's face, drifting a pixel per frame, written with OpenCV."""
    from skimage.data import astronaut

    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    face = cv2.resize(cv2.cvtColor(astronaut()[:300, 100:400], cv2.COLOR_RGB2BGR),
                      (height - 40, height - 40))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, size)
    assert writer.isOpened(), f"OpenCV cannot write {fourcc} to {path}"
    for index in range(int(round(seconds * fps))):
        frame = np.full((height, width, 3), 90, np.uint8)
        x = 20 + index % (width - face.shape[1] - 20)
        frame[20:20 + face.shape[0], x:x + face.shape[1]] = face
        writer.write(frame)
    writer.release()
    return path


def check_sample_spaces(sample) -> None:
    """Every modality of a FusionSample in its FEATURE_NAMES space, times <= 0, finite."""
    assert sample.modalities, "a sample without any modality"
    for name, steps in sample.modalities.items():
        assert steps.features.shape == (steps.steps, FEATURE_DIMS[name]), name
        assert np.isfinite(steps.features).all(), name
        assert (steps.step_times <= 1e-9).all(), (name, steps.step_times)
        assert ((steps.quality >= 0) & (steps.quality <= 1)).all(), name


def train_briefly(dataset: str, data_dir: Path, cache_dir: Path, run_dir: Path,
                  *args: str) -> list[dict]:
    """A few epochs of a tiny fusion model through `hri-emo train fusion --dataset` (the
    command's main, in this process: the corpus modules are imported already); the
    per-epoch records of its metrics.jsonl."""
    settings = {"device": "cpu", "run_dir": run_dir, "seed": 3, "data.cache_dir": cache_dir,
                "data.progress": "false", "model.width": 16, "model.heads": 2,
                "train.epochs": 10, "train.batch_size": 4, "train.lr": 0.005,
                "train.statistics_samples": 64, "train.warmup_steps": 2, "train.threads": 1}
    overrides = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    argv = ["train", "fusion", "--dataset", dataset, "--data-dir", str(data_dir), *args,
            *overrides]
    assert main(argv) == 0
    lines = (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def same_metrics(written, expected) -> None:
    """metrics.json (NaN written as null) against freshly computed metrics."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            same_metrics(written[key], value)
    elif isinstance(expected, (list, tuple)):
        assert len(written) == len(expected)
        for w, e in zip(written, expected, strict=True):
            same_metrics(w, e)
    elif isinstance(expected, float) and math.isnan(expected):
        assert written is None
    elif isinstance(expected, float):
        assert abs(written - expected) <= 1e-9, (written, expected)
    else:
        assert written == expected


def evaluate_checked(dataset: str, data_dir: Path, run_dir: Path, out: Path,
                     *args: str) -> dict:
    """`hri-emo evaluate` on the model `train_briefly` wrote; the metrics it writes must equal
    the protocol's metrics recomputed here from the model's predictions on the test split."""
    import torch

    from hri_emo_ros.corpora.protocol_metrics import protocol_metrics
    from hri_emo_ros.corpora.registry import protocol
    from hri_emo_ros.fusion.checkpoint import load_checkpoint
    from hri_emo_ros.fusion.dataset import build_datasets
    from hri_emo_ros.fusion.evaluate import EncoderDecoder, predict

    checkpoint = run_dir / "model.pt"
    assert main(["evaluate", "--dataset", dataset, "--data-dir", str(data_dir),
                 "--checkpoint", str(checkpoint), "--out", str(out), "--device", "cpu",
                 *args]) == 0
    (fold,) = json.loads((out / "metrics.json").read_text())["folds"].values()
    models = load_checkpoint(checkpoint)
    config = models.metadata["config"]
    spec = protocol(dataset)
    test = build_datasets({"seed": config["seed"], **config["data"]}, spec.emotions)["test"]
    pred = predict(EncoderDecoder(models.encoder, models.decoders["emotion"]), test,
                   torch.device("cpu"), max_steps=config["data"]["max_steps"])
    expected = protocol_metrics(spec.metrics, pred.scores, pred.labels, pred.valence_arousal,
                                pred.targets_va, spec.emotions)
    same_metrics({key: fold["metrics"][key] for key in expected}, expected)
    assert (out / "report.html").is_file()
    return fold["metrics"]
