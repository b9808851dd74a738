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


def test_wrapping_by_one_turn_gives_what_the_floating_remainder_gives() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.uniform(-math.pi, math.pi, 4000), rng.uniform(-math.pi, math.pi, 4000)
    b[:4] = [-math.pi, math.pi - 1e-16, math.pi, -math.pi]  # differences at the turn's edges
    a[:4] = [math.pi - 1e-16, -math.pi, -math.pi, math.pi]
    remainder = (a - b + math.pi) % (2 * math.pi) - math.pi
    np.testing.assert_array_equal(angle_difference(a, b), remainder)
    # and angles beyond one turn still wrap
    far = rng.uniform(-40, 40, 1000)
    expected = (far - 0.5 + math.pi) % (2 * math.pi) - math.pi
    np.testing.assert_array_equal(angle_difference(far, 0.5), expected)
    assert angle_difference(7.0, 0.0) == pytest.approx(7.0 - 2 * math.pi)
