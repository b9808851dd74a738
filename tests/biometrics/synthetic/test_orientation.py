"""Orientation fields: each pattern has its singular points, and minutiae follow the
field of their pattern.
"""

from __future__ import annotations

import math

import numpy as np

from limes.biometrics.synthetic.fingers import master_finger
from limes.biometrics.synthetic.orientation import Pattern, random_field


def test_minutiae_follow_their_pattern_orientation_field() -> None:
    rng = np.random.default_rng(2)
    finger = master_finger(rng)
    field = finger.field.at(finger.points[:, :2])
    # a direction is the field's orientation (sign flipped into image angles) or its
    # reverse, within the generator's 4-degree noise
    off = np.abs(((-field - finger.points[:, 2]) + math.pi / 2) % math.pi - math.pi / 2)
    assert np.percentile(off, 95) < math.radians(12)


def test_loops_and_whorls_have_their_singular_points_and_arches_none() -> None:
    rng = np.random.default_rng(3)
    assert len(random_field(Pattern.LOOP, (200, 250), rng).cores) == 1
    whorl = random_field(Pattern.WHORL, (200, 250), rng)
    assert (len(whorl.cores), len(whorl.deltas)) == (2, 2)
    arch = random_field(Pattern.ARCH, (200, 250), rng)
    assert len(arch.cores) == 0
    across = arch.at(np.array([[0.0, 250.0], [400.0, 250.0]]))
    assert np.all((across < 0.2) | (across > math.pi - 0.2))  # ridges run across the finger
