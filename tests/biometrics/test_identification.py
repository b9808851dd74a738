"""1:N through the gallery: a ten-print or a latent finds its person first, with the
finger scores behind the candidate; a removed person is never proposed."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics.identification import FingerprintGallery
from limes.biometrics.index import HashSettings
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.synthetic.persons import latent_mark, person, ten_print

SEED = 41
PERSONS = 6
SMALL = HashSettings(bucket_bits=12)
"""A few persons need few buckets; it keeps each freeze cheap."""


@pytest.fixture(scope="module")
def gallery() -> FingerprintGallery:
    enrolled = FingerprintGallery(SMALL)
    for number in range(PERSONS):
        enrolled.enrol(number, [cylinders(f) for f in ten_print(person(SEED, number), SEED, 0)])
    enrolled.freeze()
    return enrolled


def test_a_ten_print_finds_its_person_first_with_ten_finger_scores(
    gallery: FingerprintGallery,
) -> None:
    probe = [cylinders(f) for f in ten_print(person(SEED, 3), SEED, 1)]
    found = gallery.search_ten_print(probe, shortlist=4, answers=3)
    assert found[0].person == 3
    assert [position for position, _ in found[0].fingers] == list(range(1, 11))
    assert found[0].score > 3 * found[1].score
    assert len(found) == 3


def test_latents_find_their_person_among_the_first_candidates(
    gallery: FingerprintGallery,
) -> None:
    # latents are hard (a patch of the print, more distortion): the bench measures how
    # often the mate comes first; here two of three must be in the top three
    near_top = 0
    for number in (1, 3, 5):
        position, points = latent_mark(person(SEED, number), SEED, 0)
        found = gallery.search_latent(cylinders(points), shortlist=30, answers=3)
        mate = [c for c in found if c.person == number]
        if mate:
            near_top += 1
            assert position in [finger for finger, _ in mate[0].fingers]
    assert near_top >= 2


def test_a_removed_person_is_not_proposed() -> None:
    small = FingerprintGallery(SMALL)
    fingers = [cylinders(f) for f in ten_print(person(SEED, 0), SEED, 0)]
    small.enrol(0, fingers)
    small.enrol(1, fingers[::-1])
    small.freeze()
    small.remove(0)
    assert [c.person for c in small.search_ten_print(fingers, shortlist=3)] == [1]
    assert 0 not in [c.person for c in small.search_latent(fingers[2], shortlist=20)]
    assert len(small) == 1
    assert small.memory_bytes > 0


def test_a_ten_print_needs_ten_fingers() -> None:
    with pytest.raises(ValueError, match="10 fingers"):
        FingerprintGallery().enrol(0, [cylinders(np.zeros((0, 3)))])
