"""The people as frozen arrays (``person_table``): every person read back as filed, a
restored index that files and removes as a fresh one answers, and a state that holds no
object per person."""

from __future__ import annotations

import gc
import io
import pickle
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.search.helpers import person, q
from tests.search.test_name_columns import ASKED, LATER, PEOPLE, REFILED

from limes.domain.alerts import DocumentType, Gender, IdentityDocument
from limes.domain.alerts import Name as N
from limes.search import snapshot
from limes.search.codes import adopt_codes, export_codes
from limes.search.features import Stored, identities
from limes.search.name_match import CODE_ROWS, NameSet
from limes.search.person_table import FrozenPeople, FrozenStored, People, decoded
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery

ODD = person(
    [N('O"Brien\\')],
    [N("Ünal"), N("")],
    None,
    gender=Gender.FEMALE,
    nationalities=("IE", "TR"),
    documents=(IdentityDocument(DocumentType.PASSPORT, "X1\u00e9/2", "IE"),),
)
"""Quotes, a backslash, a letter beyond ASCII in a name and a document number, no date."""


def _stored(people: list[Any]) -> dict[int, Stored]:
    return {slot: Stored.of(p, identities(p)) for slot, p in enumerate(people)}


def _same_person(read: Stored, filed: Stored) -> None:
    assert read.date_of_birth == filed.date_of_birth and read.gender == filed.gender
    assert read.nationalities == filed.nationalities and read.documents == filed.documents
    assert len(read.name_sets) == len(filed.name_sets)
    for got, want in zip(read.name_sets, filed.name_sets, strict=True):
        assert (got.label, got.display, got.strings) == (want.label, want.display, want.strings)
        assert got.codes.dtype == want.codes.dtype and np.array_equal(got.codes, want.codes)


def test_every_person_is_read_back_as_filed() -> None:
    filed = _stored([*PEOPLE, ODD])
    frozen = pickle.loads(pickle.dumps(FrozenPeople.of(filed)))  # noqa: S301 - its own
    people = People(frozen)
    assert len(people) == len(filed) and sorted(people) == sorted(filed)
    for slot, stored in filed.items():
        read = people[slot]
        assert isinstance(read, FrozenStored)
        _same_person(read, stored)


def test_merged_keeps_the_current_people_and_adds_those_filed_since() -> None:
    people = People(FrozenPeople.of(_stored(PEOPLE)))
    later = _stored([*PEOPLE, *LATER, REFILED, ODD])
    for slot in (len(PEOPLE), len(PEOPLE) + 1):
        people[slot] = later[slot]
    people[11] = later[len(PEOPLE) + 2]  # filed again
    del people[1], people[3]
    people[len(PEOPLE) + 2] = later[len(PEOPLE) + 3]
    expected = {slot: people[slot] for slot in people}
    merged = People(people.laid_out())
    assert len(merged) == len(expected) and not merged.recent
    assert list(merged) == sorted(expected)
    for slot, stored in expected.items():
        _same_person(merged[slot], stored)
    used = set(merged.frozen.columns.spelling.tolist())
    assert used == set(range(len(merged.frozen.columns.words)))  # no word left unused


def test_a_person_read_before_it_is_filed_again_stays_the_one_read() -> None:
    people = People(FrozenPeople.of(_stored(PEOPLE)))
    before = people[11]
    people[11] = Stored.of(REFILED, identities(REFILED))
    assert before.name_sets[0].display == "Schuschitsch, Mirko"
    assert people[11].name_sets[0].display == "Zhuzhich, Mirco"
    del people[11]
    assert 11 not in people and people.get(11) is None and len(people) == len(PEOPLE) - 1


def _restored(index: PersonIndex) -> PersonIndex:
    state = {"persons": index.state(), "codes": export_codes()}
    loaded = snapshot._Unpickler(io.BytesIO(snapshot.serialise(state))).load()
    restored = PersonIndex.restored(loaded["persons"])
    adopt_codes(loaded["codes"], restored.code_arrays(), CODE_ROWS)
    return restored


def _changed(index: PersonIndex) -> None:
    for slot, later in enumerate([*LATER, ODD], len(PEOPLE)):
        index.add(slot, later)
    index.add(11, REFILED)
    index.remove(1)
    index.remove(len(PEOPLE))


ALSO = [
    *ASKED,
    q(["OBrien"], ["Unal"], None),
    q(["Ali"], ["Mohamed"], "1979"),
    q(["Obrian"], ["Unal"], None, document_number="x1é 2"),
    PersonQuery(document_number="X1É/2"),
]


def test_a_restored_index_files_and_removes_as_a_fresh_one() -> None:
    fresh = PersonIndex()
    fresh.add_many(enumerate(PEOPLE))
    restored = _restored(fresh)
    assert [restored.find(a) for a in ALSO] == [fresh.find(a) for a in ALSO]
    _changed(fresh)
    _changed(restored)
    answers = [fresh.find(a) for a in ALSO]
    assert [restored.find(a) for a in ALSO] == answers
    assert len(restored) == len(fresh)
    again = _restored(restored)  # the changes merged into the arrays
    assert [again.find(a) for a in ALSO] == answers
    assert not again._stored.recent and len(again) == len(fresh)
    for key in ("w:ali", "w:zhuzhich", "w:schuschitsch", "w:obrien"):
        assert again.bearers(key) == fresh.bearers(key)
    assert [h.slot for h in again.find(ALSO[-1]).hits] == [len(PEOPLE) + 2]  # ODD's passport


def _reachable(root: object) -> list[object]:
    """Every object reachable from ``root`` (NumPy arrays and bytes as one each)."""
    seen: dict[int, object] = {}
    todo = [root]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen[id(item)] = item
        if not isinstance(item, np.ndarray | bytes | str | type):
            todo.extend(gc.get_referents(item))
    return list(seen.values())


def _grown(count: int) -> list[Any]:
    return [
        person(
            [N(f"Surname{chr(97 + i % 26)}{i}")],
            [N("Olga"), N(f"Anna{i % 7}")],
            documents=(IdentityDocument(DocumentType.PASSPORT, f"P{i}", "DE"),),
        )
        for i in range(count)
    ]


def test_the_state_holds_no_object_per_person() -> None:
    """Only the arrays, the blobs and the distinct words grow with the people: what the
    snapshot reads back is not an object graph a person (format 9 held a ``Stored``,
    its name sets and their arrays for each, and a list a document number)."""
    counts = []
    for size in (20, 40):
        index = PersonIndex()
        index.add_many(enumerate(_grown(size)))
        state = pickle.loads(pickle.dumps(index.state()))  # noqa: S301 - its own
        everything = _reachable(state)
        assert not [o for o in everything if isinstance(o, Stored | NameSet)]
        people = _reachable((state["people"], state["documents"]))
        counts.append(sum(not isinstance(o, str) for o in people))
    assert counts[0] == counts[1]


def test_present_looks_up_a_searchs_candidates_in_their_order() -> None:
    people = People(FrozenPeople.of(_stored(PEOPLE)))
    people[11] = Stored.of(REFILED, identities(REFILED))
    people[99] = Stored.of(ODD, identities(ODD))
    del people[2]
    asked = [13, 99, 2, 11, 0, 500, 5]
    found = people.present(asked)
    assert [slot for slot, _ in found] == [13, 99, 11, 0, 5]
    assert all(stored is people.recent[slot] for slot, stored in found if slot in (99, 11))
    for slot, stored in found:
        _same_person(stored, people[slot])
    assert People().present([1, 2]) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(PEOPLE)), max_size=20), st.lists(st.booleans(), max_size=20))
def test_decoded_reads_each_record_as_the_person_alone_does(
    picked: list[int], recent: list[bool]
) -> None:
    """``decoded`` parses many records at once; each person then reads what it reads
    decoding its own record (quotes, backslashes, letters beyond ASCII), a person
    filed since (not frozen) among them left as it is."""
    filed = _stored([*PEOPLE, ODD])
    people = People(FrozenPeople.of(filed))
    chosen = [
        filed[slot] if from_recent else people[slot]
        for slot, from_recent in zip(picked, recent + [False] * len(picked), strict=False)
    ]
    decoded(chosen)
    for slot, read in zip(picked, chosen, strict=True):
        if isinstance(read, FrozenStored):
            assert read._record == people[slot]._decoded()  # type: ignore[attr-defined]
        _same_person(read, filed[slot])


def test_a_search_reads_each_persons_record_and_name_sets_once(monkeypatch: Any) -> None:
    """Scoring decodes its contenders' records at once; the answers and the name-only
    checks of a hit (``PersonIndex.find``) read those same persons, not again."""
    index = PersonIndex()
    for slot, p in enumerate(PEOPLE):
        index.add(slot, p)
    index.freeze()
    reads: list[tuple[str, int]] = []
    record, name_sets = FrozenPeople.record, FrozenPeople.name_sets
    monkeypatch.setattr(
        FrozenPeople, "record", lambda self, at: reads.append(("record", at)) or record(self, at)
    )
    monkeypatch.setattr(
        FrozenPeople,
        "name_sets",
        lambda self, at, labels: reads.append(("sets", at)) or name_sets(self, at, labels),
    )
    answered = 0
    for asked in ASKED:
        reads.clear()
        found = index.find(asked)
        answered += len(found.hits) + len(found.possible)
        assert len(reads) == len(set(reads)), (asked, reads)
    assert answered
