# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Decoding sensor_msgs/Image and CompressedImage fields into RGB arrays."""

from __future__ import annotations

import array

import cv2
import numpy as np
import pytest

from hri_emo_ros.perception.image_decode import (
    InvalidImage,
    check_rgb_image,
    decode_compressed_image,
    decode_raw_image,
)

RNG = np.random.default_rng(7)
RGB = RNG.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)


def _padded(pixels: np.ndarray, pad: int) -> tuple[int, bytes]:
    """Row-major bytes with `pad` junk bytes after every row, and the resulting step."""
    rows = pixels.reshape(pixels.shape[0], -1)
    junk = np.full((rows.shape[0], pad), 0xAB, dtype=np.uint8)
    return rows.shape[1] + pad, np.hstack([rows, junk]).tobytes()


@pytest.mark.parametrize("pad", [0, 3])
def test_raw_encodings_all_give_the_same_rgb(pad):
    bgr = RGB[:, :, ::-1]
    alpha = np.full((5, 7, 1), 200, dtype=np.uint8)
    cases = {
        "rgb8": RGB,
        "bgr8": bgr,
        "rgba8": np.concatenate([RGB, alpha], axis=2),
        "bgra8": np.concatenate([bgr, alpha], axis=2),
    }
    for encoding, pixels in cases.items():
        step, data = _padded(pixels, pad)
        out = decode_raw_image(encoding, 5, 7, step, data)
        assert out.dtype == np.uint8 and out.shape == (5, 7, 3), encoding
        np.testing.assert_array_equal(out, RGB, err_msg=encoding)


def test_mono8_is_replicated_to_three_channels_and_any_buffer_type_works():
    grey = RGB[:, :, 0]
    step, data = _padded(grey, 1)
    for buffer in (data, bytearray(data), memoryview(data), array.array("B", data), list(data)):
        out = decode_raw_image("mono8", 5, 7, step, buffer)
        for channel in range(3):
            np.testing.assert_array_equal(out[:, :, channel], grey)


@pytest.mark.parametrize(
    ("encoding", "height", "width", "step", "size", "reason"),
    [
        ("yuv422", 5, 7, 14, 70, "unknown_encoding"),
        ("16UC1", 5, 7, 14, 70, "unknown_encoding"),
        ("rgb8", 5, 7, 20, 100, "step_too_small"),
        ("rgb8", 5, 7, 21, 104, "size_mismatch"),
        ("rgb8", 5, 7, 21, 106, "size_mismatch"),
        ("rgb8", 0, 7, 21, 0, "zero_size"),
        ("mono8", 5, 0, 0, 0, "zero_size"),
    ],
)
def test_raw_errors_name_their_reason(encoding, height, width, step, size, reason):
    with pytest.raises(InvalidImage) as caught:
        decode_raw_image(encoding, height, width, step, bytes(size))
    assert caught.value.reason == reason
    assert reason in str(caught.value)


def test_raw_rejects_non_byte_data():
    with pytest.raises(InvalidImage) as caught:
        decode_raw_image("mono8", 1, 2, 2, [0, 300])
    assert caught.value.reason == "bad_data_type"
    with pytest.raises(InvalidImage) as caught:
        decode_raw_image("mono8", 1, 2, 2, 12.5)
    assert caught.value.reason == "bad_data_type"


def _encode(extension: str, rgb: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(extension, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return buffer.tobytes()


def test_png_round_trip_is_exact_and_jpeg_is_close():
    image = np.zeros((40, 60, 3), dtype=np.uint8)
    image[:, :30] = (250, 10, 10)  # red left half: checks the channel order
    image[:, 30:] = (10, 10, 250)
    np.testing.assert_array_equal(decode_compressed_image("png", _encode(".png", image)), image)
    jpeg = decode_compressed_image("rgb8; jpeg compressed bgr8", _encode(".jpg", image))
    assert jpeg.shape == image.shape
    assert np.abs(jpeg.astype(int) - image.astype(int)).mean() < 6
    # An empty format string means: tell from the data.
    assert decode_compressed_image("", _encode(".png", image)).shape == image.shape


@pytest.mark.parametrize(
    ("format_string", "mutate", "reason"),
    [
        ("jpeg", lambda b: b[: len(b) // 2], "truncated"),
        ("png", lambda b: b[: len(b) - 20], "truncated"),
        ("jpeg", lambda b: b[:3] + bytes(len(b) - 5) + b[-2:], "corrupt_data"),
        ("jpeg", lambda b: b"not an image at all", "corrupt_data"),
        ("jpeg", lambda b: b"", "zero_size"),
        ("tiff", lambda b: b, "unknown_format"),
        ("png", lambda b: b, "format_mismatch"),
        ("16UC1; compressedDepth png", lambda b: b, "unknown_format"),
    ],
)
def test_compressed_errors_name_their_reason(format_string, mutate, reason):
    jpeg = _encode(".jpg", RNG.integers(0, 256, size=(32, 32, 3), dtype=np.uint8))
    data = mutate(_encode(".png", RGB) if format_string == "png" and reason == "truncated"
                  else jpeg)
    with pytest.raises(InvalidImage) as caught:
        decode_compressed_image(format_string, data)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (np.zeros((4, 4), np.uint8), "bad_shape"),
        (np.zeros((4, 4, 3), np.float32), "bad_data_type"),
        (np.zeros((0, 4, 3), np.uint8), "zero_size"),
        ([[0, 0, 0]], "bad_type"),
    ],
)
def test_check_rgb_image_rejects_bad_frames(value, reason):
    with pytest.raises(InvalidImage) as caught:
        check_rgb_image(value)
    assert caught.value.reason == reason
