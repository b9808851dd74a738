"""Minutia Cylinder-Code: the local descriptor of each minutia (Cappelli, Ferrara &
Maltoni, "Minutia Cylinder-Code: a new representation and matching technique for
fingerprint recognition", IEEE TPAMI 32(12), 2010).

A cylinder is a 16 x 16 x 6 grid laid over the disc of radius R around a minutia and
turned with its direction: each cell says how strongly neighbouring minutiae near that
place have that direction relative to the centre minutia. Being turned and centred on
its minutia, a cylinder does not change with the finger's rotation or shift, and it
tolerates distortion because each contribution is a Gaussian. The parameters are the
paper's (section 4). Computed for all minutiae of a finger at once with numpy.

Cells count only where the print is: a cell is valid when it lies within R of its
minutia and within ``VALID_MARGIN`` (the paper's Ω) of some minutia of the finger; the
paper uses the convex hull of the minutiae widened by Ω, and the nearest-minutia rule is
a simpler stand-in with the same intent (no cell out in empty background).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from limes.biometrics.minutiae import Points

RADIUS = 70.0
CELLS_PER_SIDE = 16
DIRECTION_CELLS = 6
SIGMA_SPACE = 28.0 / 3.0
SIGMA_DIRECTION = 2.0 * math.pi / 9.0
SIGMOID_MU = 1.0 / 100.0
SIGMOID_TAU = 400.0
VALID_MARGIN = 50.0
MIN_VALID_SHARE = 0.75
MIN_CONTRIBUTORS = 2

Float32 = npt.NDArray[np.float32]
_TURN = 2 * math.pi
SPATIAL_CELLS = CELLS_PER_SIDE * CELLS_PER_SIDE
CELLS = SPATIAL_CELLS * DIRECTION_CELLS
_CELL_SIDE = 2.0 * RADIUS / CELLS_PER_SIDE
_DIRECTION_STEP = 2.0 * math.pi / DIRECTION_CELLS
_OFFSETS = (np.arange(CELLS_PER_SIDE) - (CELLS_PER_SIDE - 1) / 2.0) * _CELL_SIDE
_CELLS_I, _CELLS_J = np.meshgrid(_OFFSETS, _OFFSETS, indexing="ij")
CELL_OFFSETS = np.column_stack([_CELLS_I.ravel(), _CELLS_J.ravel()])
"""(SPATIAL_CELLS, 2) offsets of the cell centres from a cylinder's minutia, unturned."""
_DIRECTION_CENTRES = -math.pi + (np.arange(DIRECTION_CELLS) + 0.5) * _DIRECTION_STEP
_INSIDE = np.hypot(CELL_OFFSETS[:, 0], CELL_OFFSETS[:, 1])[None, :] <= RADIUS
SPATIAL_EXPONENT = np.float32(-1 / (2 * SIGMA_SPACE**2))
SPATIAL_SCALE = np.float32(1 / (SIGMA_SPACE * math.sqrt(2 * math.pi)))
"""A contribution is exp(SPATIAL_EXPONENT * squared distance) * SPATIAL_SCALE (float32)."""


@dataclass(frozen=True, slots=True)
class Cylinders:
    """A finger's cylinders: one row per kept minutia.

    ``values`` (m, CELLS) in [0, 1], zero in invalid cells; ``valid`` (m, SPATIAL_CELLS)
    spatial validity; ``minutiae`` the (m, 3) rows they belong to, in matcher axes
    (x, y up, direction counter-clockwise).
    """

    values: npt.NDArray[np.float32]
    valid: npt.NDArray[np.bool_]
    minutiae: Points
    spatial_squares: npt.NDArray[np.float32]
    """(m, SPATIAL_CELLS): each spatial cell's squared values summed over directions (the
    matcher's norms need no more than that; kept so that no search recomputes them)."""

    def __len__(self) -> int:
        return len(self.minutiae)

    def bits(self) -> npt.NDArray[np.bool_]:
        """The binary cylinders of MCC's bit version (a cell is set where its summed
        contribution passes the sigmoid's midpoint)."""
        return self.values > 0.5


def joined(fingers: Sequence[Cylinders]) -> Cylinders:
    """The cylinders of several fingers as one set (rows in the order given)."""
    if not fingers:
        return empty()
    return Cylinders(
        np.concatenate([f.values for f in fingers]),
        np.concatenate([f.valid for f in fingers]),
        np.concatenate([f.minutiae for f in fingers]),
        np.concatenate([f.spatial_squares for f in fingers]),
    )


def angle_difference(a: npt.ArrayLike, b: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """a - b wrapped into [-π, π) (the paper's dφ).

    Angles of one turn (differences within (-3π, 3π), which all of the matcher's are)
    are wrapped by adding or subtracting one turn where needed: the same values as the
    floating remainder gives there (it adds the turn to a negative value, and subtracts
    it exactly from a value under two turns), at half its cost; the remainder is kept
    for any other."""
    shifted = np.asarray(a) - np.asarray(b) + math.pi
    if shifted.size and not (shifted.min() >= -_TURN and shifted.max() < 2 * _TURN):
        return np.asarray(shifted % _TURN - math.pi)
    shifted -= _TURN * (shifted >= _TURN)
    shifted += _TURN * (shifted < 0)
    return np.asarray(shifted - math.pi)


def cylinders(image_points: Points) -> Cylinders:
    """The cylinders of a finger's minutiae, given in image axes (x right, y down, angle
    counter-clockwise as seen). Minutiae whose cylinder has too few valid cells or too
    few contributing neighbours get none (the paper's rule), so a cylinder set may be
    shorter than the minutiae. (``bulk.bulk_cylinders`` gives the same arrays faster.)"""
    points = matcher_axes(image_points)
    count = len(points)
    if count == 0:
        return empty()
    (centre_x, centre_y), (x, y) = cell_centres(points)
    # (m, cells, t): squared distance of each cell centre to every minutia
    dx = centre_x[:, :, None] - x[None, None, :]
    dy = centre_y[:, :, None] - y[None, None, :]
    squared = dx * dx + dy * dy
    near = squared <= (3 * SIGMA_SPACE) ** 2
    near[np.arange(count), :, np.arange(count)] = False
    spatial = np.exp(squared * SPATIAL_EXPONENT)
    spatial *= near
    spatial *= SPATIAL_SCALE
    summed = np.matmul(spatial, directional(points[:, 2]).astype(np.float32))
    valid = squared.min(axis=2) <= VALID_MARGIN**2
    return kept_cylinders(activation(summed), valid, near.any(axis=1).sum(axis=1), points)


def matcher_axes(image_points: Points) -> Points:
    """(m, 3) float64 minutiae in matcher axes (y up) from image axes (y down)."""
    points = image_points.astype(np.float64).copy().reshape(-1, 3)
    points[:, 1] = -points[:, 1]
    return points


def cell_centres(points: Points) -> tuple[tuple[Float32, Float32], tuple[Float32, Float32]]:
    """The (m, cells) x and y of every cylinder's cell centres, turned with its minutia,
    and the minutiae's own x and y, all in float32 (the precision is ample for the
    distances between them, and those arrays are the bulk of the work)."""
    xy, theta = points[:, :2], points[:, 2]
    cos, sin = np.cos(theta), np.sin(theta)
    rotated_x = cos[:, None] * CELL_OFFSETS[None, :, 0] - sin[:, None] * CELL_OFFSETS[None, :, 1]
    rotated_y = sin[:, None] * CELL_OFFSETS[None, :, 0] + cos[:, None] * CELL_OFFSETS[None, :, 1]
    centres = (
        (rotated_x + xy[:, 0, None]).astype(np.float32),
        (rotated_y + xy[:, 1, None]).astype(np.float32),
    )
    return centres, (xy[:, 0].astype(np.float32), xy[:, 1].astype(np.float32))


def activation(summed: Float32) -> Float32:
    """The paper's sigmoid of each cell's summed contributions."""
    return np.asarray(1.0 / (1.0 + np.exp(-SIGMOID_TAU * (summed - SIGMOID_MU))))


def kept_cylinders(
    values: npt.NDArray[np.float32],
    near_some_minutia: npt.NDArray[np.bool_],
    contributors: npt.NDArray[np.int64],
    points: Points,
) -> Cylinders:
    """The cylinders that pass the paper's rule, from the (m, cells, directions)
    ``values``, whether each cell lies within Ω of some minutia, and each cylinder's count
    of contributing neighbours; cells outside the disc or Ω are zeroed (in place)."""
    valid = _INSIDE & near_some_minutia
    values *= valid[:, :, None]
    keep = (valid.sum(axis=1) >= MIN_VALID_SHARE * _INSIDE.sum()) & (
        contributors >= MIN_CONTRIBUTORS
    )
    kept = values[keep].astype(np.float32)
    return Cylinders(
        kept.reshape(len(kept), CELLS), valid[keep], points[keep], (kept * kept).sum(axis=2)
    )


def directional(theta: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """(m, t, k): how much minutia t's direction, relative to m's, falls in direction
    cell k: the area of a Gaussian of σ_D around the cell's centre angle over the cell."""
    relative = angle_difference(theta[:, None], theta[None, :])
    alpha = angle_difference(_DIRECTION_CENTRES[None, None, :], relative[:, :, None])
    scale = SIGMA_DIRECTION * math.sqrt(2)
    upper = erf((alpha + _DIRECTION_STEP / 2) / scale)
    lower = erf((alpha - _DIRECTION_STEP / 2) / scale)
    return np.asarray(0.5 * (upper - lower), dtype=np.float64)


def erf(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The error function, vectorised (Abramowitz & Stegun 7.1.26, error under 1.5e-7);
    numpy has none and scipy is not worth a dependency for one function."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float64)


def empty() -> Cylinders:
    return Cylinders(
        np.zeros((0, CELLS), np.float32),
        np.zeros((0, SPATIAL_CELLS), np.bool_),
        np.zeros((0, 3)),
        np.zeros((0, SPATIAL_CELLS), np.float32),
    )
