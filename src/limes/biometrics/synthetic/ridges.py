"""Fingerprint images drawn from an orientation field: ridges for the image paths' tests.

No fingerprint image can be fetched here, so the image doors are tested on prints this
module draws, in the manner of SFinGe (Cappelli, Maio & Maltoni): seeded noise is
filtered again and again with Gabor-like band-pass filters that pass only the ridge
frequency (one ridge every ``PERIOD`` pixels at 500 ppi) across the local orientation
of a loop, whorl or arch field (``orientation``), and squashed after each pass, so that
parallel ridges grow along the field; where they cannot stay parallel they end or fork,
which gives minutiae an extractor finds. The print fades out at the edge of an
elliptical contact area on a white background, dark ridges on light valleys, 8-bit
grey. An impression of the same finger is the same ridge image moved (rotated and
shifted) with some sensor noise: a second capture for a search or a verification.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from limes.biometrics.synthetic.orientation import Pattern, random_field

SIZE = (416, 512)
"""Width and height: a 0.8 x 1.0 inch plain impression at 500 ppi."""
PERIOD = 9.0
"""Pixels from one ridge to the next at 500 ppi (about 0.46 mm, a typical adult's)."""
ORIENTATIONS = 16
PASSES = 6

Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class RidgeImage:
    """A drawn print: its pattern and its pixels (rows of 8-bit grey, ridges dark)."""

    pattern: Pattern
    pixels: Pixels

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def ridge_image(seed: int, pattern: Pattern = Pattern.LOOP) -> RidgeImage:
    """The master image of finger ``seed``: the same seed draws the same ridges."""
    rng = np.random.default_rng(seed)
    width, height = SIZE
    field = random_field(pattern, (width / 2, height / 2), rng)
    ys, xs = np.mgrid[0:height, 0:width]
    grid = np.column_stack([xs.ravel(), ys.ravel()]).astype(np.float64)
    theta = field.at(grid).reshape(height, width)
    ridges = _grown(theta, rng.standard_normal((height, width)))
    ellipse = ((xs - width / 2) / (width * 0.42)) ** 2 + ((ys - height / 2) / (height * 0.45)) ** 2
    contact = np.clip((1 - ellipse) * 6, 0, 1)
    grey = 255 - (ridges + 1) / 2 * 210 * contact
    return RidgeImage(pattern, grey.clip(0, 255).astype(np.uint8))


def impression(
    master: RidgeImage, seed: int, rotation_degrees: float = 6.0, shift: float = 12.0
) -> RidgeImage:
    """Another capture of ``master``: turned by up to ``rotation_degrees``, moved by up
    to ``shift`` pixels, with a little grey noise, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(-rotation_degrees, rotation_degrees)
    dx, dy = rng.uniform(-shift, shift, 2)
    picture = Image.fromarray(master.pixels).rotate(
        angle, resample=Image.Resampling.BILINEAR, translate=(dx, dy), fillcolor=255
    )
    noisy = np.asarray(picture, dtype=np.float64) + rng.normal(0, 6, master.pixels.shape)
    return RidgeImage(master.pattern, noisy.clip(0, 255).astype(np.uint8))


def _grown(
    theta: npt.NDArray[np.float64], noise: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Noise filtered ``PASSES`` times along ``theta`` (radians modulo π), in [-1, 1]."""
    height, width = noise.shape
    fy = np.asarray(np.fft.fftfreq(height)[:, None], dtype=np.float64)
    fx = np.asarray(np.fft.rfftfreq(width)[None, :], dtype=np.float64)
    position = theta / math.pi * ORIENTATIONS
    lower = np.floor(position).astype(int)
    weight = position - lower
    filters = [_band(k * math.pi / ORIENTATIONS, fx, fy) for k in range(ORIENTATIONS)]
    image = noise
    for _ in range(PASSES):
        spectrum = np.fft.rfft2(image)
        filtered = np.zeros_like(image)
        for k, band in enumerate(filters):
            response = np.fft.irfft2(spectrum * band, s=(height, width))
            filtered += response * np.where(lower % ORIENTATIONS == k, 1 - weight, 0)
            filtered += response * np.where((lower + 1) % ORIENTATIONS == k, weight, 0)
        image = np.tanh(2 * filtered / (filtered.std() + 1e-9))
    return image


def _band(
    orientation: float, fx: npt.NDArray[np.float64], fy: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The frequency response passing ridges of ``orientation``: a Gaussian around the
    ridge frequency across them, narrow along them."""
    across = fx * -math.sin(orientation) + fy * math.cos(orientation)
    along = fx * math.cos(orientation) + fy * math.sin(orientation)
    return np.asarray(
        np.exp(-((np.abs(across) - 1 / PERIOD) ** 2) / (2 * 0.02**2) - along**2 / (2 * 0.025**2)),
        dtype=np.float64,
    )
