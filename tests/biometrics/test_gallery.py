"""The alert gallery: any subset of fingers per key, re-enrolment, removal, latents."""

from __future__ import annotations

import numpy as np
import pytest

from limes.biometrics.gallery import UNKNOWN, AlertGallery
from limes.biometrics.index import CylinderIndex, top
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.synthetic.persons import latent_mark, persons, ten_print

SEED = 16


@pytest.fixture(scope="module")
def gallery() -> AlertGallery:
    found = AlertGallery()
    for person in persons(SEED, 12):
        prints = ten_print(person, SEED, 0)
        # persons hold two, five or ten fingers: alerts carry what was taken
        held = range(1, 11) if person.index % 3 == 0 else range(1, 3 + person.index % 3 * 3)
        found.put(f"A{person.index}", {p: cylinders(prints[p - 1]) for p in held})
    return found


def test_a_later_capture_of_two_fingers_finds_its_person_first(gallery: AlertGallery) -> None:
    for person in persons(SEED, 12):
        probe = ten_print(person, SEED, 1)
        matches = gallery.search({1: cylinders(probe[0]), 2: cylinders(probe[1])}, 20, 5)
        assert matches[0].key == f"A{person.index}"
        assert [p for p, _ in matches[0].fingers] == [1, 2]


def test_a_latent_finds_the_person_and_the_finger_that_left_it(gallery: AlertGallery) -> None:
    person = persons(SEED, 12)[3]  # ten fingers held
    position, mark = latent_mark(person, SEED, 0)
    (first, *_) = gallery.search({UNKNOWN: cylinders(mark)}, 100, 5)
    assert first.key == "A3"
    assert max(first.fingers, key=lambda f: f[1])[0] == position


def test_removed_keys_are_never_proposed_and_re_enrolment_replaces() -> None:
    gallery = AlertGallery()
    (person,) = persons(SEED, 1)
    prints = [cylinders(f) for f in ten_print(person, SEED, 0)]
    gallery.put("A", {1: prints[0]})
    gallery.put("A", {2: prints[1]})
    assert sorted(gallery.fingers("A")) == [1, 2] and len(gallery) == 1
    probe = {1: cylinders(ten_print(person, SEED, 1)[0])}
    assert [m.key for m in gallery.search(probe, 10, 5)] == ["A"]
    gallery.remove("A")
    assert gallery.search(probe, 10, 5) == [] and gallery.fingers("A") == {}
    with pytest.raises(ValueError, match="1-10"):
        gallery.put("B", {11: prints[0]})


def test_a_build_freezes_once_and_finds_what_one_put_at_a_time_finds(
    gallery: AlertGallery, monkeypatch: pytest.MonkeyPatch
) -> None:
    from limes.biometrics.index import CylinderIndex

    freezes = 0
    freeze = CylinderIndex.freeze

    def counted(index: CylinderIndex) -> None:
        nonlocal freezes
        freezes += 1
        freeze(index)

    monkeypatch.setattr(CylinderIndex, "freeze", counted)
    loaded = AlertGallery()
    with loaded.loading():
        for person in persons(SEED, 12):
            loaded.put(f"A{person.index}", gallery.fingers(f"A{person.index}"))
    # one freeze of each position's index (no index over all fingers), not one per alert
    assert freezes == 10 and len(loaded) == len(gallery)
    for person in persons(SEED, 12):
        probe = ten_print(person, SEED, 1)
        query = {1: cylinders(probe[0]), 2: cylinders(probe[1])}
        assert loaded.search(query, 20, 5) == gallery.search(query, 20, 5)


def test_fingers_are_held_as_bits_and_ranked_as_float_cylinders_rank_them() -> None:
    prints = {n: ten_print(p, SEED, 0) for n, p in enumerate(persons(SEED, 4))}
    packed, floats = AlertGallery(), AlertGallery(packed=False)
    for number, fingers in prints.items():
        for gallery in (packed, floats):
            gallery.put(f"A{number}", {p: cylinders(fingers[p - 1]) for p in (1, 2, 3)})
    packed.put("A1", {4: cylinders(prints[1][3])})  # beside the fingers held before
    held = packed.fingers("A1")
    assert sorted(held) == [1, 2, 3, 4]
    assert all(set(f.values.ravel().tolist()) <= {0.0, 1.0} for f in held.values())
    assert set(floats.fingers("A1")[1].values.ravel().tolist()) - {0.0, 1.0}
    probe = ten_print(persons(SEED, 4)[2], SEED, 1)
    asked = {1: cylinders(probe[0]), 2: cylinders(probe[1])}
    from_bits, from_floats = packed.search(asked, 4, 4), floats.search(asked, 4, 4)
    assert from_bits[0].key == from_floats[0].key == "A2"
    assert from_bits[0].score > 3 * from_bits[1].score
    assert from_bits[0].score != from_floats[0].score


def test_a_latent_short_list_has_each_position_index_s_votes_by_slot() -> None:
    # the fingers' postings are held once, in their position's index; a latent's votes
    # for (slot, position) must be that index's weighted votes for the slot, with
    # re-enrolled and removed slots accounted for
    people = persons(SEED, 8)
    gallery = AlertGallery()
    by_position = {position: CylinderIndex() for position in range(1, 11)}
    slot = 0
    for person in people:
        prints = ten_print(person, SEED, 0)
        held = range(1, 11) if person.index % 2 else (1, 2, 6, 7)
        fingers = {p: cylinders(prints[p - 1]) for p in held}
        gallery.put(f"A{person.index}", fingers)
        for position, finger in fingers.items():
            by_position[position].add(slot, finger)
        slot += 1
    # re-enrolling A1 gives it a new slot holding all its fingers; removing A2 hides it
    again = gallery.fingers("A1")
    gallery.put("A1", {})
    for position, finger in again.items():
        by_position[position].add(slot, finger)
    for index in by_position.values():
        index.freeze()  # an index forgets only identities it has frozen
        index.remove(1)
        index.remove(2)
    gallery.remove("A2")
    for person in people[:6]:
        latent = cylinders(latent_mark(person, SEED, 0)[1])
        keys = by_position[1].keys(latent).ravel()
        votes = np.zeros((slot + 1, 10))
        for column, index in enumerate(by_position.values()):
            position_votes = index.votes_for_keys(keys, rare_first=True)
            votes[: len(position_votes), column] = position_votes
        flat = votes.ravel()
        expected = [(f // 10, f % 10 + 1) for f in top(flat, 40).tolist() if flat[f] > 0]
        assert gallery.latent_fingers(latent, 40) == expected
        assert len(expected) == 40
