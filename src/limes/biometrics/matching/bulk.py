"""The cylinders of many fingers at a few times the speed of ``cylinders.cylinders``, with
the same values to the bit: for building a gallery of a million synthetic fingers.

``cylinders.cylinders`` stays the readable reference (and what enrolment runs); this
path computes the same float32 numbers by the same operations on the same operands,
and only changes what is computed and how the arrays are laid out:

- distances are laid out (minutia, neighbour, cell), so the subtractions run along 256
  contiguous cells rather than along a few dozen neighbours, and the validity test
  (nearest neighbour within Ω) is a minimum across rows rather than a short reduction
  per cell;
- the Gaussian of a distance is taken only where the neighbour is near the cell (about
  3 % of the cells; the reference multiplies the rest by zero after computing them),
  each by the same float32 exponential, and scattered into the reference's
  (minutia, cell, neighbour) layout, so the matrix product that sums the contributions
  gets the same matrices and sums in the same order.

The test ``tests/biometrics/matching/test_bulk.py`` holds the two paths equal, array for
array, on seeded ten-prints and latents.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from limes.biometrics.matching.cylinders import (
    SIGMA_SPACE,
    SPATIAL_CELLS,
    SPATIAL_EXPONENT,
    SPATIAL_SCALE,
    VALID_MARGIN,
    Cylinders,
    activation,
    cell_centres,
    directional,
    empty,
    kept_cylinders,
    matcher_axes,
)
from limes.biometrics.minutiae import Points

_NEAR = (3 * SIGMA_SPACE) ** 2


def bulk_cylinders(fingers: Iterable[Points]) -> list[Cylinders]:
    """``[cylinders(f) for f in fingers]``, bit for bit, in a third of the time."""
    return [_cylinders(finger) for finger in fingers]


def _cylinders(image_points: Points) -> Cylinders:
    points = matcher_axes(image_points)
    count = len(points)
    if count == 0:
        return empty()
    (centre_x, centre_y), (x, y) = cell_centres(points)
    # (m, t, cells): the squared distance from each cell of m to neighbour t
    squared = centre_x[:, None, :] - x[None, :, None]
    squared *= squared
    dy = centre_y[:, None, :] - y[None, :, None]
    dy *= dy
    squared += dy
    del dy
    near = squared <= _NEAR
    near[np.arange(count), np.arange(count), :] = False
    where = np.flatnonzero(near)
    picked = squared.ravel()[where]
    picked *= SPATIAL_EXPONENT
    contributions = np.exp(picked)
    contributions *= SPATIAL_SCALE
    # scattered into the reference's (m, cells, t) layout for the same matrix product
    minutia, rest = np.divmod(where, count * SPATIAL_CELLS)
    neighbour, cell = np.divmod(rest, SPATIAL_CELLS)
    spatial = np.zeros((count, SPATIAL_CELLS, count), np.float32)
    spatial.ravel()[(minutia * SPATIAL_CELLS + cell) * count + neighbour] = contributions
    summed = np.matmul(spatial, directional(points[:, 2]).astype(np.float32))
    valid = squared.min(axis=1) <= VALID_MARGIN**2
    contributors = near.any(axis=2).sum(axis=1)
    return kept_cylinders(activation(summed), valid, contributors, points)
