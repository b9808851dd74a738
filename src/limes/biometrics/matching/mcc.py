"""Minutia Cylinder-Code matching: local similarities of every cylinder pair, then one
global score by Local Similarity Sort with Relaxation (LSS-R), as in Cappelli, Ferrara &
Maltoni, IEEE TPAMI 32(12), 2010, sections 5 and 6, with the paper's parameters.

The local similarity of two cylinders a and b is 1 - |a - b| / (|a| + |b|) over the cells
valid in both; a pair whose minutiae differ in direction by more than ``MAX_ROTATION``,
or that shares under ``MIN_MATCHABLE`` of the cells, scores 0. All pairs at once are
three matrix products. LSS-R keeps the best pairs, lets each pair's similarity be
reinforced by the pairs geometrically compatible with it (distances and angles between
minutiae agree in both fingers), and averages the pairs that kept most of their value:
spurious local matches, which no neighbour supports, fade away.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from limes.biometrics.matching.cylinders import SPATIAL_CELLS, Cylinders, angle_difference

MAX_ROTATION = math.pi / 2
MIN_MATCHABLE = 0.60
MIN_PAIRS, MAX_PAIRS = 4, 12
PAIRS_MU, PAIRS_TAU = 20.0, 2.0 / 5.0
RELAXATION_ROUNDS = 5
RELAXATION_WEIGHT = 0.5
DISTANCE_MU, DISTANCE_TAU = 5.0, -8.0 / 5.0
ANGLE_MU, ANGLE_TAU = math.pi / 12, -30.0

Matrix = npt.NDArray[np.float64]


def local_similarities(a: Cylinders, b: Cylinders) -> Matrix:
    """(len(a), len(b)) matrix of cylinder similarities in [0, 1]."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    # the norms over cells valid in both need only spatial sums: validity is spatial
    a_valid, b_valid = a.valid.astype(np.float32), b.valid.astype(np.float32)
    a_square = a.spatial_squares @ b_valid.T
    b_square = a_valid @ b.spatial_squares.T
    cross = a.values @ b.values.T
    gap = np.sqrt(np.maximum(a_square + b_square - 2 * cross, 0.0))
    norms = np.sqrt(a_square) + np.sqrt(b_square)
    similarity = np.where(norms > 0, 1.0 - gap / np.where(norms > 0, norms, 1.0), 0.0)
    shared = a_valid @ b_valid.T
    matchable = shared >= MIN_MATCHABLE * SPATIAL_CELLS
    turn = np.abs(angle_difference(a.minutiae[:, 2, None], b.minutiae[None, :, 2]))
    result = np.where(matchable & (turn <= MAX_ROTATION), similarity, 0.0)
    return np.asarray(result, dtype=np.float64)


def score(a: Cylinders, b: Cylinders) -> float:
    """The global similarity of two fingers, in [0, 1] (LSS-R)."""
    similarities = local_similarities(a, b)
    if similarities.size == 0:
        return 0.0
    return relaxed_score(similarities, a.minutiae, b.minutiae)


def scores(probe: Cylinders, references: Sequence[Cylinders]) -> npt.NDArray[np.float64]:
    """``score`` of the probe against each reference, the local similarities of all of
    them computed in one matrix product (what makes re-ranking a candidate list cheap)."""
    result = np.zeros(len(references))
    if len(probe) == 0 or not references:
        return result
    matrix = local_similarities(probe, joined(references))
    start = 0
    for number, reference in enumerate(references):
        end = start + len(reference)
        if end > start:
            result[number] = relaxed_score(matrix[:, start:end], probe.minutiae, reference.minutiae)
        start = end
    return result


def joined(fingers: Sequence[Cylinders]) -> Cylinders:
    """The cylinders of several fingers as one set (rows in the order given)."""
    return Cylinders(
        np.concatenate([f.values for f in fingers]),
        np.concatenate([f.valid for f in fingers]),
        np.concatenate([f.minutiae for f in fingers]),
    )


def pairs_to_average(a_count: int, b_count: int) -> int:
    """n_P: how many pairs make the score, more for fingers with more minutiae."""
    share = 1.0 / (1.0 + math.exp(-PAIRS_TAU * (min(a_count, b_count) - PAIRS_MU)))
    return MIN_PAIRS + round(share * (MAX_PAIRS - MIN_PAIRS))


def relaxed_score(similarities: Matrix, a_points: Matrix, b_points: Matrix) -> float:
    """LSS-R over a local similarity matrix and the minutiae (matcher axes) of each side."""
    rows, cols = similarities.shape
    kept = min(rows, cols)
    order = np.argsort(similarities, axis=None)[::-1][:kept]
    first, second = np.unravel_index(order, similarities.shape)
    start = similarities[first, second]
    if kept < 2 or start[0] <= 0:
        return 0.0
    support = _compatibility(a_points[first], b_points[second])
    np.fill_diagonal(support, 0.0)
    value = start.copy()
    for _ in range(RELAXATION_ROUNDS):
        value = RELAXATION_WEIGHT * value + (1 - RELAXATION_WEIGHT) * (support @ value) / (kept - 1)
    efficiency = np.where(start > 0, value / np.where(start > 0, start, 1.0), 0.0)
    chosen = np.argsort(efficiency)[::-1][: pairs_to_average(rows, cols)]
    return float(value[chosen].mean())


def _compatibility(a: Matrix, b: Matrix) -> Matrix:
    """ρ(t, k): how well pair t agrees with pair k on the distance between the two
    minutiae, their difference in direction and the direction of the line joining them."""
    a_distance, a_turn, a_radial = _relations(a)
    b_distance, b_turn, b_radial = _relations(b)
    agreement = _sigmoid(np.abs(a_distance - b_distance), DISTANCE_MU, DISTANCE_TAU)
    agreement *= _sigmoid(np.abs(angle_difference(a_turn, b_turn)), ANGLE_MU, ANGLE_TAU)
    agreement *= _sigmoid(np.abs(angle_difference(a_radial, b_radial)), ANGLE_MU, ANGLE_TAU)
    return agreement


def _relations(points: Matrix) -> tuple[Matrix, Matrix, Matrix]:
    dx = points[None, :, 0] - points[:, None, 0]
    dy = points[None, :, 1] - points[:, None, 1]
    distance = np.hypot(dx, dy)
    turn = angle_difference(points[:, None, 2], points[None, :, 2])
    radial = angle_difference(points[:, None, 2], np.arctan2(dy, dx))
    return distance, turn, radial


def _sigmoid(value: Matrix, mu: float, tau: float) -> Matrix:
    return np.asarray(1.0 / (1.0 + np.exp(-tau * (value - mu))), dtype=np.float64)
