# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A strip of camera frames from the input bag, evenly spread over its camera topic, with
the faces the face core finds in them, each labelled with what the graph said.

The face core (`perception.face_pipeline`) runs on the chosen frames to get the boxes. A
box is labelled with the dominant emotion and its score of the nearest EmotionState (within
`MATCH_S`) of a face person (an id seen on /hri_emo/faces/tracked or features/video). The
graph's face ids come from another tracker instance, so with several faces in a frame the
boxes cannot be told apart: they then carry the face core's own expression and the graph's
states are listed under the frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.patches import Rectangle

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import open_bag
from hri_emo_ros.perception.image_decode import (
    InvalidImage,
    decode_compressed_image,
    decode_raw_image,
)
from hri_emo_ros.report import style
from hri_emo_ros.report.series import RunSeries

TITLE = "Camera frames with detected faces"
MATCH_S = 1.0
NO_FACE = "no face"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class FaceBox:
    box: tuple[int, int, int, int]     # x, y, w, h [px]
    label: str                         # the text drawn at the box
    emotion: str                       # the emotion named in the label
    person_id: str                     # graph person the label came from ("" : face core)


@dataclass(frozen=True)
class StripFrame:
    time: float                        # s from the input bag start
    boxes: tuple[FaceBox, ...]
    note: str                          # NO_FACE, a problem, or "" when faces were found
    caption: str = ""                  # graph states listed under the frame, if any


def frame_indices(count: int, wanted: int) -> list[int]:
    """`wanted` indices evenly spread over `count` frames (centres of equal parts)."""
    wanted = min(wanted, count)
    return sorted({int((i + 0.5) * count / wanted) for i in range(wanted)})


def _decode(msg: Any, msgtype: str) -> np.ndarray:
    if msgtype.endswith("CompressedImage"):
        return decode_compressed_image(msg.format, msg.data)
    return decode_raw_image(msg.encoding, msg.height, msg.width, msg.step, msg.data)


def read_frames(input_bag: Path, topic: str, origin_ns: int, wanted: int
                ) -> list[tuple[float, np.ndarray | None, str]]:
    """(time, RGB frame or None, problem) for evenly spread frames of the topic."""
    frames = []
    with open_bag(input_bag) as bag:
        info = bag.topics[topic]
        chosen = set(frame_indices(info.count, wanted))
        for index, record in enumerate(bag.records(topic)):
            if index not in chosen:
                continue
            try:
                msg = bag.deserialize(record)
                stamp = int(msg.header.stamp.sec) * 10**9 + int(msg.header.stamp.nanosec)
                time = ((stamp or record.stamp_ns) - origin_ns) * 1e-9
                frames.append((time, _decode(msg, info.msgtype), ""))
            except (BagError, InvalidImage) as error:
                frames.append(((record.stamp_ns - origin_ns) * 1e-9, None,
                               f"undecodable frame ({error})"))
    return frames


def face_persons(run: RunSeries) -> list[str]:
    """Persons whose EmotionStates are about a face."""
    if run.face_persons:
        return [p for p in run.emotion if p in run.face_persons]
    return [p for p in run.emotion if p != ANONYMOUS]


def nearest_states(run: RunSeries, time: float) -> list[tuple[float, str, str, float]]:
    """(|dt|, person, dominant, its score) of each face person's nearest EmotionState."""
    found = []
    for person in face_persons(run):
        series = run.emotion[person]
        i = int(np.argmin(np.abs(series.times - time)))
        dt = abs(float(series.times[i]) - time)
        if dt > MATCH_S:
            continue
        dominant = series.dominant_labels()[i]
        score = (float(series.scores[i, series.labels.index(dominant)])
                 if dominant in series.labels else math.nan)
        found.append((dt, person, dominant, score))
    return sorted(found)


def label_faces(run: RunSeries, time: float, observations: list) -> StripFrame:
    """Turn the face core's observations of one frame into labelled boxes."""
    if not observations:
        return StripFrame(time, (), NO_FACE)
    states = nearest_states(run, time)
    if len(observations) == 1 and states:
        _, person, dominant, score = states[0]
        face = observations[0]
        return StripFrame(time, (FaceBox(face.box, f"{person}: {dominant} {score:.2f}",
                                         dominant, person),), "")
    boxes = tuple(FaceBox(o.box, f"face core: {o.expression} {o.scores[o.expression]:.2f}",
                          o.expression, "") for o in observations)
    caption = "; ".join(f"{p}: {d} {s:.2f}" for _, p, d, s in states) or \
        f"no EmotionState of a face within {MATCH_S:g} s"
    return StripFrame(time, boxes, "", caption)


def detect(frames: list[tuple[float, np.ndarray | None, str]], run: RunSeries,
           device: str) -> list[StripFrame]:
    """Run the face core on the frames and label what it finds."""
    try:
        from hri_emo_ros.perception.face_pipeline import FacePipeline, FacePipelineConfig

        pipeline = FacePipeline(FacePipelineConfig(device=device, torch_threads=0,
                                                   use_mesh=False))
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        reason = f"face detection unavailable ({type(error).__name__}: {error})"
        return [StripFrame(t, (), problem or reason) for t, _, problem in frames]
    try:
        strip = []
        for time, rgb, problem in frames:
            if rgb is None:
                strip.append(StripFrame(time, (), problem))
                continue
            strip.append(label_faces(run, time, pipeline.process(rgb, time)))
        return strip
    finally:
        pipeline.close()


def _draw(ax: Any, frame: StripFrame, rgb: np.ndarray | None) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(f"t = {frame.time:.1f} s", fontsize=11)
    if rgb is None:
        ax.set_facecolor("#ddd")
    else:
        ax.imshow(rgb)
    for face in frame.boxes:
        x, y, w, h = face.box
        edge = style.colour(face.emotion)
        ax.add_patch(Rectangle((x, y), w, h, fill=False, ec=edge, lw=2.5))
        above = y > 40
        ax.text(x, y - 6 if above else y + h + 6, face.label, fontsize=10,
                va="bottom" if above else "top", ha="left", color="black", clip_on=True,
                bbox={"facecolor": edge, "alpha": 0.85, "edgecolor": "none", "pad": 2})
    if frame.note:
        ax.text(0.5, 0.5, frame.note, transform=ax.transAxes, ha="center", va="center",
                fontsize=14 if frame.note == NO_FACE else 9, wrap=True,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
    if frame.caption:
        ax.set_xlabel(frame.caption, fontsize=9, wrap=True)


def plot_video_strip(run: RunSeries, input_bag: Path, path: Path, count: int = 8,
                     device: str = "cpu") -> tuple[style.Rendered, list[StripFrame]]:
    """The strip figure and what each frame showed; a "no data" figure without a camera."""
    if count < 1:
        return style.no_data_figure(path, TITLE, [], message="no frames requested"), []
    if run.camera_topic is None:
        return style.no_data_figure(path, TITLE, ["a camera topic of the input bag"],
                                    "(sensor_msgs/Image or CompressedImage)"), []
    frames = read_frames(input_bag, run.camera_topic, run.origin_ns, count)
    strip = detect(frames, run, device)
    cols = min(4, len(frames))
    rows = math.ceil(len(frames) / cols)
    with style.report_style():
        first = next((rgb for _, rgb, _ in frames if rgb is not None), None)
        aspect = first.shape[0] / first.shape[1] if first is not None else 0.75
        cell = style.WIDTH_IN / cols
        figure, axes = style.new_figure(rows, cols, panel_height=cell * aspect + 0.7,
                                        extra_height=0.5, sharex=False)
        for ax in axes.flat[len(frames):]:
            ax.set_axis_off()
        for ax, frame, (_, rgb, _) in zip(axes.flat, strip, frames):
            _draw(ax, frame, rgb)
        figure.suptitle(f"{run.camera_topic}: {len(frames)} frames evenly spread; boxes from "
                        "the face core, labels from the graph's nearest EmotionState",
                        fontsize=11)
        return style.save(figure, path), strip
