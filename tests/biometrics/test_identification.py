"""1:N through the gallery: a ten-print or a latent finds its person first, with the
finger scores behind the candidate; a removed person is never proposed."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics import identification
from limes.biometrics.identification import FingerprintGallery
from limes.biometrics.index import HashSettings, top
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.matching.packed import pack
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


def test_a_latent_short_list_numbers_fingers_by_person_and_position(
    gallery: FingerprintGallery,
) -> None:
    # the fingers' postings are held once, in their position's index: finger number
    # person * 10 + position - 1 has the votes its position's index gives that person
    for number in (0, 2, 4):
        latent = cylinders(latent_mark(person(SEED, number), SEED, 0)[1])
        keys = gallery.indexes[0].keys(latent).ravel()
        votes = np.stack(
            [index.votes_for_keys(keys, rare_first=True) for index in gallery.indexes], axis=1
        )
        np.testing.assert_array_equal(gallery.latent_shortlist(latent, 25), top(votes.ravel(), 25))


def test_a_packed_gallery_holds_bits_and_ranks_as_the_float_one_does() -> None:
    enrolled = {n: [cylinders(f) for f in ten_print(person(SEED, n), SEED, 0)] for n in range(4)}
    packed, floats = FingerprintGallery(SMALL), FingerprintGallery(SMALL, packed=False)
    for number, fingers in enrolled.items():
        packed.enrol(number, fingers if number % 2 else [pack(f) for f in fingers])
        floats.enrol(number, fingers)
    packed.freeze()
    floats.freeze()
    assert packed.template_bytes * 50 < floats.template_bytes
    assert set(np.unique(packed.template(1)[0].values)) <= {0.0, 1.0}
    probe = [cylinders(f) for f in ten_print(person(SEED, 2), SEED, 1)]
    from_bits = packed.search_ten_print(probe, shortlist=4)
    from_floats = floats.search_ten_print(probe, shortlist=4)
    assert from_bits[0].person == from_floats[0].person == 2
    assert from_bits[0].score > 3 * from_bits[1].score
    assert from_bits[0].score != from_floats[0].score


def test_a_float_gallery_takes_no_packed_fingers() -> None:
    fingers = [cylinders(f) for f in ten_print(person(SEED, 0), SEED, 0)]
    with pytest.raises(TypeError, match="no packed fingers"):
        FingerprintGallery(SMALL, packed=False).enrol(0, [pack(f) for f in fingers])


def test_the_gallery_shows_one_index_per_finger_position() -> None:
    gallery = FingerprintGallery()
    fingers = [cylinders(p) for p in ten_print(person(SEED, 0), SEED, 0)]
    gallery.enrol(4, fingers)
    gallery.freeze()
    indexes = gallery.indexes
    assert len(indexes) == 10
    for index, finger in zip(indexes, fingers, strict=True):
        keys = np.unique(index.keys(finger))
        assert (index.bucket_sizes(keys) == 1).all()
        assert index.votes_for_keys(keys)[4] > 0


@pytest.fixture(scope="module")
def thirty() -> FingerprintGallery:
    enrolled = FingerprintGallery(SMALL)
    for number in range(30):
        enrolled.enrol(number, [cylinders(f) for f in ten_print(person(SEED, number), SEED, 0)])
    enrolled.freeze()
    return enrolled


@pytest.mark.parametrize(("number", "capture"), [(1, 1), (3, 0)])
def test_a_latent_search_finds_a_mate_beyond_the_first_hundred_fingers(
    thirty: FingerprintGallery, number: int, capture: int
) -> None:
    # 300 fingers: the mate is not among the 100 with most (plain) votes, the short
    # list a latent search re-ranked before; the longer short list reaches and ranks it
    position, points = latent_mark(person(SEED, number), SEED, capture)
    latent = cylinders(points)
    keys = thirty.indexes[0].keys(latent).ravel()
    plain = np.stack([index.votes_for_keys(keys) for index in thirty.indexes], axis=1)
    assert number * 10 + position - 1 not in top(plain.ravel(), 100).tolist()
    found = thirty.search_latent(latent, answers=3)
    assert found[0].person == number
    assert position in [finger for finger, _ in found[0].fingers]


def test_a_latent_search_re_ranks_no_more_than_its_cap(
    thirty: FingerprintGallery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identification, "MAX_LATENT_SHORTLIST", 7)
    latent = cylinders(latent_mark(person(SEED, 1), SEED, 1)[1])
    found = thirty.search_latent(latent, shortlist=250, answers=300)
    assert sum(len(c.fingers) for c in found) == 7


def test_a_ten_print_short_list_counts_votes_plainly(thirty: FingerprintGallery) -> None:
    # the latents' rarity weights are theirs alone: a ten-print's short list is the
    # persons with most plain votes summed over the positions, as before
    probe = [cylinders(f) for f in ten_print(person(SEED, 4), SEED, 1)]
    votes = sum(index.votes(f) for index, f in zip(thirty.indexes, probe, strict=True))
    np.testing.assert_array_equal(thirty.ten_print_shortlist(probe, 12), top(votes, 12))
    assert thirty.search_ten_print(probe, shortlist=12)[0].person == 4
