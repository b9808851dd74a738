"""The posting lists and the candidate step's set operations: NumPy's answers, to the
last bit, on ascending arrays; frozen arrays ascending with each slot once."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator, Sequence
from unittest import mock

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.demo.generator import DemoGenerator
from limes.domain.alerts import Person
from limes.search import persons, postings
from limes.search.dates import years_to_search
from limes.search.features import identities
from limes.search.name_match import query_names
from limes.search.postings import (
    Slots,
    counted,
    difference,
    merged,
    tallied,
    union,
    unique_sorted,
)
from limes.search.query import PersonQuery, validated


def _slots(rng: np.random.Generator, size: int, top: int = 500) -> Slots:
    return rng.integers(0, top, size=size).astype(np.int32)


@pytest.mark.parametrize("seed", range(40))
def test_the_set_operations_give_numpys_answers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 60, size=4)  # empty, one, many; repeats and not
    a, b, c, d = (_slots(rng, int(n), top=int(rng.integers(1, 300))) for n in sizes)
    for slots in (a, b, c, d):
        kept = unique_sorted(slots)
        assert kept.dtype == np.int32 and np.array_equal(kept, np.unique(slots))
    ua, ub = np.unique(a), np.unique(b)
    assert np.array_equal(union([ua]), ua)
    assert np.array_equal(union([ua, ub, np.unique(c)]), np.union1d(np.union1d(a, b), c))
    assert np.array_equal(difference(ua, ub), np.setdiff1d(a, b))
    assert np.array_equal(difference(ub, ua), np.setdiff1d(b, a))

    every = np.concatenate([np.unique(x) for x in (a, b, c, d)])
    weights = np.concatenate([np.full(len(np.unique(x)), rng.random() * 7) for x in (a, b, c, d)])
    expected, where = np.unique(every, return_inverse=True)
    sums = np.bincount(where, weights, minlength=len(expected)).tobytes()
    found, shared = counted(every, weights)
    assert np.array_equal(found, expected) and found.dtype == np.int32
    assert shared.tobytes() == sums


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 400), max_size=80), min_size=1, max_size=8),
    st.lists(st.integers(0, 400), min_size=1, max_size=60),
)
def test_tallied_gives_numpys_counts_of_the_alive(parts: list[list[int]], dead: list[int]) -> None:
    """``tallied``, counting through one stable argsort and dropping the dead once
    counted, gives ``np.unique`` and ``np.bincount`` of the alive slots, to the last bit."""
    arrays = [np.unique(np.asarray(p, dtype=np.int32)) for p in parts]
    weights = [0.1 + 1.7 * n for n in range(len(arrays))]
    alive = np.ones(401, dtype=np.bool_)
    alive[dead] = False
    every = np.concatenate(arrays)
    weight = np.concatenate([np.full(len(a), w) for a, w in zip(arrays, weights, strict=True)])
    keep = alive[every]
    expected, where = np.unique(every[keep], return_inverse=True)
    sums = np.bincount(where, weight[keep], minlength=len(expected))
    found, shared = tallied(arrays, weights, alive)
    assert found.dtype == np.int32 and np.array_equal(found, expected)
    assert shared.dtype == np.float64 and shared.tobytes() == sums.tobytes()


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.integers(0, 5000), max_size=60),
    st.sets(st.integers(0, 5000), max_size=60),
    st.sampled_from(("span", "slots", "search")),
)
def test_difference_gives_numpys_by_table_or_search(
    slots: set[int], without: set[int], way: str
) -> None:
    """``difference`` is ``np.setdiff1d`` whether it marks the slots left out in a
    table of their span (chosen by ``TABLE_SPAN`` or by ``TABLE_SLOTS``) or searches
    each slot among them."""
    a = np.asarray(sorted(slots), dtype=np.int32)
    b = np.asarray(sorted(without), dtype=np.int32)
    span, many = {"span": (10_000, 0), "slots": (0, 10_000), "search": (0, 0)}[way]
    with (
        mock.patch.object(postings, "TABLE_SPAN", span),
        mock.patch.object(postings, "TABLE_SLOTS", many),
    ):
        found = difference(a, b)
    assert found.dtype == np.int32 and np.array_equal(found, np.setdiff1d(a, b))


def test_difference_of_many_slots_over_a_wide_span_takes_the_table() -> None:
    """Tens of thousands of slots spread over the index (a slip's, at 1.7 M persons)
    are marked in a table, not searched one by one: the search is what cost most."""
    rng = np.random.default_rng(3)
    a = np.unique(rng.integers(0, 1_700_000, 30_000)).astype(np.int32)
    b = np.unique(rng.integers(0, 1_700_000, 3_000)).astype(np.int32)
    with mock.patch.object(np, "searchsorted", wraps=np.searchsorted) as searched:
        found = difference(a, b)
    assert np.array_equal(found, np.setdiff1d(a, b))
    # only the two ends of the slots are searched for, never each slot
    assert all(np.ndim(call.args[1]) == 0 for call in searched.call_args_list)


def test_merged_postings_are_ascending_each_slot_once() -> None:
    frozen = {1: np.array([2, 5, 9], dtype=np.int32), 2: np.array([4], dtype=np.int32)}
    recent = {1: [7, 3, 5, 7], 3: [8, 1, 8]}
    out = merged(frozen, recent)
    assert {k: v.tolist() for k, v in out.items()} == {1: [2, 3, 5, 7, 9], 2: [4], 3: [1, 8]}
    assert all(v.dtype == np.int32 for v in out.values())


def _people(count: int, seed: int = 5) -> list[Person]:
    generator, found = DemoGenerator(seed), []
    index = 0
    while len(found) < count:
        person = generator.person_alert(index)[1].person
        index += 1
        if person is not None and person.surnames:
            found.append(person)
    return found


PEOPLE = _people(1500)


def _filed(order: str) -> persons.PersonIndex:
    """An index filed out of slot order, some slots filed twice (an update to the same
    slot) before and after the freeze; ``restored``: through its snapshot state."""
    index = persons.PersonIndex()
    shuffled = list(enumerate(PEOPLE[:1200]))
    random.Random(3).shuffle(shuffled)
    index.add_many([*shuffled, *shuffled[:50]])
    for slot, person in [*enumerate(PEOPLE[1200:], 1200), *shuffled[60:90]]:
        index.add(slot, person)
    if order == "restored":
        index = persons.PersonIndex.restored(index.state())
    return index


@pytest.mark.parametrize("order", ["filed", "restored"])
def test_frozen_postings_are_ascending_each_slot_once(order: str) -> None:
    index = _filed(order)
    if order == "filed":
        index.freeze()
    frozen = index._postings.frozen
    assert len(frozen) > 1000 and not index._postings.recent
    assert all(bool(np.all(np.diff(a) > 0)) for a in frozen.values())
    assert sum(map(len, frozen.values())) > 5000


def _queries() -> Iterator[PersonQuery]:
    rng = random.Random(11)
    for person in PEOPLE[::7]:
        surnames = tuple(n.latin for n in person.surnames)
        forenames = tuple(n.latin for n in person.forenames)
        if rng.random() < 0.5:  # a typing slip: the near words and slips are looked up
            word = surnames[0]
            at = rng.randrange(len(word))
            surnames = (word[:at] + rng.choice("aeiknrst") + word[at + 1 :], *surnames[1:])
        born = person.date_of_birth if rng.random() < 0.6 else None
        yield validated(PersonQuery(surnames=surnames, forenames=forenames, date_of_birth=born))


def _unique(slots: Slots) -> Slots:
    found: Slots = np.unique(slots)
    return found


def _union(arrays: Sequence[Slots]) -> Slots:
    return _unique(np.concatenate(arrays))


def _counted(
    slots: Slots, weights: npt.NDArray[np.float64]
) -> tuple[Slots, npt.NDArray[np.float64]]:
    found, where = np.unique(slots, return_inverse=True)
    return found, np.bincount(where, weights=weights, minlength=len(found))


def _scanned(
    self: persons.PersonIndex, keys: set[str], wanted_years: npt.NDArray[np.bool_] | None
) -> Slots | None:
    """``_slots_under`` as it was: every key's slots joined, then the table of years read
    for each slot (no years kept beside the arrays), then ``np.unique``."""
    ids = [i for k in keys if (i := self._keys.get(k)) is not None]
    held = [(self._postings.frozen.get(i), self._postings.recent.get(i)) for i in ids]
    arrays = [np.asarray(a, dtype=np.int32) for pair in held for a in pair if a is not None]
    if not arrays:
        return None
    slots = np.concatenate(arrays)
    slots = slots[slots < len(self._alive)]
    if wanted_years is not None:
        slots = slots[wanted_years[self._years[slots]]]
    return _unique(slots)


@pytest.mark.parametrize("order", ["filed", "frozen", "restored"])
@pytest.mark.parametrize("most", [persons.MAX_CANDIDATES, 12])
@pytest.mark.parametrize("long", [postings.LONG, 3])
def test_the_candidates_are_those_of_numpys_set_operations(
    order: str, most: int, long: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The candidate step as it was (``np.unique`` on every key's slots, ``np.union1d``,
    ``np.setdiff1d``, ``np.unique`` and ``np.bincount``; each slot's year read from the
    table) chooses the same candidates in the same order, on generated people filed out
    of order and again, frozen or not; with most arrays' years kept beside them
    (``long``)."""
    monkeypatch.setattr(postings, "LONG", long)
    index = _filed(order)
    assert order == "filed" or long == postings.LONG or len(index._postings.years) > 100
    if order == "frozen":
        index.freeze()
    monkeypatch.setattr(persons, "MAX_CANDIDATES", most)
    asked = [(q, query_names(q.surnames, q.forenames)) for q in _queries()]
    fast = [index._candidates(q, wanted) for q, wanted in asked]
    with monkeypatch.context() as numpy_s:
        numpy_s.setattr(persons, "union", _union)
        numpy_s.setattr(persons, "difference", lambda a, b: np.setdiff1d(a, b))
        numpy_s.setattr(postings, "counted", _counted)
        numpy_s.setattr(persons.PersonIndex, "_slots_under", _scanned)
        slow = [index._candidates(q, wanted) for q, wanted in asked]
    assert fast == slow
    assert sum(map(len, fast)) > 5 * len(fast)
    assert most == persons.MAX_CANDIDATES or any(len(c) == most for c in fast)


def _under(index: persons.PersonIndex, keys: set[str], years: npt.NDArray[np.bool_]) -> list[int]:
    found = index._slots_under(keys, years)
    return [] if found is None else found.tolist()


@pytest.mark.parametrize("order", ["frozen", "restored"])
def test_a_slot_filed_again_with_another_year_is_kept_by_its_new_year(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The years kept beside the frozen arrays are those at the freeze: a slot filed again
    born in another year is no longer found by its old year, nor by anything the kept
    years say (``Postings.redated``)."""
    monkeypatch.setattr(postings, "LONG", 1)
    index = persons.PersonIndex()
    index.add_many(enumerate(PEOPLE[:300]))
    if order == "restored":
        index = persons.PersonIndex.restored(index.state())
    slot, person = next((i, p) for i, p in enumerate(PEOPLE) if p.date_of_birth)
    keys = index._blocking_keys(identities(person))
    old = np.zeros(persons.YEARS, dtype=np.bool_)
    old[[y for y in years_to_search(person.date_of_birth or "") if y < persons.YEARS]] = True
    assert index._postings.years
    assert slot in _under(index, keys, old)
    index.add(slot, dataclasses.replace(person, date_of_birth="1901-05-05"))
    assert slot not in _under(index, keys, old)
    assert not index._postings.years  # read from the table again
    index.add(10_000, PEOPLE[400])  # a new slot is no change of year: they are kept
    index.freeze()
    assert index._postings.years


@pytest.mark.parametrize("order", ["filed", "frozen", "restored"])
def test_the_short_lists_of_a_look_up_are_filtered_in_one_pass(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many keys a look-up names, their arrays without kept years (and the lists
    filed since) are joined and filtered by year once: a pass a key cost some five NumPy
    calls each, most of the candidate step's CPU on a small index. The slots found are
    those of filtering each alone (``_scanned``, and the candidates test above)."""
    index = _filed(order)
    if order == "frozen":
        index.freeze()
    passes: list[int] = []
    one_pass = postings._kept

    def counted_pass(*args: object) -> Slots:
        passes[-1] += 1
        return one_pass(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(postings, "_kept", counted_pass)
    looked = 0
    for query in _queries():
        wanted = query_names(query.surnames, query.forenames)
        for part in wanted.parts:
            keys = {"p:" + persons.names.phonetic(t) for t in part.spellings}
            keys |= {"w:" + t for t in part.spellings}
            years = np.ones(persons.YEARS, dtype=np.bool_)
            passes.append(0)
            found = index._slots_under(keys, years)
            expected = _scanned(index, keys, years)
            assert (found is None) == (expected is None)
            if found is not None and expected is not None:
                assert found.tolist() == expected.tolist()
                looked += len(keys) > 2
            assert passes[-1] <= 1
    assert looked > 50
