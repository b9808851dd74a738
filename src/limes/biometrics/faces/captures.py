"""Faces taken from the images a door receives, checked for use, and their sealed form.

A request carries one or more images (``images[i]``): a JPEG or PNG (``images``) or an
ANSI/NIST-ITL transaction with Type-10 facial records (``type10``), told apart by their
first bytes. Each image is decoded strictly, its face found and held to the quality gate
(``quality``), and only then templated; every refusal is located in the request
(``/images/1/bytes/0``, ``/images/0/records/2/fields/10.011``, ``/images/0/face``;
the n-th face of a transaction: ``/images/0/faces/n/face``).

What is stored of a face is one sealed value (``pack``): a version byte, the 128-d
template as little-endian float32, then the image as received.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from limes.biometrics.faces import encoder, images, quality, type10
from limes.biometrics.faces.encoder import DIMENSIONS, Vector
from limes.biometrics.faces.images import FacialImage
from limes.biometrics.faces.quality import Pose
from limes.biometrics.formats.problems import FormatProblem
from limes.errors import FieldError, InvalidInput

MAX_IMAGES = 5
NIST_START = b"1.001:"
FORMAT = 1
_TEMPLATE = struct.Struct(f"<B{DIMENSIONS}f")


@dataclass(frozen=True, slots=True)
class Capture:
    """A usable face: the image it was found in, its pose and its template."""

    image: FacialImage
    pose: Pose
    confidence: float
    template: Vector


def captures(data: Sequence[bytes], most: int = MAX_IMAGES) -> list[Capture]:
    """Every image's one face, templated, after the gate; 1 to ``most`` images."""
    if not 1 <= len(data) <= most:
        _refuse("/images", f"give 1 to {most} images, not {len(data)}")
    found = []
    for number, item in enumerate(data):
        for offset, image in enumerate(_images(item, f"/images/{number}")):
            where = f"/images/{number}" + (f"/faces/{offset}" if item[:6] == NIST_START else "")
            face, pose = quality.usable(encoder.detect(image.pixels), f"{where}/face")
            found.append(Capture(image, pose, face.confidence, encoder.embed(image.pixels, face)))
    if len(found) > most:
        _refuse("/images", f"{len(found)} faces in all: at most {most}")
    return found


def capture(data: bytes) -> Capture:
    """The one face of a probe (a search, a verification)."""
    return captures([data], most=1)[0]


def pack(found: Capture) -> bytes:
    """The value sealed for a face: the template, then the image's bytes."""
    return _TEMPLATE.pack(FORMAT, *found.template.tolist()) + found.image.data


def template(packed: bytes) -> Vector:
    """The template of a sealed value (opened)."""
    version, *values = _TEMPLATE.unpack_from(packed)
    if version != FORMAT:
        raise ValueError(f"a stored face of format {version}, not {FORMAT}")
    return np.array(values, np.float32)


def image_bytes(packed: bytes) -> bytes:
    return packed[_TEMPLATE.size :]


def _images(item: bytes, where: str) -> list[FacialImage]:
    try:
        return type10.faces(item) if item[:6] == NIST_START else [images.decode(item)]
    except FormatProblem as problem:
        detail = problem.errors[0].detail
        raise InvalidInput(
            f"{problem} in {where}", [FieldError(f"{where}{problem.where}", detail)]
        ) from None


def _refuse(where: str, detail: str) -> NoReturn:
    raise InvalidInput(f"{detail} (at {where})", [FieldError(where, detail)])
