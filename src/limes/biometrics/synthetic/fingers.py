"""Master templates and their impressions: how one finger's minutiae are drawn and how
each capture of it differs.

A master holds 30-60 minutiae spread over an elliptical print area, at least
``MIN_SPACING`` pixels apart (real minutiae seldom lie closer), each pointing along its
pattern's ridge orientation in one of the two senses. An impression of it is what a
sensor or a crime scene gives back: the finger placed rotated and shifted, the skin
stretched unevenly (a smooth random displacement field, strongest away from the centre
of contact), every minutia jittered in position and angle, 10-25 % of them missed, a
few spurious ones added, and for a latent only a small patch of the print kept.
Coordinates are pixels at 500 ppi on a ``CANVAS``-sized image; angles are radians.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from limes.biometrics.minutiae import Points
from limes.biometrics.synthetic.orientation import (
    PATTERN_SHARES,
    OrientationField,
    random_field,
)

CANVAS = (416, 512)
"""Width and height of the capture (a 0.8 x 1.0 inch plain impression at 500 ppi)."""
MIN_SPACING = 10.0
MINUTIAE_RANGE = (30, 60)


@dataclass(frozen=True, slots=True)
class MasterFinger:
    """A finger's true minutiae and the print area and field they were drawn in."""

    points: Points
    field: OrientationField
    centre: tuple[float, float]
    semi_axes: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Capture:
    """How an impression departs from its master; ``crop_radius`` 0 keeps the whole print."""

    rotation_degrees: float = 15.0
    translation: float = 20.0
    distortion: float = 5.0
    position_jitter: float = 2.0
    angle_jitter_degrees: float = 5.0
    dropped: tuple[float, float] = (0.10, 0.25)
    spurious: tuple[int, int] = (1, 6)
    crop_radius: tuple[float, float] = (0.0, 0.0)
    min_kept: int = 8


TEN_PRINT = Capture()
"""A live-scan plain or rolled impression taken at a border or in custody."""
LATENT = Capture(
    rotation_degrees=45.0,
    distortion=7.0,
    position_jitter=3.5,
    angle_jitter_degrees=9.0,
    dropped=(0.15, 0.25),
    spurious=(2, 6),
    crop_radius=(70.0, 95.0),
    min_kept=12,
)
"""A crime-scene mark: any rotation, more distortion and noise, a patch of the print."""


def master_finger(rng: np.random.Generator) -> MasterFinger:
    """A new finger: pattern class by its real share, print ellipse, minutiae on it."""
    patterns = list(PATTERN_SHARES)
    pattern = patterns[rng.choice(len(patterns), p=list(PATTERN_SHARES.values()))]
    centre = (CANVAS[0] / 2 + rng.normal(0, 10), CANVAS[1] / 2 + rng.normal(0, 10))
    semi_axes = (rng.uniform(120, 150), rng.uniform(165, 200))
    field = random_field(pattern, centre, rng)
    count = int(rng.integers(MINUTIAE_RANGE[0], MINUTIAE_RANGE[1] + 1))
    xy = _spaced_points_in_ellipse(count, centre, semi_axes, rng)
    theta = _directions(field, xy, rng)
    return MasterFinger(np.column_stack([xy, theta]), field, centre, semi_axes)


def impression(
    master: MasterFinger, rng: np.random.Generator, capture: Capture = TEN_PRINT
) -> Points:
    """One capture of ``master`` as ``capture`` describes; minutiae that fall off the
    canvas are lost as they would be on a sensor."""
    for _ in range(20):
        points = _one_impression(master, rng, capture)
        if len(points) >= capture.min_kept:
            return points
    return points


def _one_impression(master: MasterFinger, rng: np.random.Generator, capture: Capture) -> Points:
    points = master.points.copy()
    if capture.crop_radius[1] > 0:
        points = _crop(points, master, rng, capture.crop_radius)
    keep = rng.random(len(points)) >= rng.uniform(*capture.dropped)
    points = points[keep]
    points = _add_spurious(points, master, rng, capture.spurious)
    points = _distort(points, master.centre, rng, capture.distortion)
    points[:, :2] += rng.normal(0, capture.position_jitter, (len(points), 2))
    points[:, 2] += rng.normal(0, math.radians(capture.angle_jitter_degrees), len(points))
    points = _place(points, master.centre, rng, capture)
    inside = (
        (points[:, 0] >= 0)
        & (points[:, 0] < CANVAS[0])
        & (points[:, 1] >= 0)
        & (points[:, 1] < CANVAS[1])
    )
    points = points[inside]
    points[:, 2] %= 2 * math.pi
    return points[rng.permutation(len(points))]


def _spaced_points_in_ellipse(
    count: int,
    centre: tuple[float, float],
    semi_axes: tuple[float, float],
    rng: np.random.Generator,
) -> Points:
    """Rejection sampling: uniform in the ellipse, refused when too close to another."""
    chosen: list[tuple[float, float]] = []
    for _ in range(count * 50):
        if len(chosen) == count:
            break
        radius, angle = math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
        x = centre[0] + semi_axes[0] * radius * math.cos(angle)
        y = centre[1] + semi_axes[1] * radius * math.sin(angle)
        if all((x - cx) ** 2 + (y - cy) ** 2 >= MIN_SPACING**2 for cx, cy in chosen):
            chosen.append((x, y))
    return np.array(chosen, dtype=np.float64).reshape(-1, 2)


def _directions(field: OrientationField, xy: Points, rng: np.random.Generator) -> Points:
    """Along the ridge, in either sense (an ending points back along its ridge). The
    field's angles are taken in image axes (y down); a minutia's angle runs
    counter-clockwise as seen, hence the change of sign."""
    sense = rng.integers(0, 2, len(xy)) * math.pi
    noise = rng.normal(0, math.radians(4), len(xy))
    return np.asarray((-field.at(xy) + sense + noise) % (2 * math.pi), dtype=np.float64)


def _crop(
    points: Points,
    master: MasterFinger,
    rng: np.random.Generator,
    radius_range: tuple[float, float],
) -> Points:
    """A latent keeps the minutiae of a disc around a random point of the print."""
    radius = rng.uniform(*radius_range)
    a, b = master.semi_axes
    angle, reach = rng.uniform(0, 2 * math.pi), math.sqrt(rng.random()) * 0.5
    cx = master.centre[0] + a * reach * math.cos(angle)
    cy = master.centre[1] + b * reach * math.sin(angle)
    near = (points[:, 0] - cx) ** 2 + (points[:, 1] - cy) ** 2 <= radius**2
    return points[near]


def _add_spurious(
    points: Points, master: MasterFinger, rng: np.random.Generator, spurious: tuple[int, int]
) -> Points:
    """False minutiae where the extractor misread ridges: near the kept area, along the
    ridge flow (so they are not trivially told from true ones)."""
    count = int(rng.integers(spurious[0], spurious[1] + 1))
    if count == 0 or len(points) == 0:
        return points
    anchors = points[rng.integers(0, len(points), count), :2]
    xy = anchors + rng.normal(0, 25, (count, 2))
    theta = _directions(master.field, xy, rng)
    return np.vstack([points, np.column_stack([xy, theta])])


def _distort(
    points: Points, centre: tuple[float, float], rng: np.random.Generator, strength: float
) -> Points:
    """Skin elasticity: a sum of a few smooth Gaussian displacement bumps, scaled up with
    the distance from the centre of contact (where the finger is held still)."""
    result = points.copy()
    xy = points[:, :2]
    bumps = rng.uniform(-1, 1, (4, 2)) * strength
    bump_centres = np.array(centre) + rng.normal(0, 90, (4, 2))
    weights = np.exp(-((xy[:, None, :] - bump_centres[None]) ** 2).sum(-1) / (2 * 80.0**2))
    distance = np.hypot(xy[:, 0] - centre[0], xy[:, 1] - centre[1]) / 150.0
    shift = (weights @ bumps) * (0.3 + distance)[:, None]
    result[:, :2] = xy + shift
    return result


def _place(
    points: Points, centre: tuple[float, float], rng: np.random.Generator, capture: Capture
) -> Points:
    """The finger laid on the sensor: a rotation about the print's centre and a shift."""
    angle = math.radians(rng.uniform(-capture.rotation_degrees, capture.rotation_degrees))
    cos, sin = math.cos(angle), math.sin(angle)
    shift = rng.uniform(-capture.translation, capture.translation, 2)
    result = points.copy()
    dx, dy = points[:, 0] - centre[0], points[:, 1] - centre[1]
    # image y grows downwards: a counter-clockwise turn as seen is -angle in these axes
    result[:, 0] = centre[0] + cos * dx + sin * dy + shift[0]
    result[:, 1] = centre[1] - sin * dx + cos * dy + shift[1]
    result[:, 2] = points[:, 2] + angle
    return result
