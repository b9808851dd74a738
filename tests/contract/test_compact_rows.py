"""Migration 0023 (issue 15) on a store written before it: SQLite's alert timestamps
become integers, the expiry index holds active alerts only; every alert reads back
as it did, and ``limes keys compact`` then rewrites the old JSON bodies."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tests.conftest import TEST_KEYRING, FixedClock, built, make_ctx
from tests.crypto.helpers import demo_contents, load
from tests.factories import VEHICLE, content
from tests.store_peek import peek

from limes import codec
from limes.bootstrap import Limes
from limes.crypto import open_crypto
from limes.crypto.bodies import is_compact
from limes.domain.roles import Purpose, Role
from limes.domain.sealed_fields import SealedField
from limes.store import migrations
from limes.store.port import AlertFilter, AlertRecord, Store
from limes.store.sqlite import SqliteStore

CUSTODIAN = make_ctx("EU", Role.KEY_CUSTODIAN, purpose=Purpose.OPERATIONS)


def _before_0023(dialect: str) -> list[tuple[str, str]]:
    return [(v, sql) for v, sql in migrations.scripts(dialect) if v < "0023"]


def _records(store: Store) -> list[AlertRecord]:
    with store.read() as tx:
        ids = [r.id for r in tx.alerts.list(AlertFilter(status=None, limit=500))]
        return sorted(tx.alerts.get_many(ids).values(), key=lambda r: r.id)


def _services(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock, crypto=open_crypto(store, TEST_KEYRING, clock=clock))


def _old_store(path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> SqliteStore:
    """A store as Limes wrote it before issue 15: schema up to 0022, text timestamps,
    JSON bodies; one alert warned of its expiry, one deleted (no body)."""
    store = SqliteStore(path)
    with monkeypatch.context() as old:
        old.setattr("limes.store.sqlite.scripts", _before_0023)
        old.setattr("limes.store.alerts.at_in", lambda d, value: d.ts_in(value))
        old.setattr("limes.service.bulk_records.encode_body", codec.encode)
        store.migrate()
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


def _fields(record: AlertRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}


def test_0023_converts_an_old_sqlite_store(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _old_store(tmp_path / "limes.db", clock, monkeypatch)
    before = _records(store)
    with store.read() as tx:
        (kind,) = peek(tx).rows("SELECT DISTINCT typeof(created_at) FROM alerts")[0]
    assert kind == "text" and any(r.warned_at for r in before) and any(not r.body for r in before)

    events, last = store.events_after(0, 1000), store.last_event()
    # the two rebuilds first; later migrations (0025 on) come after them
    assert store.migrate()[:2] == ["0023_compact_alerts", "0024_compact_change_events"]
    assert _records(store) == before  # every field, microseconds included
    assert store.events_after(0, 1000) == events and store.last_event() == last
    with store.read() as tx:
        kinds = peek(tx).rows("SELECT DISTINCT typeof(created_at), typeof(expires_at) FROM alerts")
        kinds += peek(tx).rows("SELECT DISTINCT typeof(at), typeof(at) FROM change_events")
        plan = peek(tx).rows(
            "EXPLAIN QUERY PLAN SELECT id FROM alerts WHERE status = 'active' AND "
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
