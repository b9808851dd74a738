"""How much of the area two fingers share agrees, for partial prints (latents).

LSS-R averages its n_P most efficient pairs, and n_P falls to 4 or 5 for a latent of a
dozen cylinders: among 10,000 strangers' fingers some offer four or five pairs that
support each other as well as a mate's do, so the best stranger outscores most mates.
What a stranger cannot offer is agreement over the whole area the latent covers. So the
pairs LSS-R ranked most efficient are each taken as an anchor: the pairs compatible
with it (ρ, weighted by their relaxed similarity) give a rotation (their mean
direction difference) and a shift (their centroids), which lays the probe's minutiae
onto the reference. There a minutia is matched when one of the other side lies within
``MATCH_DISTANCE`` with a direction within ``MATCH_TURN``; the agreement of an anchor is

    matched² / (minutiae of the smaller print × those of the larger in the shared area),

the larger's shared ones being those within ``OVERLAP_DISTANCE`` of a minutia of the
smaller (a latent lies within the finger that left it; which side is the latent does not
matter, so the reverse search could use it too), and a finger's agreement is its best
anchor's. ``scores`` multiplies LSS-R by it: a mate keeps some 40 % of its score, a
stranger whose few good pairs are all it has keeps some 10 %. Counting every minutia of
both prints in the shared area (rather than all of the smaller's) let a stranger whose
laid-on latent met few minutiae score a high share of few (a small seeded gallery's
impostor 99th percentile 0.44 against 0.28, the mates' median 0.38 both).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from limes.biometrics.matching.cylinders import angle_difference
from limes.biometrics.matching.mcc import Relaxed

ANCHORS = 3
MATCH_DISTANCE = 15.0
MATCH_TURN = math.pi / 6
OVERLAP_DISTANCE = 40.0

Floats = npt.NDArray[np.float64]


def agreement(relaxed: Relaxed, probe_points: Floats, reference_points: Floats) -> Floats:
    """(R,) the best anchor's agreement of each reference, in [0, 1].

    ``relaxed`` is ``mcc.relax`` of the probe's (m, 3) ``probe_points`` against the
    references' padded (R, width, 3) ``reference_points`` (padding past the pairs'
    columns is never read: a reference minutia counts only where ``valid``)."""
    count, depth = relaxed.first.shape
    if count == 0 or depth == 0:
        return np.zeros(count)
    anchors = relaxed.ranked[:, : min(ANCHORS, depth)]
    rows = np.arange(count)[:, None]
    # each anchor's weights over the pairs: its own relaxed value, and the others' as far
    # as they are compatible with it
    weights = relaxed.support[rows, anchors] * relaxed.value[:, None, :]
    weights[rows, np.arange(anchors.shape[1])[None, :], anchors] = relaxed.value[rows, anchors]
    weights *= relaxed.live[:, None, :]
    weights = np.maximum(weights, 0.0)
    paired_probe = probe_points[relaxed.first]
    paired_reference = reference_points[rows, relaxed.second]
    turn = angle_difference(paired_reference[..., 2], paired_probe[..., 2])
    rotation = np.angle(np.einsum("rak,rk->ra", weights, np.exp(1j * turn)))
    total = np.maximum(weights.sum(axis=2, keepdims=True), 1e-12)
    probe_centre = np.einsum("rak,rkc->rac", weights, paired_probe[..., :2]) / total
    reference_centre = np.einsum("rak,rkc->rac", weights, paired_reference[..., :2]) / total
    cos, sin = np.cos(rotation), np.sin(rotation)
    # every probe minutia laid onto each anchor's frame: (R, A, m, 2)
    offset = probe_points[None, None, :, :2] - probe_centre[:, :, None, :]
    laid_x = cos[..., None] * offset[..., 0] - sin[..., None] * offset[..., 1]
    laid_y = sin[..., None] * offset[..., 0] + cos[..., None] * offset[..., 1]
    laid_x += reference_centre[..., 0, None]
    laid_y += reference_centre[..., 1, None]
    dx = laid_x[..., None] - reference_points[:, None, None, :, 0]
    dy = laid_y[..., None] - reference_points[:, None, None, :, 1]
    squared = dx * dx + dy * dy
    direction = probe_points[None, None, :, 2, None] + rotation[..., None, None]
    facing = np.abs(angle_difference(direction, reference_points[:, None, None, :, 2]))
    valid = _valid(relaxed, reference_points.shape[1])[:, None, None, :]
    close = (squared <= MATCH_DISTANCE**2) & (facing <= MATCH_TURN) & valid
    near = (squared <= OVERLAP_DISTANCE**2) & valid
    matched = np.minimum(close.any(axis=3).sum(axis=2), close.any(axis=2).sum(axis=2))
    # the smaller print (the latent) lies within the larger: all its minutiae count, and
    # of the larger's those near one of them
    probe_count = np.full(matched.shape, len(probe_points))
    reference_count = np.broadcast_to(relaxed.sizes[:, None], matched.shape)
    probe_shared = np.maximum(near.any(axis=3).sum(axis=2), matched)
    reference_shared = np.maximum(near.any(axis=2).sum(axis=2), matched)
    shared = np.where(
        probe_count <= reference_count,
        probe_count * reference_shared,
        reference_count * probe_shared,
    )
    per_anchor = np.where(shared > 0, matched**2 / np.maximum(shared, 1), 0.0)
    return np.asarray(per_anchor.max(axis=1), dtype=np.float64)


def _valid(relaxed: Relaxed, width: int) -> npt.NDArray[np.bool_]:
    """(R, width): which columns hold a reference minutia (those before its size)."""
    return np.arange(width)[None, :] < relaxed.sizes[:, None]


def scores(relaxed: Relaxed, probe_points: Floats, reference_points: Floats) -> Floats:
    """LSS-R weighed by the agreement over the shared area."""
    return relaxed.scores() * agreement(relaxed, probe_points, reference_points)
