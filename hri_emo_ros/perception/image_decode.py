# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Decode camera images into RGB uint8 arrays without cv_bridge.

`decode_raw_image` takes the fields of a sensor_msgs/Image, `decode_compressed_image` the
fields of a sensor_msgs/CompressedImage. Both return a C-contiguous (height, width, 3)
uint8 array in RGB order, or raise `InvalidImage` whose `reason` says what was wrong.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

# encoding -> (channels, OpenCV conversion to RGB or None when already RGB)
RAW_ENCODINGS: dict[str, tuple[int, int | None]] = {
    "rgb8": (3, None),
    "bgr8": (3, cv2.COLOR_BGR2RGB),
    "mono8": (1, cv2.COLOR_GRAY2RGB),
    "rgba8": (4, cv2.COLOR_RGBA2RGB),
    "bgra8": (4, cv2.COLOR_BGRA2RGB),
}
COMPRESSED_FORMATS = ("jpeg", "png")
MAX_PIXELS = 8192 * 8192

_JPEG_START = b"\xff\xd8\xff"
_JPEG_END = b"\xff\xd9"
_PNG_START = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"


class InvalidImage(ValueError):
    """An image that cannot be decoded; `reason` is a short machine-readable kind."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _as_bytes_array(data: Any) -> np.ndarray:
    """View message bytes (bytes, bytearray, memoryview, array.array, list of ints) as uint8."""
    if isinstance(data, np.ndarray):
        if data.dtype != np.uint8:
            raise InvalidImage("bad_data_type", f"data must be uint8, got {data.dtype}")
        return data.reshape(-1)
    if isinstance(data, (list, tuple)):
        values = np.asarray(data, dtype=np.int64)
        if values.size and (values.min() < 0 or values.max() > 255):
            raise InvalidImage("bad_data_type", "data list holds values outside 0..255")
        return values.astype(np.uint8)
    try:
        return np.frombuffer(memoryview(data).cast("B"), dtype=np.uint8)
    except TypeError as error:
        raise InvalidImage(
            "bad_data_type", f"data of type {type(data).__name__} is not a byte buffer"
        ) from error


def decode_raw_image(encoding: str, height: int, width: int, step: int, data: Any) -> np.ndarray:
    """Decode the fields of a sensor_msgs/Image (8-bit encodings) into RGB uint8.

    `step` is the row length in bytes; rows may carry padding beyond width * channels.
    """
    key = encoding.strip().lower()
    if key not in RAW_ENCODINGS:
        raise InvalidImage(
            "unknown_encoding",
            f"encoding '{encoding}' is not one of {', '.join(RAW_ENCODINGS)}",
        )
    channels, conversion = RAW_ENCODINGS[key]
    height, width, step = int(height), int(width), int(step)
    if height <= 0 or width <= 0:
        raise InvalidImage("zero_size", f"image is {width}x{height}")
    if height * width > MAX_PIXELS:
        raise InvalidImage("too_large", f"{width}x{height} exceeds {MAX_PIXELS} pixels")
    row_bytes = width * channels
    if step < row_bytes:
        raise InvalidImage(
            "step_too_small", f"step {step} < width {width} * {channels} channels = {row_bytes}"
        )
    buffer = _as_bytes_array(data)
    if buffer.size != step * height:
        raise InvalidImage(
            "size_mismatch",
            f"data holds {buffer.size} bytes, step {step} * height {height} = {step * height}",
        )
    rows = buffer.reshape(height, step)[:, :row_bytes]
    pixels = rows.reshape(height, width, channels)
    if conversion is None:
        return np.ascontiguousarray(pixels)
    if channels == 1:
        pixels = pixels[:, :, 0]
    return cv2.cvtColor(np.ascontiguousarray(pixels), conversion)


def _format_of(format_string: str, buffer: np.ndarray) -> str:
    """Which compression the message says it holds, checked against the magic bytes."""
    text = format_string.strip().lower()
    head = buffer[:8].tobytes()
    sniffed = ""
    if head.startswith(_JPEG_START):
        sniffed = "jpeg"
    elif head.startswith(_PNG_START):
        sniffed = "png"
    if "compresseddepth" in text:
        raise InvalidImage("unknown_format", f"format '{format_string}' (depth) is not supported")
    declared = "jpeg" if ("jpeg" in text or "jpg" in text) else "png" if "png" in text else ""
    if text and not declared:
        raise InvalidImage(
            "unknown_format",
            f"format '{format_string}' is not one of {', '.join(COMPRESSED_FORMATS)}",
        )
    if not sniffed:
        raise InvalidImage(
            "corrupt_data", f"data does not start like a {declared or 'JPEG or PNG'} file"
        )
    if declared and declared != sniffed:
        raise InvalidImage(
            "format_mismatch", f"format says '{declared}' but the data is {sniffed}"
        )
    return sniffed


def decode_compressed_image(format_string: str, data: Any) -> np.ndarray:
    """Decode the fields of a sensor_msgs/CompressedImage (JPEG or PNG) into RGB uint8.

    An empty format string means: tell the format from the data. Truncated files are
    rejected even though the codecs would return a partly grey image for them.
    """
    buffer = _as_bytes_array(data)
    if buffer.size == 0:
        raise InvalidImage("zero_size", "compressed data is empty")
    kind = _format_of(format_string, buffer)
    tail = buffer[-16:].tobytes()
    if kind == "jpeg" and not tail.rstrip(b"\x00").endswith(_JPEG_END):
        raise InvalidImage("truncated", "JPEG data has no end-of-image marker")
    if kind == "png" and not tail.endswith(_PNG_END):
        raise InvalidImage("truncated", "PNG data has no IEND chunk")
    bgr = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if bgr is None or bgr.size == 0:
        raise InvalidImage("corrupt_data", f"{kind} data could not be decoded")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def check_rgb_image(rgb: Any) -> np.ndarray:
    """Validate an RGB frame handed to the face pipeline; return it C-contiguous."""
    if not isinstance(rgb, np.ndarray):
        raise InvalidImage("bad_type", f"expected a numpy array, got {type(rgb).__name__}")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise InvalidImage("bad_shape", f"expected (height, width, 3), got {rgb.shape}")
    if rgb.dtype != np.uint8:
        raise InvalidImage("bad_data_type", f"expected uint8 pixels, got {rgb.dtype}")
    if rgb.shape[0] == 0 or rgb.shape[1] == 0:
        raise InvalidImage("zero_size", f"image is {rgb.shape[1]}x{rgb.shape[0]}")
    if rgb.shape[0] * rgb.shape[1] > MAX_PIXELS:
        raise InvalidImage("too_large", f"{rgb.shape[1]}x{rgb.shape[0]} exceeds {MAX_PIXELS}")
    return np.ascontiguousarray(rgb)
