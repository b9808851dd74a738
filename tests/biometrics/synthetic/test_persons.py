"""Seeded persons: the same seed gives the same persons and captures, a small set is the
start of a larger one, and a latent is a small part of its finger."""

from __future__ import annotations

import numpy as np

from limes.biometrics.synthetic.fingers import LATENT
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


def test_a_latent_is_a_small_part_of_its_finger() -> None:
    subject = person(7, 0)
    position, points = latent_mark(subject, 7, 0)
    assert 1 <= position <= FINGERS
    master = subject.fingers[position - 1].points
    assert LATENT.min_kept <= len(points) < len(master)
    spread = np.ptp(points[:, :2], axis=0)
    assert spread.max() <= 2 * LATENT.crop_radius[1] + 60
