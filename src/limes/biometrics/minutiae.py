"""Minutiae as the standards carry them, and as the matchers compute with them.

A record's minutia holds integers exactly as ISO/IEC 19794-2 encodes them (pixels, an
angle in units of 360/256 degrees, a quality of 0-100), so that a decoded record encodes
back to the same bytes. Matchers work on float arrays instead (``points``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

ANGLE_UNITS = 256
"""ISO/IEC 19794-2 stores an angle in one byte: 360/256 = 1.40625 degrees a unit."""

MAX_COORDINATE = (1 << 14) - 1
"""x and y have 14 bits each in a minutia's record."""

Points = npt.NDArray[np.float64]
"""An (n, 3) array of minutiae: x and y in pixels, direction in radians in [0, 2π)."""


class MinutiaKind(IntEnum):
    """The two-bit minutia type of ISO/IEC 19794-2."""

    OTHER = 0
    RIDGE_ENDING = 1
    BIFURCATION = 2


@dataclass(frozen=True, slots=True)
class Minutia:
    """One minutia as a record holds it; the angle runs counter-clockwise from the x axis."""

    kind: MinutiaKind
    x: int
    y: int
    angle: int
    quality: int = 0


def angle_units(radians: float) -> int:
    """The nearest ISO angle unit (0-255) of a direction in radians."""
    return round((radians % (2 * math.pi)) * ANGLE_UNITS / (2 * math.pi)) % ANGLE_UNITS


def points(minutiae: Iterable[Minutia]) -> Points:
    """The (n, 3) float array of x, y and direction (radians) that the matchers use."""
    rows = [(m.x, m.y, m.angle * 2 * math.pi / ANGLE_UNITS) for m in minutiae]
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def quantised(array: Points, quality: int = 60) -> tuple[Minutia, ...]:
    """Record minutiae of a float array: rounded pixels (clipped to the 14-bit range) and
    angle units; the kind alternates (a generator's array carries none)."""
    found = []
    for index, (x, y, theta) in enumerate(array):
        found.append(
            Minutia(
                kind=MinutiaKind.RIDGE_ENDING if index % 2 == 0 else MinutiaKind.BIFURCATION,
                x=min(max(round(float(x)), 0), MAX_COORDINATE),
                y=min(max(round(float(y)), 0), MAX_COORDINATE),
                angle=angle_units(float(theta)),
                quality=quality,
            )
        )
    return tuple(found)
