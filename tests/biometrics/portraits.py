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


def _encoded(image: Image.Image, kind: str = "JPEG") -> bytes:
    """Small enough that two fit the tests' 64 KiB request bodies in base64."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, kind, quality=45)
    else:  # a palette PNG: a photograph in 256 colours is a fifth of its RGB size
        image.convert("RGB").quantize(256).save(out, kind, optimize=True)
    return out.getvalue()


def _hopper() -> Image.Image:
    return Image.open(SAMPLE_DATA / "grace_hopper.jpg")


@cache
def hopper() -> bytes:
    """A JPEG portrait, 512 x 600, one frontal face (eyes 82 pixels apart)."""
    return _encoded(_hopper())


@cache
def hopper_again() -> bytes:
    """Another capture of the same face: mirrored and cropped a little, as a PNG."""
    mirrored = _hopper().transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return _encoded(mirrored.crop((100, 80, 440, 420)).resize((210, 210)), "PNG")


@cache
def collins() -> bytes:
    """A JPEG of another person (scikit-image's ``astronaut``, her head and shoulders)."""
    astronaut = Image.open(_package_dir("skimage") / "data" / "astronaut.png")
    return _encoded(astronaut.crop((110, 10, 330, 230)))


@cache
def two_faces() -> bytes:
    pixels = np.asarray(_hopper().convert("RGB"))
    both = Image.fromarray(np.concatenate([pixels, pixels], axis=1)).resize((512, 300))
    return _encoded(both)


@cache
def tilted() -> bytes:
    return _encoded(_hopper().rotate(30))


@cache
def small() -> bytes:
    """The portrait at 40 %: one face, eyes 33 pixels apart."""
    return _encoded(_hopper().resize((200, 234)))


@cache
def no_face() -> bytes:
    return (SAMPLE_DATA / "logo2.png").read_bytes()


def base64_of(image: bytes) -> str:
    return base64.b64encode(image).decode()
