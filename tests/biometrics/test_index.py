"""The LSH index over binary cylinders: a mate is among the first candidates, a removed
finger is never one."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics.index import CylinderIndex, HashSettings, pooled, top
from limes.biometrics.matching.cylinders import CELLS, Cylinders, cylinders
from limes.biometrics.synthetic.persons import latent_mark, persons, ten_print

SEED = 31
GALLERY = 12


def test_top_orders_by_score_then_identity() -> None:
    assert top(np.array([1.0, 5.0, 5.0, 2.0]), 3).tolist() == [1, 2, 3]
    assert top(np.array([1.0]), 5).tolist() == [0]
    assert top(np.zeros(0), 2).tolist() == []


def test_pooling_keeps_a_cell_set_if_any_of_its_parts_is() -> None:
    bits = np.zeros((1, CELLS), bool)
    bits[0, 5] = True  # spatial cell 0, direction 5
    result = pooled(bits)
    assert result.sum() == 1 and result[0, 2]
    # against the definition: any of each cell's 2 x 2 x 2 parts, on random cylinders
    many = np.random.default_rng(3).random((30, CELLS)) < 0.05
    parts = many.reshape(30, 8, 2, 8, 2, 3, 2)
    expected = parts.any(axis=(2, 4, 6)).reshape(30, -1)
    np.testing.assert_array_equal(pooled(many), expected)


@pytest.fixture(scope="module")
def gallery() -> tuple[CylinderIndex, list[Cylinders], list[tuple[int, Cylinders]]]:
    people = persons(SEED, GALLERY)
    index = CylinderIndex(HashSettings())
    for subject in people:
        for position, points in enumerate(ten_print(subject, SEED, 0)[:3]):
            index.add(subject.index * 10 + position, cylinders(points))
    index.freeze()
    probes = [cylinders(ten_print(subject, SEED, 1)[0]) for subject in people]
    latents = [latent_mark(subject, SEED, 0) for subject in people[:4]]
    return index, probes, [(p, cylinders(points)) for p, points in latents]


def test_a_probe_finds_its_mate_among_the_first_candidates(
    gallery: tuple[CylinderIndex, list[Cylinders], list[tuple[int, Cylinders]]],
) -> None:
    index, probes, _ = gallery
    found = [subject * 10 in index.candidates(probe, 3) for subject, probe in enumerate(probes)]
    assert sum(found) >= GALLERY - 1
    assert index.memory_bytes > 0


def test_a_removed_finger_is_no_longer_a_candidate(
    gallery: tuple[CylinderIndex, list[Cylinders], list[tuple[int, Cylinders]]],
) -> None:
    index, probes, _ = gallery
    index.remove(20)
    assert 20 not in index.candidates(probes[2], 36)
    assert index.votes(probes[2])[20] == 0


def test_adding_after_a_freeze_merges_with_what_was_there() -> None:
    people = persons(SEED, 2)
    index = CylinderIndex()
    first = cylinders(ten_print(people[0], SEED, 0)[0])
    second = cylinders(ten_print(people[1], SEED, 0)[0])
    index.add(0, first)
    index.freeze()
    index.add(1, second)
    index.freeze()
    assert index.candidates(first, 1).tolist() == [0]
    assert index.candidates(second, 1).tolist() == [1]
    assert index.votes(cylinders(np.zeros((0, 3)))).tolist() == [0.0, 0.0]


def test_freezing_in_steps_gives_the_postings_of_one_freeze() -> None:
    people = persons(SEED, 3)
    fingers = [cylinders(ten_print(subject, SEED, 0)[0]) for subject in people]
    once, steps = CylinderIndex(), CylinderIndex()
    for identity, finger in enumerate(fingers):
        once.add(identity, finger)
        steps.add(identity, finger)
        steps.freeze()
    once.freeze()
    assert once._postings.tolist() == steps._postings.tolist()
    assert once._bounds.tolist() == steps._bounds.tolist()


def test_an_identity_beyond_the_int32_postings_is_refused() -> None:
    index = CylinderIndex()
    with pytest.raises(ValueError, match="do not fit"):
        index.add_keys(np.array([2**31]), np.array([5]))


def test_bucket_sizes_count_the_frozen_postings_of_each_key() -> None:
    index = CylinderIndex()
    index.add_keys(np.array([0, 1, 2, 1]), np.array([7, 7, 7, 9]))
    index.add_keys(np.array([3]), np.array([5]))
    assert index.bucket_sizes(np.array([7, 9, 5, 6])).tolist() == [0, 0, 0, 0]
    index.freeze()
    assert index.bucket_sizes(np.array([7, 9, 5, 6])).tolist() == [3, 1, 1, 0]
    # what a search gathers: the votes of a key are its bucket's postings
    assert (index.votes_for_keys(np.array([7])) > 0).tolist() == [True, True, True, False]


def test_a_latent_s_votes_weigh_a_rare_bucket_above_a_crowded_one() -> None:
    # identity 0 shares the probe's crowded bucket 7 (with 1-5) and identity 6 its rare
    # bucket 9: counted plainly they tie, weighted by rarity the rare share wins
    index = CylinderIndex()
    index.add_keys(np.arange(6), np.full(6, 7))
    index.add_keys(np.array([6]), np.array([9]))
    index.freeze()
    keys = np.array([7, 9])
    plain, weighted = index.votes_for_keys(keys), index.votes_for_keys(keys, rare_first=True)
    assert plain[0] == plain[6]
    assert weighted[6] > 2 * weighted[0] > 0
    np.testing.assert_allclose(weighted[:6], weighted[0])
