"""The facial-image door: one JPEG or PNG, held to a strict profile before it is decoded.

Pillow decodes; this module bounds what it is given first: at most ``MAX_IMAGE_BYTES``,
the format named by its magic bytes (JPEG ``FF D8 FF``, PNG's eight-byte signature;
anything else is refused, whatever the file calls itself), a header whose declared
size is within ``MIN_SIDE``..``MAX_SIDE`` and ``MAX_PIXELS`` (checked before the pixels
are decoded, so a decompression bomb is refused unread), then a full decode that must
reach the end of the data. A problem is a ``FormatProblem`` located in the image
(``/bytes/0`` for the signature, ``/size`` for the dimensions).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from limes.biometrics.formats.problems import FormatProblem

STANDARD = "facial image"
MAX_IMAGE_BYTES = 8 * 1024 * 1024
"""An ICAO portrait at 600 ppi JPEG is well under 1 MB; a PNG of 4000 x 4000 fits."""
MIN_SIDE = 64
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000
JPEG = "image/jpeg"
PNG = "image/png"
SIGNATURES = {b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}

Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class FacialImage:
    """A decoded image: its media type, the bytes received and the RGB pixels
    (height x width x 3)."""

    media_type: str
    data: bytes
    pixels: Pixels

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def media_type(data: bytes) -> str | None:
    """The media type the magic bytes name, or None."""
    return next((t for magic, t in SIGNATURES.items() if data.startswith(magic)), None)


def decode(data: bytes) -> FacialImage:
    """The image in ``data`` (JPEG or PNG), refused with its location when outside the
    profile."""
    if len(data) > MAX_IMAGE_BYTES:
        _refuse("/bytes", f"{len(data)} bytes is over the {MAX_IMAGE_BYTES}-byte bound")
    kind = media_type(data)
    if kind is None:
        _refuse("/bytes/0", "neither a JPEG nor a PNG image (by its signature)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]])
            _check_size(image.width, image.height)
            image.load()
            rgb = image.convert("RGB")
        except FormatProblem:
            raise
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
            _refuse("/bytes", f"the {kind} data does not decode ({type(error).__name__})")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse("/size", "the image is too large to decode")
    return FacialImage(kind, data, np.asarray(rgb, dtype=np.uint8).copy())


def _check_size(width: int, height: int) -> None:
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        _refuse("/size", f"{width} x {height}: each side must be {MIN_SIDE} to {MAX_SIDE} pixels")
    if width * height > MAX_PIXELS:
        _refuse("/size", f"{width} x {height} is over {MAX_PIXELS} pixels")


def _refuse(where: str, detail: str) -> NoReturn:
    raise FormatProblem(STANDARD, where, detail)
