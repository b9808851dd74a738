"""The seeded generator: the same seed gives the same fingers, and the fingers and their
impressions have the properties the model promises."""

from __future__ import annotations

import math

import numpy as np

from limes.biometrics.synthetic.fingers import (
    CANVAS,
    LATENT,
    MINUTIAE_RANGE,
    TEN_PRINT,
    impression,
    master_finger,
)
from limes.biometrics.synthetic.orientation import Pattern, random_field
from limes.biometrics.synthetic.persons import FINGERS, latent_mark, person, persons, ten_print


def test_the_same_seed_gives_the_same_persons_and_captures() -> None:
    first, again = person(5, 3), person(5, 3)
    for a, b in zip(first.fingers, again.fingers, strict=True):
        assert np.array_equal(a.points, b.points)
    for a, b in zip(ten_print(first, 5, 1), ten_print(again, 5, 1), strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(person(6, 3).fingers[0].points, first.fingers[0].points)


def test_a_small_set_is_the_start_of_a_larger_one() -> None:
    small, large = persons(9, 2), persons(9, 4)
    assert np.array_equal(small[1].fingers[4].points, large[1].fingers[4].points)
    assert [p.index for p in persons(9, 2, start=2)] == [2, 3]


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


def test_impressions_lose_some_minutiae_gain_a_few_and_stay_on_the_canvas() -> None:
    rng = np.random.default_rng(4)
    finger = master_finger(rng)
    for _ in range(10):
        points = impression(finger, rng, TEN_PRINT)
        assert 0.6 * len(finger.points) <= len(points) <= len(finger.points) + 6
        assert points[:, 0].min() >= 0 and points[:, 0].max() < CANVAS[0]
        assert points[:, 1].min() >= 0 and points[:, 1].max() < CANVAS[1]


def test_a_latent_is_a_small_part_of_its_finger() -> None:
    subject = person(7, 0)
    position, points = latent_mark(subject, 7, 0)
    assert 1 <= position <= FINGERS
    master = subject.fingers[position - 1].points
    assert LATENT.min_kept <= len(points) < len(master)
    spread = np.ptp(points[:, :2], axis=0)
    assert spread.max() <= 2 * LATENT.crop_radius[1] + 60
