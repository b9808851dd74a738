"""WSQ through the wsq package: a lossy round trip close to the original, and a strict
header read that refuses cut, oversized or foreign data at its byte."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.formats.wsq_images import GrayImage, decode, encode, frame_size


def ridges(width: int = 200, height: int = 240) -> GrayImage:
    """A synthetic ridge pattern: a sinusoid of a 9-pixel period, curving slowly."""
    y, x = np.mgrid[0:height, 0:width]
    phase = 2 * np.pi * (x * np.cos(0.4) + y * np.sin(0.4) + 0.002 * (x - 100) ** 2) / 9
    return GrayImage(width, height, (127 + 100 * np.sin(phase)).astype(np.uint8).tobytes())


def test_a_ridge_image_survives_compression_closely() -> None:
    image = ridges()
    data = encode(image)
    assert data[:2] == b"\xff\xa0"
    assert len(data) < len(image.pixels) / 4
    back = decode(data)
    assert (back.width, back.height) == (image.width, image.height)
    error = np.frombuffer(back.pixels, np.uint8).astype(float) - np.frombuffer(
        image.pixels, np.uint8
    )
    assert np.sqrt((error**2).mean()) < 8
    assert frame_size(data) == (image.width, image.height)


def test_a_second_round_trip_changes_little() -> None:
    once = decode(encode(ridges()))
    twice = decode(encode(once))
    drift = np.abs(
        np.frombuffer(once.pixels, np.uint8).astype(int) - np.frombuffer(twice.pixels, np.uint8)
    )
    assert drift.mean() < 3


def test_foreign_cut_or_oversized_data_is_refused() -> None:
    data = encode(ridges())
    with pytest.raises(FormatProblem, match="start-of-image") as refused:
        decode(b"\xff\xd8" + data[2:])
    assert refused.value.where == "/bytes/0"
    with pytest.raises(FormatProblem):
        decode(data[:300])
    with pytest.raises(FormatProblem, match="ends before"):
        decode(data[:6])
    with pytest.raises(FormatProblem, match="not expected"):
        decode(b"\xff\xa0\x12\x34\x00\x04")


def test_a_frame_larger_than_the_bound_is_refused_before_decoding() -> None:
    frame = struct.pack(">HHBBHH", 0xFFA2, 17, 0, 255, 9000, 9000)
    with pytest.raises(FormatProblem, match="out of range") as refused:
        decode(b"\xff\xa0" + frame + bytes(20))
    assert refused.value.where == "/bytes/2"


def test_the_encoder_refuses_pixels_that_do_not_fill_the_image() -> None:
    with pytest.raises(FormatProblem, match="width x height"):
        encode(GrayImage(10, 10, bytes(99)))
