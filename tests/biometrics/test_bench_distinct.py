"""bench/biometrics/distinct: a drawn person is the one the sets enrol, and a mate
ties behind every other entry."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bench.biometrics.distinct import RepeatedPersons, drawn, drawn_persons, pessimistic_rank

from limes.biometrics.identification import FingerprintGallery
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.matching.packed import pack
from limes.biometrics.synthetic.persons import person, ten_print

SEED = 16


def test_a_drawn_person_is_packed_and_keyed_as_the_per_finger_path_enrols_it() -> None:
    gallery = FingerprintGallery()
    drawn = drawn_persons((SEED, 3, 5))
    assert [number for number, _, _ in drawn] == [3, 4]
    for number, packed, keys in drawn:
        fingers = [cylinders(p) for p in ten_print(person(SEED, number), SEED, 0)]
        assert packed == [pack(f) for f in fingers]
        expected = gallery.finger_keys(fingers)
        assert all(np.array_equal(k, e) for k, e in zip(keys, expected, strict=True))


def test_a_mate_ranks_behind_every_entry_of_as_many_votes() -> None:
    votes = np.array([2.0, 1.0, 2.0, 0.0, 3.0])
    assert pessimistic_rank(votes, 0) == 2  # behind 4 (more) and 2 (as many)
    assert pessimistic_rank(votes, 2) == 2
    assert pessimistic_rank(votes, 4) == 0
    assert pessimistic_rank(votes, 3) == 5  # no votes: not found
    assert pessimistic_rank(votes, 9) == 5  # never voted for


def test_persons_beyond_the_drawn_are_the_drawn_again_each_with_its_own_bytes() -> None:
    persons = drawn_persons((SEED, 0, 2))
    source = RepeatedPersons(persons)
    repeated = list(source.drawn(1, 5))
    assert [number for number, _, _ in repeated] == [1, 2, 3, 4]
    for number, fingers, keys in repeated:
        _, drawn_fingers, drawn_keys = persons[number % 2]
        assert fingers == drawn_fingers
        assert all(f is not d for f, d in zip(fingers, drawn_fingers, strict=True))
        assert keys is drawn_keys


def test_the_drawn_persons_are_kept_and_read_back(tmp_path: Path) -> None:
    kept = tmp_path / "drawn.pkl"
    first = drawn(SEED, 2, kept)
    assert kept.exists()
    again = drawn(SEED, 1, kept)
    assert [number for number, _, _ in again] == [0]
    assert again[0][1] == first[0][1]
