"""The outbox (``store/outbox.py``): change events read back as written, whether one at a
time or in bulk; in PostgreSQL (0030) an event as its alert's row stores neither its
state nor its category, and the feed reads both from that row by its primary key."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from tests.contract.test_alerts import T0, record
from tests.store_peek import peek

import limes.store
from limes.domain.events import ChangeEvent, EventType
from limes.domain.ids import new_id
from limes.store.outbox import EVENTS_AFTER_AS_ALERTS
from limes.store.port import Store
from limes.store.postgres import PostgresStore

MS = int(T0.timestamp() * 1000)


def _events(ids: list[str]) -> list[ChangeEvent]:
    """Of each alert with its state and category (as its row), and of the first alert
    with another state, another category, a category without number; of no alert."""
    a = ids[0]
    return [
        ChangeEvent(EventType.ALERT_ISSUED, i, "DE", "arrest", 1, T0 + timedelta(seconds=n))
        for n, i in enumerate(ids)
    ] + [
        ChangeEvent(EventType.FLAG_REQUESTED, a, "FR", "arrest", 2, T0, {"state": "FR"}),
        ChangeEvent(EventType.ALERT_UPDATED, a, "DE", "object_check", 3, T0),
        ChangeEvent(EventType.ALERT_UPDATED, a, "DE", "no_number", 4, T0),
        ChangeEvent(EventType.IDENTITY_LINK_CREATED, "L-1", "DE", "arrest", 1, T0),
        ChangeEvent(EventType.ALERT_ISSUED, new_id(MS), "DE", "arrest", 1, T0),  # no row
    ]


AS_ALERT = 3  # the events of _events whose alert's row holds their state and category


def _stored(store: Store) -> list[tuple[object, object]]:
    with store.read() as tx:
        return [
            (s, c)
            for s, c in peek(tx).rows(
                "SELECT issuing_state, category FROM change_events ORDER BY seq"
            )
        ]


def test_events_read_back_as_written_one_at_a_time(store: Store) -> None:
    ids = [new_id(MS + n) for n in range(AS_ALERT)]
    events = _events(ids)
    with store.transaction() as tx:
        for i in ids:
            tx.alerts.insert(record(i))
        seqs = [tx.outbox.append(e) for e in events]
    assert store.events_after(0, 100) == [
        replace(e, seq=s) for e, s in zip(events, seqs, strict=True)
    ]
    if isinstance(store, PostgresStore):
        stored = _stored(store)
        assert stored[:AS_ALERT] == [(None, None)] * AS_ALERT
        assert None not in {s for s, _ in stored[AS_ALERT:]}


def test_events_read_back_as_written_in_bulk(store: Store) -> None:
    ids = [new_id(MS + n) for n in range(AS_ALERT)]
    events = _events(ids)
    store.bulk_insert([record(i) for i in ids], events)
    found = store.events_after(0, 100)
    assert found == [replace(e, seq=f.seq) for e, f in zip(events, found, strict=True)]
    if isinstance(store, PostgresStore):
        stored = _stored(store)
        assert stored[:AS_ALERT] == [(None, None)] * AS_ALERT
        assert None not in {s for s, _ in stored[AS_ALERT:]}


@pytest.mark.postgres
def test_postgres_feed_reads_each_alert_by_its_primary_key(
    postgres_store: PostgresStore,
) -> None:
    ids = [new_id(MS + n // 20) for n in range(2000)]
    postgres_store.bulk_insert(
        [record(i) for i in ids],
        [ChangeEvent(EventType.ALERT_ISSUED, i, "DE", "arrest", 1, T0) for i in ids],
    )
    with postgres_store.transaction() as tx:
        peek(tx).run("ANALYZE change_events")
        peek(tx).run("ANALYZE alerts")
    with postgres_store.read() as tx:
        db = peek(tx)
        plan = " ".join(r[0] for r in db.rows("EXPLAIN " + EVENTS_AFTER_AS_ALERTS, (1000, 500)))
    assert "change_events_pkey" in plan and "alerts_pkey" in plan, plan
    assert "Seq Scan" not in plan and "Sort" not in plan, plan
    assert [e.alert_id for e in postgres_store.events_after(1990, 5)] == ids[1990:1995]


def test_no_store_code_deletes_an_alert_row_or_changes_its_state_or_category() -> None:
    """The lean events above read their state and category back from the alert's row, so
    that row must never go nor change either (``store/outbox.py``). A statement of the
    running store that did would make old events read back wrong; this finds one."""
    sources = Path(limes.store.__file__).parent.glob("*.py")
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    # a statement written over several lines is one string: join the adjacent literals
    # (and any comment between them), so the scan reads every line of it
    text = re.sub(r"\"[ \t]*(#[^\n]*)?\n\s*[fbr]*\"", "", text)
    assert not re.search(r"DELETE\s+FROM\s+alerts\b", text, re.IGNORECASE)
    assert not re.search(r"TRUNCATE\s+(TABLE\s+)?alerts\b", text, re.IGNORECASE)
    for update in re.findall(r"UPDATE\s+alerts\s+SET[^\"']*", text, re.IGNORECASE):
        assert not re.search(r"\b(issuing_state|category)\s*=", update), update
    assert re.search(r"UPDATE\s+alerts\s+SET", text), "the scan reads the store's statements"
