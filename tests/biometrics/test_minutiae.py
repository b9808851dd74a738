"""Minutiae: the generator's arrays quantised into record minutiae."""

from __future__ import annotations

import numpy as np

from limes.biometrics.minutiae import MAX_COORDINATE, MinutiaKind, quantised

ENDING, BIFURCATION = MinutiaKind.RIDGE_ENDING, MinutiaKind.BIFURCATION


def test_generator_arrays_quantise_into_record_minutiae() -> None:
    rows = np.array([[10.4, 20.6, 3.141592653589793], [-3.0, 99999.0, 0.0]])
    first, second = quantised(rows, quality=70)
    assert (first.x, first.y, first.angle, first.quality) == (10, 21, 128, 70)
    assert (second.x, second.y) == (0, MAX_COORDINATE)
    assert (first.kind, second.kind) == (ENDING, BIFURCATION)
