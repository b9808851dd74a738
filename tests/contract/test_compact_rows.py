"""Migrations 0023 and 0026 (issue 15) on stores written before them: SQLite's alert
timestamps become integers, the expiry index holds active alerts only, match keys
become bytes packed into their alert's row; every alert and event reads back as it
did, and ``limes keys compact`` then rewrites the old JSON bodies."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql as pgsql
from tests.conftest import TEST_KEYRING, FixedClock, built, make_ctx
from tests.crypto.helpers import demo_contents, load
from tests.factories import PERSON, VEHICLE, content, doc
from tests.store_peek import peek

from limes import codec
from limes.bootstrap import Limes
from limes.crypto import open_crypto
from limes.crypto.bodies import is_compact
from limes.domain.events import ChangeEvent, EventType
from limes.domain.roles import Purpose, Role
from limes.domain.sealed_fields import SealedField
from limes.errors import Conflict
from limes.store import migrations
from limes.store.alert_ids import id_in, id_out
from limes.store.alerts import at_in
from limes.store.event_codes import (
    CATEGORY_CODES,
    event_type,
    object_type_of,
    status_of,
    stored_category,
    subject_of,
)
from limes.store.match_key_bytes import key_out
from limes.store.port import AlertFilter, AlertRecord, Store
from limes.store.postgres import PostgresStore
from limes.store.sqlite import SqliteStore

CUSTODIAN = make_ctx("EU", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS)


def _before(version: str) -> Callable[[str], list[tuple[str, str]]]:
    return lambda dialect: [(v, sql) for v, sql in migrations.scripts(dialect) if v < version]


def _records(store: Store) -> list[AlertRecord]:
    with store.read() as tx:
        ids = [r.id for r in tx.alerts.list(AlertFilter(status=None, limit=500))]
        return sorted(tx.alerts.get_many(ids).values(), key=lambda r: r.id)


def _services(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock, crypto=open_crypto(store, TEST_KEYRING, clock=clock))


def _made(path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> SqliteStore:
    """A store of today's schema with what an old one held: JSON bodies (as sealed before
    issue 15); one alert warned of its expiry, one deleted (no body)."""
    store = SqliteStore(path)
    store.migrate()
    with monkeypatch.context() as old:
        old.setattr("limes.service.bulk_records.encode_body", codec.encode)
        s = _services(store, clock)
        load(s.alerts, demo_contents(4, 12, seed=11))
    first, second = (r.id for r in _records(store)[:2])
    with store.transaction() as tx:  # as the expiry run would have marked it
        record = tx.alerts.get(first)
        assert record is not None
        warned = record.__class__(**{**_fields(record), "warned_at": clock() + timedelta(1)})
        tx.alerts.replace(warned, record.version)
    owner = make_ctx(_records(store)[1].issuing_state)
    s.alerts.delete(owner, second, expected_version=1)
    return store


def _micros_as_text(column: str) -> str:
    """SQL: the ISO 8601 text Limes wrote before 0023 for integer microseconds."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', "
        f"{column} / 1000000, 'unixepoch') || printf('.%06d+00:00', {column} % 1000000) END"
    )


def _older(made: Path, path: Path, before: str, monkeypatch: pytest.MonkeyPatch) -> SqliteStore:
    """A store with the schema before migration ``before`` (0027 at the latest) holding
    what the store at ``made`` holds, in that schema's row formats (text timestamps
    before 0023, match keys as text and no keys in the alert's row before 0026, event
    types by name and empty details as '{}' before 0027)."""
    store = SqliteStore(path)
    with monkeypatch.context() as old:
        old.setattr("limes.store.sqlite.scripts", _before(before))
        store.migrate()
    store.close()
    ts = _micros_as_text if before <= "0023" else (lambda column: column)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("key_text", 1, key_out)
    conn.create_function("event_type", 1, event_type)
    conn.create_function("category", 1, stored_category)
    conn.create_function("alert_id", 1, id_out)
    conn.create_function("object_type", 1, object_type_of)
    conn.create_function("subject", 1, subject_of)
    conn.create_function("status", 1, lambda code: status_of(code).value)
    try:
        conn.execute("ATTACH ? AS made", (str(made),))
        conn.execute("BEGIN")
        conn.execute("INSERT INTO data_keys SELECT * FROM made.data_keys")
        conn.execute(
            "INSERT INTO alerts (id, category, object_type, subject, issuing_state, status, "  # noqa: S608 - constant SQL
            "version, created_at, updated_at, expires_at, warned_at, body, extensions) "
            "SELECT alert_id(id), category(category), object_type(object_type), "
            "subject(subject), issuing_state, status(status), version, "
            f"{ts('created_at')}, {ts('updated_at')}, {ts('expires_at')}, {ts('warned_at')}, "
            "body, extensions FROM made.alerts"
        )
        conn.execute(
            "INSERT INTO alert_keys (key, alert_id) SELECT key_text(key), alert_id(alert_id) "
            "FROM made.alert_keys"
        )
        conn.execute(
            "INSERT INTO change_events SELECT seq, "  # noqa: S608 - constant SQL
            f"{ts('at')}, event_type(type), alert_id(alert_id), issuing_state, category(category), "
            "version, "
            "COALESCE(detail, '{}') "
            "FROM made.change_events"
        )
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'change_events'")
        conn.execute(
            "INSERT INTO sqlite_sequence SELECT * FROM made.sqlite_sequence "
            "WHERE name = 'change_events'"
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return SqliteStore(path)


def _fields(record: AlertRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}


def test_0023_converts_an_old_sqlite_store(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _made(tmp_path / "made.db", clock, monkeypatch)
    before, events, last = _records(made), made.events_after(0, 1000), made.last_event()
    made.close()
    store = _older(tmp_path / "made.db", tmp_path / "limes.db", "0023", monkeypatch)
    with store.read() as tx:
        (kind,) = peek(tx).rows("SELECT DISTINCT typeof(created_at) FROM alerts")[0]
    assert kind == "text" and any(r.warned_at for r in before) and any(not r.body for r in before)
    assert store.events_after(0, 1000) == events and store.last_event() == last

    assert store.migrate() == [
        "0023_compact_alerts",
        "0024_compact_change_events",
        "0025_read_ledger_by_first_read",
        "0026_compact_match_keys",
        "0027_compact_change_event_types",
        "0028_compact_alert_ids",
        "0029_compact_postgres_rows",
        "0030_prefix_indexes_and_lean_events",
    ]
    assert _records(store) == before  # every field, microseconds included
    assert store.events_after(0, 1000) == events and store.last_event() == last
    with store.read() as tx:
        kinds = peek(tx).rows("SELECT DISTINCT typeof(created_at), typeof(expires_at) FROM alerts")
        kinds += peek(tx).rows("SELECT DISTINCT typeof(at), typeof(at) FROM change_events")
        plan = peek(tx).rows(
            "EXPLAIN QUERY PLAN SELECT id FROM alerts WHERE status = 0 AND "
            "expires_at <= ? ORDER BY expires_at LIMIT 5",
            (0,),
        )
        due = tx.alerts.expiring_before(max(r.expires_at for r in before), 100)
        warned = tx.alerts.unwarned_expiring_before(max(r.expires_at for r in before), 100)
    assert kinds == [("integer", "integer")] * 2
    assert any("alerts_by_expiry" in str(step) for step in plan)
    active = {r.id for r in before if r.status == "active"}
    assert set(due) == active and set(warned) == active - {before[0].id}

    s = _services(store, clock)
    assert s.keys.compact_bodies(CUSTODIAN).rewritten == len([r for r in before if r.body])
    for record in _records(store):
        if record.body:
            plain = s.crypto.fields.open(
                record.issuing_state, record.id, SealedField.BODY, record.body
            )
            assert is_compact(plain)
    s.alerts.issue(make_ctx("DE"), content(VEHICLE))  # the feed goes on where it was
    assert store.last_event() == last + 1 and store.events_after(last)[0].seq == last + 1
    store.close()


def test_0026_packs_the_match_keys_of_an_old_sqlite_store(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _made(tmp_path / "made.db", clock, monkeypatch)
    before, events, last = _records(made), made.events_after(0, 1000), made.last_event()
    made.close()
    store = _older(tmp_path / "made.db", tmp_path / "limes.db", "0026", monkeypatch)
    with store.read() as tx:
        old_keys = peek(tx).rows("SELECT DISTINCT typeof(key) FROM alert_keys")
    assert old_keys == [("text",)] and sum(len(r.keys) for r in before) > len(before)

    assert store.migrate() == [
        "0026_compact_match_keys",
        "0027_compact_change_event_types",
        "0028_compact_alert_ids",
        "0029_compact_postgres_rows",
        "0030_prefix_indexes_and_lean_events",
    ]
    assert _records(store) == before  # every field, the keys included
    assert store.events_after(0, 1000) == events and store.last_event() == last
    with store.read() as tx:
        stored = peek(tx).rows("SELECT DISTINCT typeof(key), length(key) FROM alert_keys")
        indexes = peek(tx).rows("SELECT name FROM sqlite_schema WHERE tbl_name = 'alert_keys'")
        (count,) = peek(tx).rows("SELECT count(*) FROM alert_keys")[0]
        for record in before:
            if record.status == "active":
                found = tx.alerts.find_by_keys(record.keys)
                assert record.id in {e.id for e in found}
    assert stored == [("blob", 17)] and count == sum(len(r.keys) for r in before)
    assert indexes == [("alert_keys",)]  # no index by alert: the keys are in the row

    s = _services(store, clock)
    s.alerts.issue(make_ctx("DE"), content(PERSON))  # the feed goes on where it was
    assert store.last_event() == last + 1
    with pytest.raises(Conflict):  # the compatibility check finds the new packed keys
        s.alerts.issue(make_ctx("DE"), content(doc(PERSON, national_reference="BKA-2")))
    vehicle = s.alerts.issue(make_ctx("DE"), content(VEHICLE)).alert.id
    vin_only = {**VEHICLE["object"], "identifiers": VEHICLE["object"]["identifiers"][:1]}
    s.alerts.update(make_ctx("DE"), vehicle, content(doc(VEHICLE, object=vin_only)), 1)
    with store.read() as tx:
        updated = tx.alerts.get(vehicle)
        rows = peek(tx).rows("SELECT key FROM alert_keys WHERE alert_id = ?", (id_in(vehicle),))
    assert updated is not None and len(updated.keys) == 1  # the plate's key is gone
    assert {key_out(k) for (k,) in rows} == updated.keys
    store.close()


T0 = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
TOKEN = "i1.0b3XU_p8fliJ7nJayfMKaA"  # an "i1." token: stored as its 16 bytes
OLD_KEYS = {
    "A1": [TOKEN, "person:ivanova|olga|1984-03", "i1.0b3XU_p8fliJ7nJayfMKaB"],  # not canonical
    "A2": [TOKEN],
    "A3": [],
}


def _old_rows(store: Store) -> None:
    """Alerts and match keys in the rows of a store before 0026 (text keys only)."""
    with store.transaction() as tx:
        for alert_id, keys in OLD_KEYS.items():
            peek(tx).run(
                "INSERT INTO alerts (id, category, object_type, subject, issuing_state, status, "
                "version, created_at, updated_at, expires_at, body) "
                "VALUES (?, 'arrest', NULL, 'person', 'DE', 'active', 1, ?, ?, ?, ?)",
                (alert_id, *[at_in(peek(tx).dialect, T0)] * 3, b"sealed"),
            )
            for key in keys:
                peek(tx).run(
                    "INSERT INTO alert_keys (key, alert_id) VALUES (?, ?)", (key, alert_id)
                )


def _check_0026(store: Store) -> None:
    with store.read() as tx:
        found = tx.alerts.get_many(list(OLD_KEYS))
        assert {i: r.keys for i, r in found.items()} == {i: set(k) for i, k in OLD_KEYS.items()}
        assert [e.id for e in tx.alerts.find_by_keys(frozenset({TOKEN}))] == ["A1", "A2"]
        lookalike = frozenset({OLD_KEYS["A1"][2]})
        assert [e.id for e in tx.alerts.find_by_keys(lookalike)] == ["A1"]
        # a token's 17 bytes: in SQLite a row of alert_keys, in PostgreSQL (0029) the
        # alert's own packed keys (alert_keys is gone)
        sizes = peek(tx).rows(
            "SELECT length(key) FROM alert_keys WHERE alert_id = ?"
            if not peek(tx).dialect.postgres_indexes
            else "SELECT length(keys) FROM alerts WHERE id = ?",
            (id_in("A2"),),
        )
    assert sizes == [(17,)]


def test_0026_on_sqlite_keeps_every_form_of_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqliteStore(tmp_path / "limes.db")
    with monkeypatch.context() as old:
        old.setattr("limes.store.sqlite.scripts", _before("0026"))
        store.migrate()
    _old_rows(store)
    assert store.migrate() == [
        "0026_compact_match_keys",
        "0027_compact_change_event_types",
        "0028_compact_alert_ids",
        "0029_compact_postgres_rows",
        "0030_prefix_indexes_and_lean_events",
    ]
    _check_0026(store)
    store.close()


@pytest.mark.postgres
def test_0026_on_postgres_keeps_every_form_of_key(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = f"t_{uuid.uuid4().hex}"
    store = PostgresStore(postgres_url, schema)
    try:
        with monkeypatch.context() as old:
            old.setattr("limes.store.postgres.scripts", _before("0026"))
            store.migrate()
        _old_rows(store)
        assert store.migrate() == [
            "0026_compact_match_keys",
            "0028_compact_alert_ids",
            "0029_compact_postgres_rows",
            "0030_prefix_indexes_and_lean_events",
        ]
        _check_0026(store)
    finally:
        store.close()
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(pgsql.SQL("DROP SCHEMA {} CASCADE").format(pgsql.Identifier(schema)))


def test_0027_numbers_the_event_types_of_an_old_sqlite_store(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _made(tmp_path / "made.db", clock, monkeypatch)
    with made.transaction() as tx:  # one event of every type, some with a detail
        for n, kind in enumerate(EventType):
            detail = {"n": str(n)} if n % 2 else {}
            category = CATEGORY_CODES[n % len(CATEGORY_CODES)] if n % 3 else "not-a-category"
            tx.outbox.append(ChangeEvent(kind, f"A{n}", "DE", category, 1, clock(), detail))
    events, last = made.events_after(0, 1000), made.last_event()
    made.close()
    store = _older(tmp_path / "made.db", tmp_path / "limes.db", "0027", monkeypatch)
    with store.read() as tx:
        old = peek(tx).rows("SELECT DISTINCT typeof(type) FROM change_events")
        empty = peek(tx).rows("SELECT count(*) FROM change_events WHERE detail = '{}'")
    assert old == [("text",)] and empty[0][0] > 0

    assert store.migrate() == [
        "0027_compact_change_event_types",
        "0028_compact_alert_ids",
        "0029_compact_postgres_rows",
        "0030_prefix_indexes_and_lean_events",
    ]
    assert store.events_after(0, 1000) == events and store.last_event() == last
    with store.read() as tx:
        kinds = peek(tx).rows("SELECT DISTINCT typeof(type), typeof(detail) FROM change_events")
        categories = peek(tx).rows("SELECT DISTINCT typeof(category) FROM change_events")
    assert sorted(kinds) == [("integer", "null"), ("integer", "text")]
    assert sorted(categories) == [("integer",), ("text",)]  # "not-a-category" as it was
    with store.transaction() as tx:  # the feed goes on where it was
        assert tx.outbox.append(events[-1]) == last + 1
    assert store.events_after(last)[0].detail == events[-1].detail
    store.close()
