"""Ridge orientation fields of the three main pattern classes.

Loops and whorls follow the zero-pole model (Sherlock & Monro 1993): the orientation at
z is half the sum of the arguments of z seen from each core, less those seen from each
delta. Arches have no singular point: ridges run across the finger and bulge upwards in
the middle. An orientation is an angle modulo π (a ridge has no direction of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


class Pattern(Enum):
    """The Henry classes the generator draws, with their share of real ten-prints
    (loops about two thirds, whorls about 30 %, arches the rest)."""

    LOOP = "loop"
    WHORL = "whorl"
    ARCH = "arch"


PATTERN_SHARES = {Pattern.LOOP: 0.65, Pattern.WHORL: 0.30, Pattern.ARCH: 0.05}


@dataclass(frozen=True, slots=True)
class OrientationField:
    """A pattern's singular points (x, y rows) and arch bulge, centred on the print."""

    pattern: Pattern
    cores: Array
    deltas: Array
    centre: tuple[float, float]
    bulge: float

    def at(self, xy: Array) -> Array:
        """The ridge orientation (radians, modulo π) at each (x, y) row of ``xy``."""
        if self.pattern is Pattern.ARCH:
            return self._arch(xy)
        z = xy[:, 0] + 1j * xy[:, 1]
        angle = np.zeros(len(xy))
        for core in self.cores:
            angle += np.angle(z - (core[0] + 1j * core[1]))
        for delta in self.deltas:
            angle -= np.angle(z - (delta[0] + 1j * delta[1]))
        return np.asarray((angle / 2) % np.pi, dtype=np.float64)

    def _arch(self, xy: Array) -> Array:
        # ridges y = c - bulge * exp(-u²): the slope gives the orientation
        u = (xy[:, 0] - self.centre[0]) / 80.0
        slope = 2 * self.bulge * u * np.exp(-(u**2)) / 80.0
        return np.asarray(np.arctan(slope) % np.pi, dtype=np.float64)


def random_field(
    pattern: Pattern, centre: tuple[float, float], rng: np.random.Generator
) -> OrientationField:
    """A field of ``pattern`` whose singular points sit near ``centre`` at random offsets,
    in image coordinates (y grows downwards, deltas below the cores)."""
    cx, cy = centre
    cx += rng.normal(0, 12)
    cy += rng.normal(0, 12)
    empty = np.zeros((0, 2))
    if pattern is Pattern.LOOP:
        side = rng.choice([-1.0, 1.0])  # left or right loop
        cores = np.array([[cx, cy - 20]])
        deltas = np.array([[cx + side * rng.uniform(60, 90), cy + rng.uniform(50, 80)]])
        return OrientationField(pattern, cores, deltas, (cx, cy), 0.0)
    if pattern is Pattern.WHORL:
        gap = rng.uniform(8, 20)
        cores = np.array([[cx - gap / 2, cy - 15], [cx + gap / 2, cy - 5]])
        deltas = np.array(
            [
                [cx - rng.uniform(70, 95), cy + rng.uniform(55, 80)],
                [cx + rng.uniform(70, 95), cy + rng.uniform(55, 80)],
            ]
        )
        return OrientationField(pattern, cores, deltas, (cx, cy), 0.0)
    return OrientationField(pattern, empty, empty, (cx, cy), rng.uniform(20, 60))
