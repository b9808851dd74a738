"""The identifier index's frozen arrays answer as its Python layer did: frozen, with
adds, removals and re-filings on top, frozen again, and through a snapshot."""

from __future__ import annotations

import random
import threading
from collections import defaultdict

import numpy as np
import pytest
from tests.conftest import fixed_crypto

from limes.search import identifier_arrays, snapshot
from limes.search.identifiers import (
    OBJECT,
    PERSON_DOCUMENT,
    IdentifierIndex,
    IdentifierMatch,
    IdentifierQuery,
    check_query,
    skeleton,
)
from limes.store.sqlite import SqliteStore

Identifier = tuple[str, str, str | None, str]
KINDS = ("plate", "vin", "serial", "document_number", "aircraft_registration")
COUNTRIES = (None, "FR", "DE", "PL")


class Reference:
    """The rule `IdentifierIndex.lookup` documents, by brute force over every alert."""

    def __init__(self) -> None:
        self.alerts: dict[int, list[Identifier]] = {}

    def lookup(self, typed: str, country: str | None) -> list[tuple[object, ...]]:
        query = check_query(IdentifierQuery(None, typed, country))
        wanted = query.canonical.replace("-", "")
        ranked = []
        for slot in sorted(self.alerts):
            for kind, value, issued_by, source in self.alerts[slot]:
                if skeleton(value) != query.key:
                    continue
                elsewhere = country is not None and issued_by not in (None, country)
                exact = not elsewhere and value.replace("-", "") == wanted
                ranked.append((not exact, elsewhere, (slot, kind, value, issued_by, exact, source)))
        ranked.sort(key=lambda entry: entry[:2])  # stable: by slot, then as listed
        return [match for *_, match in ranked]


def _value(rng: random.Random) -> str:
    """Short values over few letters, so that skeletons are shared and look-alikes meet."""
    text = "".join(rng.choice("AB01OICD") for _ in range(rng.randint(2, 4)))
    return rng.choice(("", "D-")) + text if rng.random() < 0.2 else text


def _identifiers(rng: random.Random) -> list[Identifier]:
    return [
        (
            rng.choice(KINDS),
            _value(rng),
            rng.choice(COUNTRIES),
            rng.choice((OBJECT, PERSON_DOCUMENT)),
        )
        for _ in range(rng.randint(0, 3))
    ]


def _answers(index: IdentifierIndex, queries: list[tuple[str, str | None]]) -> list[object]:
    def row(m: IdentifierMatch) -> tuple[object, ...]:
        return (m.slot, m.kind, m.stored, m.country, m.exact, m.source)

    return [
        [row(m) for m in index.lookup(check_query(IdentifierQuery(None, t, c)))] for t, c in queries
    ]


def _same(
    index: IdentifierIndex, reference: Reference, queries: list[tuple[str, str | None]]
) -> None:
    assert _answers(index, queries) == [reference.lookup(t, c) for t, c in queries]
    assert len(index) == sum(
        len([i for i in ids if skeleton(i[1])]) for ids in reference.alerts.values()
    )


@pytest.fixture
def queries() -> list[tuple[str, str | None]]:
    rng = random.Random(5)
    return [(_value(rng), rng.choice(COUNTRIES)) for _ in range(300)]


def test_frozen_then_changed_then_through_a_snapshot_the_answers_are_the_rule(
    queries: list[tuple[str, str | None]], sqlite_store: SqliteStore
) -> None:
    rng = random.Random(11)
    index, reference = IdentifierIndex(), Reference()
    for slot in range(400):
        found = _identifiers(rng)
        index.add(slot, found)
        reference.alerts[slot] = found
    _same(index, reference, queries)  # the Python layer
    index.freeze()
    assert len(index._layers.frozen) == len(index) > 300 and not index._layers.records
    _same(index, reference, queries)  # frozen
    for _ in range(300):  # removals, re-filings of frozen slots, new slots, on top
        slot = rng.randrange(500)
        if rng.random() < 0.4:
            index.remove(slot)
            reference.alerts.pop(slot, None)
        else:
            found = _identifiers(rng)
            index.add(slot, found)
            reference.alerts[slot] = found
    assert index._layers.dead and index._layers.records
    _same(index, reference, queries)
    crypto = fixed_crypto(sqlite_store)
    _, state = snapshot.unseal(crypto.fields, snapshot.seal(crypto.fields, 3, index.state()))
    assert not index._layers.dead and not index._layers.records  # state() froze them in
    _same(index, reference, queries)
    loaded = IdentifierIndex.restored(state)
    _same(loaded, reference, queries)
    loaded.remove(7)
    loaded.add(7, [("plate", "AB10", "FR", OBJECT)])
    reference.alerts[7] = [("plate", "AB10", "FR", OBJECT)]
    _same(loaded, reference, [*queries, ("AB10", "FR"), ("ABIO", None)])


@pytest.mark.parametrize("colliding", [False, True])
def test_a_few_filed_after_a_freeze_are_sorted_in_at_the_next(
    colliding: bool, monkeypatch: pytest.MonkeyPatch, queries: list[tuple[str, str | None]]
) -> None:
    """Inserted, not everything sorted again: slots filed again below and above the
    others on a skeleton, or on a hash every skeleton shares, keep the rule's order
    (an alert's identifiers under one key as it listed them). With every skeleton on one
    hash, a hash shared by other skeletons is never taken for a match, whether the
    entries were sorted whole (the first freeze) or inserted (the second)."""
    if colliding:
        monkeypatch.setattr(identifier_arrays, "keyed_hash", lambda secret, key: 42)
    rng = random.Random(8)
    index, reference = IdentifierIndex(), Reference()
    for slot in range(600):
        reference.alerts[slot] = found = _identifiers(rng)
        index.add(slot, found)
    index.freeze()
    _same(index, reference, queries)
    for slot in (*rng.sample(range(600), 8), 600, 601, 650):
        reference.alerts[slot] = found = _identifiers(rng)
        index.add(slot, found)
    changed = sum(len(r) // 3 for r in index._layers.records.values())
    assert 0 < changed * 8 < len(index._layers.frozen)  # the insert path
    index.freeze()
    _same(index, reference, queries)


def test_a_freeze_drops_the_bytes_of_what_was_removed() -> None:
    index, reference = IdentifierIndex(), Reference()
    for slot in range(200):
        found: list[Identifier] = [("serial", f"X{slot}Y", None, OBJECT)]
        index.add(slot, found)
        reference.alerts[slot] = found
    index.freeze()
    before = len(index._layers.frozen.blob)
    for slot in range(0, 200, 2):
        index.remove(slot)
        del reference.alerts[slot]
    index.freeze()
    assert len(index._layers.frozen.blob) < before * 0.6
    _same(index, reference, [(f"X{slot}Y", None) for slot in range(200)])


@pytest.mark.usefixtures("busy_switching")
def test_a_reader_sees_each_alert_whole_while_frozen_slots_are_filed_again() -> None:
    """Every version of a slot files two identifiers under the key, both of one country:
    a reader meeting a slot's old frozen entries and its new ones, or half of either,
    would see something else than two of one country."""
    index = IdentifierIndex()
    query = check_query(IdentifierQuery(None, "AB1CD"))

    def version(slot: int, country: str) -> list[Identifier]:
        return [("plate", "AB1CD", country, OBJECT), ("serial", "ABICD", country, OBJECT)]

    for slot in range(20):
        index.add(slot, version(slot, "FR"))
    index.freeze()
    failures: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        for round_ in range(2000):
            slot = round_ % 20
            index.add(slot, version(slot, COUNTRIES[1 + round_ % 3] or ""))
            if round_ % 97 == 0:
                index.freeze()
        stop.set()

    def read() -> None:
        try:
            while not stop.is_set():
                by_slot: dict[int, set[str | None]] = defaultdict(set)
                count: dict[int, int] = defaultdict(int)
                for match in index.lookup(query):
                    by_slot[match.slot].add(match.country)
                    count[match.slot] += 1
                assert all(len(c) == 1 for c in by_slot.values()), by_slot
                assert set(count.values()) <= {2}, count
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=read) for _ in range(3)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []


def test_offsets_take_four_bytes_while_the_blob_is_under_four_gib() -> None:
    index = IdentifierIndex()
    index.add(0, [("plate", "AB10", "FR", OBJECT)])
    index.freeze()
    assert index._layers.frozen.at.dtype == np.uint32
    offsets = np.array([0, 2**32 + 5], dtype=np.int64)
    assert identifier_arrays._narrow(offsets, 2**32 + 9) is offsets  # kept whole past 4 GiB
