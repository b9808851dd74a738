"""Migration 0030 (issue 15): PostgreSQL's alerts_by_state and alerts_by_category_<n> hold
an id's first 6 bytes (list pages ordered by them, then by the id), a change event as its
alert's row holds no state nor category, and an alert's updated_at is NULL while it is its
created_at. Pages answer as before in both stores; a store at 0029 reads back the same
after it; each page still goes by its index."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from tests.contract.test_alerts import T0, record
from tests.old_stores import old_postgres_store
from tests.store_peek import peek

from limes.domain.alerts import AlertStatus
from limes.domain.events import ChangeEvent, EventType
from limes.domain.ids import new_id
from limes.store.alerts import AlertRecord, list_query
from limes.store.event_codes import category_text, event_code
from limes.store.port import AlertFilter, Store
from limes.store.postgres import PostgresStore

MS = int(T0.timestamp() * 1000)
STATES = ("DE", "FR", "AT")
CATEGORIES = ("arrest", "object_seizure", "object_check")
LATER = T0 + timedelta(seconds=1)


def _alerts(n: int, per_ms: int, seed: int = 7) -> list[AlertRecord]:
    """``n`` alerts, ``per_ms`` to a millisecond (ids in no order within it), of three
    states and categories, every fifth deleted, every third changed since issued."""
    rng = random.Random(seed)
    found = []
    for i in range(n):
        category = CATEGORIES[rng.randrange(3)]
        found.append(
            record(
                new_id(MS + i // per_ms),
                category=category,
                subject="object" if category.startswith("object") else "person",
                object_type="motor_vehicle" if category.startswith("object") else None,
                issuing_state=STATES[rng.randrange(3)],
                status=AlertStatus.DELETED if i % 5 == 0 else AlertStatus.ACTIVE,
                updated_at=LATER if i % 3 == 0 else T0,
            )
        )
    return found


def _pages(store: Store, where: AlertFilter) -> list[str]:
    ids: list[str] = []
    with store.read() as tx:
        while True:
            page = tx.alerts.list(replace(where, after=ids[-1] if ids else None))
            ids += [r.id for r in page]
            if len(page) < where.limit:
                return ids


FILTERS = [
    AlertFilter(category="object_seizure", limit=4),
    AlertFilter(issuing_state="FR", limit=4),
    AlertFilter(category="arrest", issuing_state="AT", limit=3),
    AlertFilter(issuing_state="DE", status=None, limit=5),
    AlertFilter(category="object_check", object_type="motor_vehicle", limit=2),
    AlertFilter(limit=7),
]


@pytest.mark.parametrize("where", FILTERS, ids=lambda w: f"{w.category}-{w.issuing_state}")
def test_pages_by_category_and_state_follow_the_ids_within_a_millisecond(
    store: Store, where: AlertFilter
) -> None:
    alerts = _alerts(120, per_ms=9)
    store.bulk_insert(alerts, [])

    def held(r: AlertRecord) -> bool:
        return all(
            wanted is None or wanted == value
            for wanted, value in [
                (where.category, r.category),
                (where.issuing_state, r.issuing_state),
                (where.object_type, r.object_type),
                (where.status, r.status),
            ]
        )

    assert _pages(store, where) == sorted(r.id for r in alerts if held(r))


def test_an_alert_reads_back_with_its_updated_at(store: Store) -> None:
    one, many = _alerts(1, 1)[0], _alerts(6, 2, seed=3)[1:]
    with store.transaction() as tx:
        tx.alerts.insert(replace(one, updated_at=T0))
        tx.alerts.insert_many(many)
    with store.transaction() as tx:  # changed, then put back to its created_at
        tx.alerts.replace(replace(many[0], version=2, updated_at=LATER + (LATER - T0)), 1)
        tx.alerts.replace(replace(many[1], version=2, updated_at=T0), 1)
    expected = [
        replace(one, updated_at=T0),
        replace(many[0], version=2, updated_at=LATER + (LATER - T0)),
        replace(many[1], version=2, updated_at=T0),
        *many[2:],
    ]
    with store.read() as tx:
        assert tx.alerts.get_many([r.id for r in expected]) == {r.id: r for r in expected}
        listed = tx.alerts.list(AlertFilter(status=None))
    assert listed == sorted((replace(r, keys=frozenset()) for r in expected), key=lambda r: r.id)
    if isinstance(store, PostgresStore):
        with store.read() as tx:
            rows = peek(tx).rows("SELECT count(*) FROM alerts WHERE updated_at IS NULL")
        assert rows == [(sum(1 for r in expected if r.updated_at == r.created_at),)]


@pytest.mark.postgres
def test_postgres_pages_go_by_the_prefix_indexes(postgres_store: PostgresStore) -> None:
    postgres_store.bulk_insert(_alerts(3000, per_ms=12), [])
    with postgres_store.transaction() as tx:
        peek(tx).run("ANALYZE alerts")
    cursor = new_id(MS + 100)
    asked = {
        "alerts_by_category_12": AlertFilter(category="object_seizure", after=cursor),
        "alerts_by_state": AlertFilter(issuing_state="FR", after=cursor),
        "alerts_by_category_0": AlertFilter(category="arrest"),
    }
    with postgres_store.read() as tx:
        db = peek(tx)
        for index, where in asked.items():
            sql, params = list_query(db.dialect, where)
            plan = "\n".join(r[0] for r in db.rows("EXPLAIN " + sql, params))
            assert f"Index Scan using {index} " in plan, plan
            assert "Presorted Key: (substr(id, 1, 6))" in plan, plan
            assert "Seq Scan" not in plan and "\n  ->  Sort  " not in plan, plan
            if where.after is not None:
                assert "Index Cond: " in plan and "substr(id, 1, 6) >= " in plan, plan


# -- a store at 0029 -------------------------------------------------------------------


@pytest.fixture
def old_postgres(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresStore]:
    with old_postgres_store(postgres_url, "0030", monkeypatch) as store:
        yield store


@pytest.mark.postgres
def test_0030_converts_a_postgres_store_at_0029(old_postgres: PostgresStore) -> None:
    alerts = [replace(r, updated_at=LATER) for r in _alerts(60, per_ms=7)]
    a = alerts[1]
    events = [
        ChangeEvent(EventType.ALERT_ISSUED, r.id, r.issuing_state, r.category, 1, T0)
        for r in alerts
    ] + [
        ChangeEvent(EventType.FLAG_REQUESTED, a.id, "PL", a.category, 2, T0),
        ChangeEvent(EventType.IDENTITY_LINK_CREATED, "L-1", "DE", "arrest", 1, T0),
        ChangeEvent(EventType.ALERT_UPDATED, a.id, a.issuing_state, "no_number", 3, T0),
    ]
    old_postgres.bulk_insert(alerts, [])  # today's alert rows: updated_at is NOT NULL here
    with old_postgres.transaction() as tx:
        db = peek(tx)
        db.run("UPDATE alerts SET updated_at = created_at WHERE substr(id, 16, 1) < '\\x80'")
        ((unchanged,),) = db.rows("SELECT count(*) FROM alerts WHERE updated_at = created_at")
        for e in events:  # as 0029 wrote them: every state and category
            db.run(
                "INSERT INTO change_events (at, type, alert_id, issuing_state, category, "
                "version, detail) VALUES (?, ?, limes_alert_id(?), ?, ?, 1, NULL)",
                (T0, event_code(e.type), e.alert_id, e.issuing_state, category_text(e.category)),
            )
    before = _reads(old_postgres, alerts)
    last = old_postgres.last_event()

    assert old_postgres.migrate() == ["0030_prefix_indexes_and_lean_events"]
    assert _reads(old_postgres, alerts) == before
    with old_postgres.read() as tx:
        db = peek(tx)
        nulls = db.rows("SELECT count(*) FROM change_events WHERE issuing_state IS NULL")
        unset = db.rows("SELECT count(*) FROM alerts WHERE updated_at IS NULL")
        shapes = db.rows(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname IN ('alerts_by_state', 'alerts_by_category_12')"
        )
    assert nulls == [(len(alerts),)] and unset == [(unchanged,)] and 0 < unchanged < len(alerts)
    assert {n: d.split(" USING ")[1] for n, d in shapes} == {
        "alerts_by_state": "btree (issuing_state, substr(id, 1, 6))",
        "alerts_by_category_12": "btree (substr(id, 1, 6)) WHERE (category = 12)",
    }
    new = ChangeEvent(EventType.ALERT_UPDATED, a.id, a.issuing_state, a.category, 4, T0)
    with old_postgres.transaction() as tx:  # the feed goes on where it was
        assert tx.outbox.append(new) == last + 1
    assert old_postgres.events_after(last) == [replace(new, seq=last + 1)]


def _reads(store: Store, alerts: list[AlertRecord]) -> object:
    with store.read() as tx:
        got = tx.alerts.get_many([r.id for r in alerts])
    return (
        got,
        store.events_after(0, 1000),
        [_pages(store, where) for where in FILTERS],
    )
