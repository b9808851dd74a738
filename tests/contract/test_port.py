"""The store port's whole-store operations on every adapter (run once per store via
``store``): bulk loading all or nothing, and migrations that run once.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from tests.contract.test_alerts import event, get, insert, record

from limes.store.port import Store


def test_bulk_insert(store: Store) -> None:
    records = [
        record(f"B{i:05d}", keys=frozenset({f"k:{i}", f"k:shared:{i % 10}"})) for i in range(5000)
    ]
    events = [event(r.id) for r in records]
    store.bulk_insert(records, events)

    assert store.count() == 5000
    for i in (0, 2500, 4999):
        assert get(store, f"B{i:05d}") == records[i]
    with store.read() as tx:
        assert len(tx.alerts.find_by_keys(frozenset({"k:shared:3"}))) == 500
    stored = store.events_after(0, limit=10_000)
    assert [e.alert_id for e in stored] == [r.id for r in records]
    assert all(a.seq < b.seq for a, b in pairwise(stored))
    with store.transaction() as tx:
        assert tx.outbox.append(event("after")) > stored[-1].seq


def test_bulk_insert_is_all_or_nothing(store: Store) -> None:
    insert(store, record("B00003"))
    records = [record(f"B{i:05d}") for i in range(5)]  # B00003 is already there
    with pytest.raises(Exception):  # noqa: B017 - each driver has its own integrity error
        store.bulk_insert(records, [event(r.id) for r in records])
    assert store.count() == 1
    assert store.events_after(0) == []


def test_migrate_is_idempotent(store: Store) -> None:
    assert store.migrate() == []
    assert store.migrate() == []
