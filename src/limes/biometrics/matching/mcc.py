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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from limes.biometrics.matching.cylinders import (
    SPATIAL_CELLS,
    Cylinders,
    angle_difference,
    joined,
)

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
    return similarities_of(
        (a.spatial_squares @ b_valid.T, a_valid @ b.spatial_squares.T),
        a.values @ b.values.T,
        a_valid @ b_valid.T,
        (a.minutiae[:, 2], b.minutiae[:, 2]),
    )


def similarities_of(
    squares: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]],
    cross: npt.NDArray[np.float32],
    shared: npt.NDArray[np.float32],
    directions: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> Matrix:
    """``local_similarities`` from its sums over the cells valid in both cylinders of
    each pair: each side's squared norm there, the products' sum, the count of shared
    spatial cells, and each side's minutia directions (``packed.bit_scores`` gets the
    sums by counting bits)."""
    a_square, b_square = squares
    gap = np.sqrt(np.maximum(a_square + b_square - 2 * cross, 0.0))
    norms = np.sqrt(a_square) + np.sqrt(b_square)
    similarity = np.where(norms > 0, 1.0 - gap / np.where(norms > 0, norms, 1.0), 0.0)
    matchable = shared >= MIN_MATCHABLE * SPATIAL_CELLS
    turn = np.abs(angle_difference(directions[0][:, None], directions[1][None, :]))
    result = np.where(matchable & (turn <= MAX_ROTATION), similarity, 0.0)
    return np.asarray(result, dtype=np.float64)


def score(a: Cylinders, b: Cylinders) -> float:
    """The global similarity of two fingers, in [0, 1] (LSS-R)."""
    return float(scores(a, [b])[0])


def scores(probe: Cylinders, references: Sequence[Cylinders]) -> npt.NDArray[np.float64]:
    """``score`` of the probe against each reference. The local similarities of all of
    them come from one matrix product and the relaxation runs on all of them at once,
    padded to the largest (what makes re-ranking a candidate list cheap)."""
    return scores_together(probe, joined(references), [len(r) for r in references])


def scores_together(
    probe: Cylinders,
    references: Cylinders,
    counts: Sequence[int],
    consolidation: Consolidation | None = None,
) -> npt.NDArray[np.float64]:
    """``scores`` for references given as one set of cylinders (``joined``, or
    ``packed.opened_together``), the first ``counts[0]`` rows the first reference's;
    ``consolidation`` as ``scores_of_matrix`` takes it."""
    if len(probe) == 0 or not len(counts) or max(counts) == 0:
        return np.zeros(len(counts))
    matrix = local_similarities(probe, references)
    return scores_of_matrix(matrix, counts, probe.minutiae, references.minutiae, consolidation)


def scores_of_matrix(
    matrix: Matrix,
    counts: Sequence[int],
    probe_points: Matrix,
    reference_points: Matrix,
    consolidation: Consolidation | None = None,
) -> npt.NDArray[np.float64]:
    """``scores_together`` from the local similarities of the probe's cylinders (rows)
    with the references' (columns, the first ``counts[0]`` the first reference's) and
    both sides' minutiae; ``consolidation`` turns the relaxed pairs into scores (LSS-R's
    mean, ``Relaxed.scores``, unless given: ``overlap.scores`` for latents)."""
    sizes = np.array(counts, dtype=np.int64)
    if not len(counts) or sizes.max() == 0 or len(matrix) == 0:
        return np.zeros(len(counts))
    width = int(sizes.max())
    padded = np.full((len(counts), len(matrix), width), -1.0)
    padded_points = np.zeros((len(counts), width, 3))
    start = 0
    for number, count in enumerate(counts):
        end = start + count
        padded[number, :, :count] = matrix[:, start:end]
        padded_points[number, :count] = reference_points[start:end]
        start = end
    relaxed = relax(padded, sizes, probe_points, padded_points)
    if consolidation is None:
        return relaxed.scores()
    return consolidation(relaxed, probe_points, padded_points)


def pairs_to_average(a_count: int, b_count: int) -> int:
    """n_P: how many pairs make the score, more for fingers with more minutiae."""
    share = 1.0 / (1.0 + math.exp(-PAIRS_TAU * (min(a_count, b_count) - PAIRS_MU)))
    return MIN_PAIRS + round(share * (MAX_PAIRS - MIN_PAIRS))


@dataclass(frozen=True, slots=True)
class Relaxed:
    """LSS-R's pairs for R references at once, ``depth`` columns each (past ``live``
    padding): the probe row (``first``) and reference column (``second``) of each pair
    LSS kept, best local similarity first, its similarity before (``start``) and after
    relaxation (``value``), the pairs' mutual compatibility ρ (``support``, (R, depth,
    depth)), the pair positions by efficiency, best first (``ranked``), how many of them
    make the score (``taken``, n_P), whether a reference scores at all (``usable``) and
    each reference's cylinder count (``sizes``)."""

    first: npt.NDArray[np.int64]
    second: npt.NDArray[np.int64]
    start: npt.NDArray[np.float64]
    value: npt.NDArray[np.float64]
    live: npt.NDArray[np.bool_]
    support: npt.NDArray[np.float64]
    ranked: npt.NDArray[np.int64]
    taken: npt.NDArray[np.int64]
    usable: npt.NDArray[np.bool_]
    sizes: npt.NDArray[np.int64]

    def scores(self) -> npt.NDArray[np.float64]:
        """LSS-R: the mean relaxed similarity of the ``taken`` most efficient pairs."""
        count = len(self.taken)
        ordered = np.take_along_axis(self.value, self.ranked, axis=1)
        totals = np.cumsum(ordered, axis=1)[np.arange(count), self.taken - 1]
        return np.where(self.usable, totals / self.taken, 0.0)


Consolidation = Callable[[Relaxed, Matrix, npt.NDArray[np.float64]], npt.NDArray[np.float64]]
"""A global score from the relaxed pairs, the probe's (m, 3) minutiae and the references'
padded (R, width, 3) ones."""


def relaxed_scores(
    similarities: npt.NDArray[np.float64],
    sizes: npt.NDArray[np.int64],
    probe_points: Matrix,
    reference_points: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """LSS-R for R references at once (``relax``, then its scores)."""
    return relax(similarities, sizes, probe_points, reference_points).scores()


def relax(
    similarities: npt.NDArray[np.float64],
    sizes: npt.NDArray[np.int64],
    probe_points: Matrix,
    reference_points: npt.NDArray[np.float64],
) -> Relaxed:
    """LSS-R's relaxation for R references at once.

    ``similarities`` (R, m, width): each reference's local similarities, padded with -1
    past its ``sizes``; ``reference_points`` (R, width, 3) in matcher axes. Per reference
    the best min(m, n) pairs are relaxed, and the pairs that kept most of their value
    are ranked first.
    """
    count, rows, width = similarities.shape
    kept = np.minimum(rows, sizes)
    depth = int(kept.max())
    flat = similarities.reshape(count, rows * width)
    order = np.argsort(-flat, axis=1, kind="stable")[:, :depth]
    first, second = np.divmod(order, width)
    start = np.take_along_axis(flat, order, axis=1)
    live = np.arange(depth)[None, :] < kept[:, None]
    start = np.where(live, start, 0.0)
    references = np.arange(count)[:, None]
    # the probe's relations once, for all its minutiae, then gathered per pair: the
    # same values as computing them for each reference's pairs, at a fraction of the cost
    pairs = first[:, :, None], first[:, None, :]
    distance, turn, radial = _relations(probe_points)
    probe_relations = (distance[pairs], turn[pairs], radial[pairs])
    support = _compatibility(probe_relations, _relations(reference_points[references, second]))
    support *= live[:, :, None] & live[:, None, :]
    support[:, np.arange(depth), np.arange(depth)] = 0.0
    value = start.copy()
    spread = np.maximum(kept - 1, 1)[:, None]
    for _ in range(RELAXATION_ROUNDS):
        value = (
            RELAXATION_WEIGHT * value
            + (1 - RELAXATION_WEIGHT) * np.einsum("rkj,rj->rk", support, value) / spread
        )
    efficiency = np.where(live & (start > 0), value / np.where(start > 0, start, 1.0), -np.inf)
    ranked = np.argsort(-efficiency, axis=1, kind="stable")
    averaged = np.array([pairs_to_average(rows, int(n)) for n in sizes])
    taken = np.clip(np.minimum(averaged, kept), 1, None)
    usable = (kept >= 2) & (start[:, 0] > 0)
    return Relaxed(first, second, start, value, live, support, ranked, taken, usable, sizes)


Relations = tuple[Matrix, Matrix, Matrix]


def _compatibility(a: Relations, b: Relations) -> npt.NDArray[np.float64]:
    """ρ(t, k): how well pair t agrees with pair k on the distance between the two
    minutiae, their difference in direction and the direction of the line joining them
    (``a`` and ``b`` the ``_relations`` of the pairs' probe and reference minutiae)."""
    a_distance, a_turn, a_radial = a
    b_distance, b_turn, b_radial = b
    agreement = _sigmoid(np.abs(a_distance - b_distance), DISTANCE_MU, DISTANCE_TAU)
    agreement *= _sigmoid(np.abs(angle_difference(a_turn, b_turn)), ANGLE_MU, ANGLE_TAU)
    agreement *= _sigmoid(np.abs(angle_difference(a_radial, b_radial)), ANGLE_MU, ANGLE_TAU)
    return agreement


def _relations(points: npt.NDArray[np.float64]) -> Relations:
    """For (..., k, 3) minutiae, the (..., k, k) distances, direction differences and
    directions of the joining lines relative to the first minutia."""
    dx = points[..., None, :, 0] - points[..., :, None, 0]
    dy = points[..., None, :, 1] - points[..., :, None, 1]
    distance = np.hypot(dx, dy)
    turn = angle_difference(points[..., :, None, 2], points[..., None, :, 2])
    radial = angle_difference(points[..., :, None, 2], np.arctan2(dy, dx))
    return distance, turn, radial


def _sigmoid(value: Matrix, mu: float, tau: float) -> Matrix:
    return np.asarray(1.0 / (1.0 + np.exp(-tau * (value - mu))), dtype=np.float64)
