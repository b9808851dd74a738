"""Facial images for the tests, from photographs that installed packages ship (nothing
is downloaded): Grace Hopper (matplotlib's sample data) and Eileen Collins (scikit-image's
``astronaut``, read as a file: scikit-image itself is not imported), and images made
from them that the quality gate refuses."""

from __future__ import annotations

import base64
import importlib.util
import io
from functools import cache
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image

SAMPLE_DATA = Path(matplotlib.get_data_path()) / "sample_data"


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def _encoded(image: Image.Image, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, kind)
    return out.getvalue()


@cache
def hopper() -> bytes:
    """A JPEG portrait, 512 x 600, one frontal face (eyes 82 pixels apart)."""
    return (SAMPLE_DATA / "grace_hopper.jpg").read_bytes()


def _hopper() -> Image.Image:
    return Image.open(io.BytesIO(hopper()))


@cache
def hopper_again() -> bytes:
    """Another capture of the same face: mirrored and cropped a little, as a PNG."""
    mirrored = _hopper().transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return _encoded(mirrored.crop((20, 10, 500, 590)))


@cache
def collins() -> bytes:
    """A PNG of another person (scikit-image's ``astronaut``)."""
    return (_package_dir("skimage") / "data" / "astronaut.png").read_bytes()


@cache
def two_faces() -> bytes:
    pixels = np.asarray(_hopper().convert("RGB"))
    return _encoded(Image.fromarray(np.concatenate([pixels, pixels], axis=1)))


@cache
def tilted() -> bytes:
    return _encoded(_hopper().rotate(30), "JPEG")


@cache
def small() -> bytes:
    """The portrait at 40 %: one face, eyes 33 pixels apart."""
    return _encoded(_hopper().resize((200, 234)))


@cache
def no_face() -> bytes:
    return (SAMPLE_DATA / "logo2.png").read_bytes()


def base64_of(image: bytes) -> str:
    return base64.b64encode(image).decode()
