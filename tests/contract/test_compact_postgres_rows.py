"""Migration 0029 (issue 15): PostgreSQL looks match keys up by a GIN index over each
alert row's own keys (no ``alert_keys`` table), and its change events name their type by
number and their category by its number's digits (or its name where it has none), with
no detail when it is empty. An old store reads back as it was; a key sharing 8 bytes
with another finds only its own alert, in both stores."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson
import psycopg
import pytest
from tests.old_stores import old_postgres_store
from tests.store_peek import peek

from limes.domain.alerts import AlertStatus
from limes.domain.events import ChangeEvent, EventType
from limes.domain.ids import new_id
from limes.store import migrations
from limes.store.alert_ids import id_in
from limes.store.alerts import at_in
from limes.store.event_codes import CATEGORY_CODES, EVENT_CODES
from limes.store.match_key_bytes import key_in, pack
from limes.store.port import AlertFilter, AlertRecord, Store
from limes.store.postgres import PostgresStore

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
BEFORE = "0029"
# two tokens whose first 8 bytes are the same (the index's hash), the rest not
TWIN_A = "i1.AAAAAAAAAAAAAAAAAAAAAA"
TWIN_B = "i1.AAAAAAAAAAAAAAAAAAAAAQ"


def _alert(n: int, keys: set[str], status: AlertStatus = AlertStatus.ACTIVE) -> AlertRecord:
    category = CATEGORY_CODES[n % len(CATEGORY_CODES)]
    objects = category.startswith("object")
    return AlertRecord(
        id=new_id(int(T0.timestamp() * 1000) + n),
        category=category.value,
        object_type="motor_vehicle" if objects else None,
        subject="object" if objects else "person",
        issuing_state=("DE", "FR", "AT")[n % 3],
        status=status,
        version=1,
        created_at=T0,
        # not created_at: today's code writes these into the schema before 0030, whose
        # updated_at is NOT NULL
        updated_at=T0 + timedelta(seconds=1),
        expires_at=T0 + timedelta(days=n),
        body=bytes([n]) * 20,
        keys=frozenset(keys),
    )


def test_a_key_sharing_8_bytes_with_another_finds_only_its_own_alert(store: Store) -> None:
    assert key_in(TWIN_A)[:9] == key_in(TWIN_B)[:9] and key_in(TWIN_A) != key_in(TWIN_B)
    a, b = _alert(1, {TWIN_A, "k:a"}), _alert(2, {TWIN_B})
    gone = _alert(3, {TWIN_A}, AlertStatus.DELETED)
    with store.transaction() as tx:
        tx.alerts.insert_many([a, b, gone])
    with store.read() as tx:
        assert [e.id for e in tx.alerts.find_by_keys(frozenset({TWIN_A}))] == [a.id]
        assert [e.id for e in tx.alerts.find_by_keys(frozenset({TWIN_B}))] == [b.id]
        both = tx.alerts.find_by_keys(frozenset({TWIN_A, TWIN_B, "k:a"}))
        assert [(e.id, e.category, e.issuing_state) for e in both] == [
            (a.id, a.category, a.issuing_state),
            (b.id, b.category, b.issuing_state),
        ]
        assert tx.alerts.find_by_keys(frozenset({"k:b", "i1.AAAAAAAAAAAAAAAAAAAAAg"})) == []
    with store.transaction() as tx:  # keys replaced: the lookup follows the row
        tx.alerts.replace(replace(a, version=2, keys=frozenset({"k:new"})), 1)
    with store.read() as tx:
        assert tx.alerts.find_by_keys(frozenset({TWIN_A, "k:a"})) == []
        assert [e.id for e in tx.alerts.find_by_keys(frozenset({"k:new"}))] == [a.id]


@pytest.mark.postgres
def test_postgres_hashes_each_packed_key_to_8_bytes(postgres_store: PostgresStore) -> None:
    """``limes_key_hashes`` reads ``pack``'s forms: a token's first 8 bytes, a text
    key's first 8 bytes of its SHA-256 (a 2-byte length, so past 255 bytes too)."""
    keys = ["i1.0b3XU_p8fliJ7nJayfMKaA", "k:1", "é" * 200, TWIN_B]
    expected = []
    for key in sorted(keys):
        stored = key_in(key)
        head = stored[1:9] if stored[0] == 1 else hashlib.sha256(stored[1:]).digest()[:8]
        expected.append(int.from_bytes(head, "big", signed=True))
    with postgres_store.read() as tx:
        ((found,),) = peek(tx).rows("SELECT limes_key_hashes(?)", (pack(keys),))
    assert found == expected


@pytest.mark.postgres
def test_postgres_has_an_index_for_every_category(postgres_store: PostgresStore) -> None:
    """A category appended to CATEGORY_CODES needs its partial index (a migration); each
    holds its ids' first 6 bytes since 0030."""
    with postgres_store.read() as tx:
        found = peek(tx).rows(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname ~ '^alerts_by_category'"
        )
    assert {name: re.sub(r".* ON \S+ ", "", sql) for name, sql in found} == {
        f"alerts_by_category_{n}": f"USING btree (substr(id, 1, 6)) WHERE (category = {n})"
        for n in range(len(CATEGORY_CODES))
    }


def test_alerts_list_by_every_category(store: Store) -> None:
    alerts = [_alert(n, set()) for n in range(2 * len(CATEGORY_CODES))]
    with store.transaction() as tx:
        tx.alerts.insert_many(alerts)
    with store.read() as tx:
        for category in CATEGORY_CODES:
            ids = [r.id for r in alerts if r.category == category]
            french = tx.alerts.list(AlertFilter(category=category.value, issuing_state="FR"))
            assert [r.id for r in french] == [
                r.id for r in alerts if r.category == category and r.issuing_state == "FR"
            ]
            page = tx.alerts.list(AlertFilter(category=category.value, after=ids[0]))
            assert [r.id for r in page] == ids[1:]


def _script() -> str:
    return dict(migrations.scripts("postgres"))["0029_compact_postgres_rows"]


def test_the_migrations_numbers_are_the_stores() -> None:
    types, categories = re.findall(r"ARRAY\[(.*?)\]", _script(), re.DOTALL)
    assert re.findall(r"'([^']*)'", types) == [t.value for t in EVENT_CODES]
    assert re.findall(r"'([^']*)'", categories) == [c.value for c in CATEGORY_CODES]
    assert f"FOR code IN 0..{len(CATEGORY_CODES) - 1} LOOP" in _script()


@pytest.fixture
def old_postgres(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresStore]:
    """A PostgreSQL store at the schema before 0029, in a schema of its own."""
    with old_postgres_store(postgres_url, BEFORE, monkeypatch) as store:
        yield store


def _old_rows(store: PostgresStore) -> tuple[list[AlertRecord], list[ChangeEvent]]:
    """Alerts with their alert_keys rows, and change events as written before 0029 (type
    and category as text, '{}' for no detail): every type, every category and one
    without a number."""
    alerts = [_alert(n, {f"k:{n}", TWIN_A} if n % 2 else {f"k:{n}"}) for n in range(6)]
    categories = [c.value for c in CATEGORY_CODES] + ["not-a-category"]
    events = [
        ChangeEvent(
            kind,
            alerts[n % len(alerts)].id if n % 5 else f"A{n}",
            "DE",
            categories[n % len(categories)],
            n,
            T0 + timedelta(seconds=n),
            {"n": str(n)} if n % 2 else {},
        )
        for n, kind in enumerate([*EventType, *EventType])
    ]
    with store.transaction() as tx:
        tx.alerts.insert_many(alerts)  # today's code: the alert rows only
        db = peek(tx)
        for r in alerts:
            for key in sorted(r.keys):
                db.run(
                    "INSERT INTO alert_keys (key, alert_id) VALUES (?, ?)",
                    (key_in(key), id_in(r.id)),
                )
        for e in events:
            db.run(
                "INSERT INTO change_events (at, type, alert_id, issuing_state, category, "
                "version, detail) VALUES (?, ?, limes_alert_id(?), ?, ?, ?, ?::jsonb)",
                (
                    at_in(db.dialect, e.at),
                    e.type.value,
                    e.alert_id,
                    e.issuing_state,
                    e.category,
                    e.version,
                    orjson.dumps(e.detail).decode(),
                ),
            )
    return alerts, events


@pytest.mark.postgres
def test_0029_converts_an_old_postgres_store(old_postgres: PostgresStore) -> None:
    alerts, written = _old_rows(old_postgres)
    events, last = old_postgres.events_after(0, 1000), old_postgres.last_event()
    assert [(e.type, e.alert_id, e.category, e.detail) for e in events] == [
        (e.type, e.alert_id, e.category, e.detail) for e in written
    ]

    assert old_postgres.migrate() == [
        "0029_compact_postgres_rows",
        "0030_prefix_indexes_and_lean_events",
    ]
    assert old_postgres.events_after(0, 1000) == events and old_postgres.last_event() == last
    with old_postgres.read() as tx:
        db = peek(tx)
        tables = db.rows("SELECT to_regclass('alert_keys') IS NULL")
        kinds = db.rows("SELECT DISTINCT pg_typeof(type)::text FROM change_events")
        empty = db.rows("SELECT count(*) FROM change_events WHERE detail IS NULL")
        named = db.rows("SELECT DISTINCT category FROM change_events WHERE category !~ '^[0-9]+$'")
        found = tx.alerts.find_by_keys(frozenset({TWIN_A}))
        one = tx.alerts.find_by_keys(frozenset({"k:4"}))
        stored = tx.alerts.get_many([r.id for r in alerts])
        listed = [[a.id for a in tx.alerts.list(AlertFilter(category=r.category))] for r in alerts]
    assert tables == [(True,)] and kinds == [("smallint",)]
    assert empty == [(sum(1 for e in events if not e.detail),)] and named == [("not-a-category",)]
    assert [e.id for e in found] == [r.id for r in alerts if TWIN_A in r.keys]
    assert [e.id for e in one] == [alerts[4].id]
    assert stored == {r.id: r for r in alerts}
    assert listed == [[r.id] for r in alerts]  # one alert of each of six categories
    with old_postgres.transaction() as tx:  # the feed goes on where it was
        assert tx.outbox.append(events[-1]) == last + 1
    assert old_postgres.events_after(last)[0] == replace(events[-1], seq=last + 1)


@pytest.mark.postgres
def test_0029_refuses_a_category_that_would_read_as_a_number(
    old_postgres: PostgresStore,
) -> None:
    with old_postgres.transaction() as tx:
        peek(tx).run(
            "INSERT INTO change_events (at, type, alert_id, issuing_state, category, version, "
            "detail) VALUES (now(), 'alert.issued', '\\x00'::bytea, 'DE', '12', 1, '{}')"
        )
    with pytest.raises(psycopg.errors.RaiseException, match="would read as a number"):
        old_postgres.migrate()
