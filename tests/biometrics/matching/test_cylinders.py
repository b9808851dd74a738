"""The helpers of the cylinders: angles wrapped, and ``erf`` approximated closely."""

from __future__ import annotations

import math

import numpy as np
import pytest

from limes.biometrics.matching.cylinders import angle_difference, erf


def test_the_helpers_wrap_angles_and_approximate_erf() -> None:
    assert angle_difference(0.1, 2 * math.pi - 0.1) == pytest.approx(0.2)
    assert angle_difference(math.pi, 0.0) == pytest.approx(-math.pi)
    grid = np.linspace(-3, 3, 61)
    assert np.abs(erf(grid) - np.array([math.erf(x) for x in grid])).max() < 2e-7
