"""Master fingers and their impressions: 30 to 60 spaced minutiae in the finger's
ellipse, and impressions that lose some, gain a few and stay on the canvas.
"""

from __future__ import annotations

import math

import numpy as np

from limes.biometrics.synthetic.fingers import (
    CANVAS,
    MINUTIAE_RANGE,
    TEN_PRINT,
    impression,
    master_finger,
)


def test_masters_have_30_to_60_spaced_minutiae_in_their_ellipse() -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        finger = master_finger(rng)
        count = len(finger.points)
        assert MINUTIAE_RANGE[0] <= count <= MINUTIAE_RANGE[1]
        (cx, cy), (a, b) = finger.centre, finger.semi_axes
        inside = ((finger.points[:, 0] - cx) / a) ** 2 + ((finger.points[:, 1] - cy) / b) ** 2
        assert inside.max() <= 1.0 + 1e-9
        gaps = np.hypot(*(finger.points[:, None, :2] - finger.points[None, :, :2]).T)
        assert gaps[~np.eye(count, dtype=bool)].min() >= 10.0 - 1e-9
        assert finger.points[:, 2].min() >= 0 and finger.points[:, 2].max() < 2 * math.pi


def test_impressions_lose_some_minutiae_gain_a_few_and_stay_on_the_canvas() -> None:
    rng = np.random.default_rng(4)
    finger = master_finger(rng)
    for _ in range(10):
        points = impression(finger, rng, TEN_PRINT)
        assert 0.6 * len(finger.points) <= len(points) <= len(finger.points) + 6
        assert points[:, 0].min() >= 0 and points[:, 0].max() < CANVAS[0]
        assert points[:, 1].min() >= 0 and points[:, 1].max() < CANVAS[1]
