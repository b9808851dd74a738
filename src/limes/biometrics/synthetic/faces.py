"""Seeded synthetic face templates: identities as centres, captures spread around them.

No face data set can be fetched here, and a million real templates would need a million
photographs, so the scale benchmark draws 128-d unit vectors shaped like dlib's:

* concentrated, not spread over the whole sphere: every template is
  ``normalize(mean + ...)`` around one shared mean direction, so unrelated faces are
  about 0.9 apart, not the √2 of random directions;
* not using the 128 dimensions evenly: the spread of identities, and that of captures
  around their identity, have a decaying spectrum (the k-th of 128 orthogonal
  directions, in a random basis of its own for each, has variance ∝ 1/k: a participation
  ratio of 18 effective dimensions, the 10-20 intrinsic dimensions reported for face
  embeddings, Gong, Boddeti & Jain, CVPR 2019). Spread evenly over 128 dimensions,
  impostor distances would crowd around their median and no impostor would ever come
  nearer than a mate: a million-face search would be exact for free and hard only for
  the index's graph;
* ``SPREAD`` and ``NOISE`` are fitted so that the medians are those measured on real
  photographs with dlib's model, 0.41 for two captures of one person and 0.91 for two
  persons; ``NOISE_SIGMA`` (a capture's noise scale varies log-normally: some captures
  are poor) so that the error at dlib's threshold 0.6 is about 0.8 %, near the 99.38 %
  LFW accuracy dlib reports for the model.

``make bench-biometrics`` prints the two distance distributions this gives, and the rank
of the mate by exact search beside the index's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DIMENSIONS = 128
DECAY = 1.0
"""Variance of the k-th direction ∝ k^-DECAY (0 would be the even, isotropic spread)."""
SPREAD = 0.782
NOISE = 0.3138
NOISE_SIGMA = 0.10
BLOCK = 100_000

Matrix = npt.NDArray[np.float32]


def _unit(rows: npt.NDArray[np.float64]) -> Matrix:
    unit: Matrix = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return unit


def _shape(rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """A (128, 128) map from standard normal draws to the decaying spectrum of unit total
    variance, its directions a random orthonormal basis."""
    scale = np.arange(1, DIMENSIONS + 1) ** (-DECAY / 2)
    basis, _ = np.linalg.qr(rng.standard_normal((DIMENSIONS, DIMENSIONS)))
    shape: npt.NDArray[np.float64] = (scale / np.linalg.norm(scale))[:, None] * basis.T
    return shape


class FaceSet:
    """``identities`` centres from ``seed``; ``captures`` draws their templates."""

    def __init__(self, identities: int, seed: int) -> None:
        self.seed = seed
        rng = np.random.default_rng([seed, 0])
        mean = _unit(rng.standard_normal((1, DIMENSIONS)))[0].astype(np.float64)
        between, self._within = _shape(rng), _shape(rng)
        self.centres = np.empty((identities, DIMENSIONS), np.float32)
        for start in range(0, identities, BLOCK):
            stop = min(identities, start + BLOCK)
            g = rng.standard_normal((stop - start, DIMENSIONS))
            self.centres[start:stop] = _unit(mean + SPREAD * (g @ between))

    def __len__(self) -> int:
        return len(self.centres)

    def captures(self, identities: npt.ArrayLike, session: int) -> Matrix:
        """One capture of each identity named (indexes), the same for the same session."""
        chosen = np.asarray(identities, np.int64)
        rng = np.random.default_rng([self.seed, 1, session])
        scale = NOISE * rng.lognormal(0.0, NOISE_SIGMA, (len(chosen), 1))
        noise = (rng.standard_normal((len(chosen), DIMENSIONS)) @ self._within) * scale
        return _unit(self.centres[chosen].astype(np.float64) + noise)
