"""WSQ fingerprint images (FBI IAFIS-IC-0110, the compression of ANSI/NIST-ITL Type-4
and Type-14 records) through the ``wsq`` package's NBIS codec.

The package's Pillow plugin is lenient on input (a cut file raises an unrelated Python
error), so decoding reads the header here first: the start-of-image marker, then only
the known table and comment segments up to the start-of-frame, whose size is checked
against ``MAX_SIDE`` before the codec allocates anything. The codec's answer must then
have the size the frame declared. Encoding goes through the plugin, at the bit rate
NIST's guidance uses for 500 ppi prints (0.75 bits per pixel, about 15:1).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import NoReturn

import _wsq  # type: ignore[import-not-found]  # the wsq package's C codec, no hints
import wsq  # type: ignore[import-untyped]  # noqa: F401  # its import registers WSQ with Pillow
from PIL import Image

from limes.biometrics.formats.problems import FormatProblem, at_byte

STANDARD = "WSQ (IAFIS-IC-0110)"
MAX_BYTES = 4 * 1024 * 1024
MAX_SIDE = 4000
"""A 1000 ppi rolled print is under 2000 pixels a side; a palm is under 4000."""
START_OF_IMAGE, START_OF_FRAME = 0xFFA0, 0xFFA2
TABLE_SEGMENTS = frozenset({0xFFA4, 0xFFA5, 0xFFA6, 0xFFA7, 0xFFA8})
"""Transform, quantisation and Huffman tables, restart interval, comment."""
_SEGMENT = struct.Struct(">HH")
_FRAME = struct.Struct(">HHBBHH")
"""Marker, length, black and white levels, height, width (the rest is not needed)."""


@dataclass(frozen=True, slots=True)
class GrayImage:
    """8-bit grayscale pixels, row by row, with the resolution when known (ppi)."""

    width: int
    height: int
    pixels: bytes
    ppi: int = 500


def encode(image: GrayImage) -> bytes:
    """The image compressed as WSQ."""
    if not (0 < image.width <= MAX_SIDE and 0 < image.height <= MAX_SIDE):
        _refuse(0, f"image size {image.width}x{image.height} is out of range")
    if len(image.pixels) != image.width * image.height:
        _refuse(0, "the pixels are not width x height bytes")
    picture = Image.frombytes("L", (image.width, image.height), image.pixels)
    out = io.BytesIO()
    picture.save(out, format="WSQ")
    return out.getvalue()


def decode(data: bytes) -> GrayImage:
    """The image in WSQ ``data``; refused (with the byte offset) unless its header is
    well formed, its size within bounds and the codec gives back that many pixels."""
    width, height = frame_size(data)
    try:
        pixels, decoded_width, decoded_height, ppi = _wsq.decompress(data)
    except Exception as error:
        _refuse(0, f"the codec could not decode it ({error})")
    if (decoded_width, decoded_height) != (width, height) or len(pixels) != width * height:
        _refuse(0, "the decoded image does not have the size its frame declares")
    return GrayImage(width, height, bytes(pixels), int(ppi) if ppi > 0 else 500)


def frame_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the start-of-frame segment, reading no further."""
    if len(data) > MAX_BYTES:
        _refuse(0, f"{len(data)} bytes is over the {MAX_BYTES}-byte bound")
    if len(data) < 2 or struct.unpack_from(">H", data, 0)[0] != START_OF_IMAGE:
        _refuse(0, "no WSQ start-of-image marker (FFA0)")
    offset = 2
    while offset + _SEGMENT.size <= len(data):
        marker, length = _SEGMENT.unpack_from(data, offset)
        if marker == START_OF_FRAME:
            if offset + _FRAME.size > len(data):
                break
            _, _, _, _, height, width = _FRAME.unpack_from(data, offset)
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
                _refuse(offset, f"frame size {width}x{height} is out of range")
            return width, height
        if marker not in TABLE_SEGMENTS:
            _refuse(offset, f"marker {marker:04X} is not expected before the frame")
        if length < 2:
            _refuse(offset + 2, f"segment length {length} is too short")
        offset += 2 + length
    _refuse(min(offset, len(data)), "the data ends before the start-of-frame segment")


def _refuse(offset: int, detail: str) -> NoReturn:
    raise FormatProblem(STANDARD, at_byte(offset), detail)
