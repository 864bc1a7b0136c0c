# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Streaming voice activity detection with silero-vad's ONNX model run by onnxruntime.

The model (read from its graph: inputs `input` [batch, samples], `state` [2, batch, 128],
`sr` int64; outputs `output` [batch, 1] speech probability and `stateN`) is recurrent: at
16 kHz it takes 512 new samples prefixed by the last 64 samples of the previous chunk and
carries `state` from chunk to chunk. Without that context its output stays at zero.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import numpy as np
import onnxruntime as ort

from hri_emo_ros.perception.audio_decode import SAMPLE_RATE

CHUNK_SAMPLES = 512  # 32 ms at 16 kHz
CONTEXT_SAMPLES = 64
STATE_SHAPE = (2, 1, 128)
SILERO_DISTRIBUTION = "silero-vad"
SILERO_MODEL_FILE = "silero_vad/data/silero_vad.onnx"


class VadModelMissing(FileNotFoundError):
    """The silero-vad ONNX file could not be found."""


def locate_silero_model() -> Path:
    """Path of silero_vad.onnx inside the installed `silero-vad` distribution.

    Found through the distribution's file list, so `silero_vad` (which imports torch) is
    never imported.
    """
    try:
        files = importlib.metadata.files(SILERO_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        raise VadModelMissing(
            "the 'silero-vad' package is not installed; install it with "
            "`pip install --no-deps silero-vad` (it ships the ONNX model)"
        ) from None
    for entry in files:
        if str(entry).replace("\\", "/") == SILERO_MODEL_FILE:
            path = Path(str(entry.locate()))
            if path.is_file():
                return path
    raise VadModelMissing(f"'{SILERO_MODEL_FILE}' is missing from the silero-vad installation")


class StreamingVad:
    """Speech probability per 512-sample chunk of a 16 kHz mono stream.

    `process` accepts any number of samples; samples short of a whole chunk wait for the
    next call. The chunk index of each probability is its position in the stream.
    """

    def __init__(self, model_path: str | Path | None = None, threads: int = 1) -> None:
        path = Path(model_path) if model_path is not None else locate_silero_model()
        if not path.is_file():
            raise VadModelMissing(f"VAD model file not found: {path}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._sample_rate = np.array(SAMPLE_RATE, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.chunks_done = 0

    @property
    def pending_samples(self) -> int:
        """Samples received but short of a whole chunk, waiting for the next call."""
        return int(self._pending.size)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Speech probabilities of the chunks completed by `samples` (float32, may be empty)."""
        pending = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        chunk_count = pending.size // CHUNK_SAMPLES
        probs = np.empty(chunk_count, dtype=np.float32)
        for i in range(chunk_count):
            chunk = pending[i * CHUNK_SAMPLES:(i + 1) * CHUNK_SAMPLES]
            model_input = np.concatenate([self._context, chunk])[np.newaxis, :]
            output, self._state = self._session.run(
                None, {"input": model_input, "state": self._state, "sr": self._sample_rate}
            )
            probs[i] = output[0, 0]
            self._context = chunk[-CONTEXT_SAMPLES:].copy()
        self._pending = pending[chunk_count * CHUNK_SAMPLES:]
        self.chunks_done += chunk_count
        return probs
