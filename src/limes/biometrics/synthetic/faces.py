"""Seeded synthetic face templates: identities as centres, captures spread around them.

No face data set can be fetched here, and a million real templates would need a million
photographs, so the scale benchmark draws 128-d unit vectors shaped like dlib's:

* an identity is a centre ``normalize(mean + SPREAD * g)`` around one shared mean
  direction (dlib's templates are not spread over the whole sphere: unrelated faces are
  about 0.8-1.0 apart, not the √2 of random directions);
* a capture is ``normalize(centre + s * n)`` with ``n`` standard normal per component
  and ``s`` drawn per capture from a log-normal around ``NOISE``, so two captures of
  one person are about 0.3-0.5 apart, some further (a poor capture), as dlib's are.

``make bench-biometrics`` prints the two distance distributions this gives.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DIMENSIONS = 128
SPREAD = 0.75
NOISE = 0.026
NOISE_SIGMA = 0.25

Matrix = npt.NDArray[np.float32]


def _unit(rows: npt.NDArray[np.float64]) -> Matrix:
    unit: Matrix = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return unit


class FaceSet:
    """``identities`` centres from ``seed``; ``captures`` draws their templates."""

    def __init__(self, identities: int, seed: int) -> None:
        self.seed = seed
        rng = np.random.default_rng([seed, 0])
        mean = _unit(rng.standard_normal((1, DIMENSIONS)))[0].astype(np.float64)
        self.centres = np.empty((identities, DIMENSIONS), np.float32)
        for start in range(0, identities, 100_000):
            stop = min(identities, start + 100_000)
            g = rng.standard_normal((stop - start, DIMENSIONS)) / np.sqrt(DIMENSIONS)
            self.centres[start:stop] = _unit(mean + SPREAD * g)

    def __len__(self) -> int:
        return len(self.centres)

    def captures(self, identities: npt.ArrayLike, session: int) -> Matrix:
        """One capture of each identity named (indexes), the same for the same session."""
        chosen = np.asarray(identities, np.int64)
        rng = np.random.default_rng([self.seed, 1, session])
        scale = NOISE * rng.lognormal(0.0, NOISE_SIGMA, (len(chosen), 1))
        noise = rng.standard_normal((len(chosen), DIMENSIONS)) * scale
        return _unit(self.centres[chosen].astype(np.float64) + noise)
