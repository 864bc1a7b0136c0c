# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Time the face pipeline on 640x480 frames holding one real face.

`run(frames)` returns the median and p99 latency of `FacePipeline.process` and of its
stages. The default face is scikit-image's astronaut (a test dependency); pass `image`
to time another one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch

from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig

FRAME_HEIGHT, FRAME_WIDTH = 480, 640
WARMUP_FRAMES = 10
JITTER_PX = (0, 3, 6, 3, 0, -3, -6, -3)  # horizontal shifts, so frames differ like video


def astronaut_frame() -> np.ndarray:
    """skimage's astronaut (one smiling face) centred on a black 640x480 frame."""
    try:
        from skimage import data
    except ImportError as error:
        raise RuntimeError(
            "the default benchmark face needs scikit-image; install it or pass image="
        ) from error
    return fit_frame(data.astronaut())


def fit_frame(image: np.ndarray) -> np.ndarray:
    """`image` (RGB uint8) cropped/padded to 640x480 around its centre."""
    frame = np.zeros((FRAME_HEIGHT, FRAME_WIDTH, 3), dtype=np.uint8)
    h, w = min(image.shape[0], FRAME_HEIGHT), min(image.shape[1], FRAME_WIDTH)
    top, left = (FRAME_HEIGHT - h) // 2, (FRAME_WIDTH - w) // 2
    frame[top:top + h, left:left + w] = image[:h, :w]
    return frame


def _time_ms(function: Callable[[], object], count: int) -> tuple[np.ndarray, np.ndarray]:
    """Wall-clock and process CPU milliseconds of each of `count` calls."""
    wall, cpu = np.empty(count), np.empty(count)
    for i in range(count):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall[i] = (time.perf_counter() - start) * 1e3
        cpu[i] = (time.process_time() - start_cpu) * 1e3
    return wall, cpu


def _summary(samples: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
    """Wall-clock median/p99/mean, and the median CPU time (all threads of the process),
    which is less disturbed than wall time when other programs share the cores."""
    wall, cpu = samples
    return {
        "median_ms": round(float(np.median(wall)), 3),
        "p99_ms": round(float(np.percentile(wall, 99)), 3),
        "mean_ms": round(float(wall.mean()), 3),
        "cpu_median_ms": round(float(np.median(cpu)), 3),
    }


def run(
    frames: int = 200,
    image: np.ndarray | None = None,
    config: FacePipelineConfig | None = None,
) -> dict:
    """Latency of `FacePipeline.process` per frame, and of its stages, over `frames`."""
    if frames < 1:
        raise ValueError(f"frames must be >= 1, got {frames}")
    base = astronaut_frame() if image is None else fit_frame(image)
    clips = [np.ascontiguousarray(np.roll(base, shift, axis=1)) for shift in JITTER_PX]
    pipeline = FacePipeline(config)
    try:
        for i in range(WARMUP_FRAMES):
            pipeline.process(clips[i % len(clips)], i / 30.0)
        counter = iter(range(10**9))
        faces: list[int] = []

        def one_frame() -> None:
            i = next(counter)
            faces.append(len(pipeline.process(clips[i % len(clips)], 1.0 + i / 30.0)))

        total = _time_ms(one_frame, frames)
        detections = pipeline.detector.detect(base)
        boxes = [d.box for d in detections]
        stages = {
            "detect": _summary(_time_ms(lambda: pipeline.detector.detect(base), frames)),
            "expression": _summary(
                _time_ms(lambda: pipeline.expressions.scores(base, boxes), frames)
            ),
        }
        if pipeline.landmarker is not None and boxes:
            stages["mesh"] = _summary(
                _time_ms(lambda: pipeline.landmarker.landmarks(base, boxes[0]), frames)
            )
        return {
            "frames": frames,
            "frame_size": [FRAME_WIDTH, FRAME_HEIGHT],
            "faces_per_frame": round(float(np.mean(faces)), 3),
            "extractor": pipeline.extractor,
            "device": str(pipeline.expressions.device),
            "torch_threads": torch.get_num_threads(),
            **_summary(total),
            "stages": stages,
        }
    finally:
        pipeline.close()


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200), indent=2))
