"""The ridge-image generator: seeded, a print on a white ground, and mindtct reads a
plausible finger from it (the count of a real plain impression, NFIQ 2 past the gate)."""

from __future__ import annotations

import numpy as np
from tests.biometrics.prints import finger_image

from limes.biometrics.captures import MIN_QUALITY
from limes.biometrics.extraction import Extractor
from limes.biometrics.synthetic.orientation import Pattern
from limes.biometrics.synthetic.ridges import SIZE, impression, ridge_image


def test_the_same_seed_draws_the_same_ridges_and_another_seed_others() -> None:
    first, again, other = ridge_image(7, Pattern.ARCH), ridge_image(7, Pattern.ARCH), ridge_image(8)
    assert (first.width, first.height) == SIZE
    assert np.array_equal(first.pixels, again.pixels)
    assert not np.array_equal(first.pixels, other.pixels)
    corner, middle = first.pixels[:20, :20], first.pixels[200:300, 150:250]
    assert corner.min() == 255  # white around the contact area
    assert middle.std() > 50  # dark ridges and light valleys in it


def test_an_impression_is_the_print_moved_with_noise() -> None:
    master = ridge_image(3)
    moved = impression(master, 1)
    assert moved.pixels.shape == master.pixels.shape
    assert not np.array_equal(moved.pixels, master.pixels)
    assert np.array_equal(impression(master, 1).pixels, moved.pixels)


def test_mindtct_finds_a_plausible_finger_in_a_drawn_print() -> None:
    found = Extractor().finger(finger_image(1), 2)
    assert 30 <= found.minutiae <= 100  # a real plain impression has about 40-100
    assert found.quality >= MIN_QUALITY
