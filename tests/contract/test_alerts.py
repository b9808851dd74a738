"""The alert aggregate's tables on every adapter (run once per store via ``store``):
alerts and their match keys, flags, links, misused identities and the outbox.

Records are built directly: the store treats bodies as opaque bytes and keys as
opaque strings, so no alert content is needed here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from limes.domain.alerts import AlertStatus, Flag, FlagStatus
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent
from limes.errors import VersionMismatch
from limes.store.port import AlertFilter, AlertRecord, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
US = timedelta(microseconds=1)


def record(alert_id: str, **changes: object) -> AlertRecord:
    base = AlertRecord(
        id=alert_id,
        category="arrest",
        object_type=None,
        subject="person",
        issuing_state="DE",
        status=AlertStatus.ACTIVE,
        version=1,
        created_at=T0,
        updated_at=T0,
        expires_at=T0 + timedelta(days=5 * 365),
        body=b'{"opaque": "\x00\xff"}' + alert_id.encode(),
        keys=frozenset({f"person:{alert_id.lower()}"}),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def event(alert_id: str, kind: str = "alert.issued", **detail: str) -> ChangeEvent:
    return ChangeEvent(kind, alert_id, "DE", "arrest", 1, T0, detail)


def insert(store: Store, *records: AlertRecord) -> None:
    with store.transaction() as tx:
        for r in records:
            tx.alerts.insert(r)


def get(store: Store, alert_id: str) -> AlertRecord | None:
    with store.read() as tx:
        return tx.alerts.get(alert_id)


# -- alerts ------------------------------------------------------------------------------


def test_insert_and_get_round_trip(store: Store) -> None:
    full = record(
        "A1",
        object_type="motor_vehicle",
        keys=frozenset({"vin::1M8GDM9AXKP042788", "plate:FR:AB123CD"}),
        extensions=b"[1,2,3]",
        warned_at=T0 + timedelta(days=1, microseconds=7),
    )
    bare = record("A2", keys=frozenset(), body=None)
    insert(store, full, bare)

    assert get(store, "A1") == full
    assert get(store, "A2") == bare
    assert get(store, "missing") is None
    with store.transaction() as tx:
        assert tx.alerts.get("A1", for_update=True) == full


def test_timestamps_come_back_in_utc_with_microseconds(store: Store) -> None:
    cest = timezone(timedelta(hours=2))
    moment = datetime(2026, 7, 1, 12, 0, 0, 999999, tzinfo=cest)
    insert(store, record("A1", created_at=moment, updated_at=moment, expires_at=moment))
    got = get(store, "A1")
    assert got is not None
    for value in (got.created_at, got.updated_at, got.expires_at):
        assert value == moment
        assert value.utcoffset() == timedelta(0)
        assert value.microsecond == 999999


def test_replace_with_the_expected_version(store: Store) -> None:
    insert(store, record("A1"))
    new = record("A1", version=2, updated_at=T0 + US, body=b"new", keys=frozenset({"k:new"}))
    with store.transaction() as tx:
        tx.alerts.replace(new, expected_version=1)
    assert get(store, "A1") == new
    with store.read() as tx:
        assert tx.alerts.find_by_keys(frozenset({"person:a1"})) == []
        assert [a.id for a in tx.alerts.find_by_keys(frozenset({"k:new"}))] == ["A1"]


def test_replace_with_a_stale_version_changes_nothing(store: Store) -> None:
    original = record("A1")
    insert(store, original)
    stale = record("A1", version=3, body=b"lost", keys=frozenset({"k:lost"}))
    with pytest.raises(VersionMismatch), store.transaction() as tx:
        tx.alerts.replace(stale, expected_version=2)
    assert get(store, "A1") == original


def test_find_by_keys_returns_active_alerts_each_once(store: Store) -> None:
    insert(
        store,
        record("A1", keys=frozenset({"k1", "k2"})),
        record("A2", keys=frozenset({"k2"}), category="person_check", issuing_state="FR"),
        record("A3", keys=frozenset({"k1"}), status=AlertStatus.EXPIRED),
        record("A4", keys=frozenset({"k3"})),
    )
    with store.read() as tx:
        assert tx.alerts.find_by_keys(frozenset({"k1", "k2"})) == [
            ExistingAlert("A1", CategoryCode.ARREST, "DE"),
            ExistingAlert("A2", CategoryCode.PERSON_CHECK, "FR"),
        ]
        assert tx.alerts.find_by_keys(frozenset()) == []
        assert tx.alerts.find_by_keys(frozenset({"nothing"})) == []


def test_list_filters(store: Store) -> None:
    insert(
        store,
        record("A1"),
        record("A2", issuing_state="FR"),
        record("A3", category="object_seizure", subject="object", object_type="firearm"),
        record("A4", category="object_seizure", subject="object", object_type="boat"),
        record("A5", status=AlertStatus.DELETED, body=None),
    )

    def ids(**where: object) -> list[str]:
        with store.read() as tx:
            return [r.id for r in tx.alerts.list(AlertFilter(**where))]  # type: ignore[arg-type]

    assert ids() == ["A1", "A2", "A3", "A4"]
    assert ids(status=None) == ["A1", "A2", "A3", "A4", "A5"]
    assert ids(status=AlertStatus.DELETED) == ["A5"]
    assert ids(issuing_state="FR") == ["A2"]
    assert ids(category="object_seizure") == ["A3", "A4"]
    assert ids(category="object_seizure", object_type="boat") == ["A4"]
    assert ids(category="travel_ban") == []
    with store.read() as tx:  # list leaves keys out; only get loads them
        expected = record("A2", issuing_state="FR", keys=frozenset())
        assert tx.alerts.list(AlertFilter(issuing_state="FR")) == [expected]


def test_list_pages_with_a_cursor(store: Store) -> None:
    all_ids = [f"A{i:02d}" for i in range(11)]
    insert(store, *(record(i) for i in reversed(all_ids)))
    seen: list[str] = []
    after = None
    while True:
        with store.read() as tx:
            page = tx.alerts.list(AlertFilter(after=after, limit=4))
        seen += [r.id for r in page]
        if len(page) < 4:
            break
        after = page[-1].id
    assert seen == all_ids


def test_expiring_before_is_inclusive_and_ordered(store: Store) -> None:
    due = T0 + timedelta(days=30)
    insert(
        store,
        record("A1", expires_at=due),
        record("A2", expires_at=due - timedelta(days=1)),
        record("A3", expires_at=due + US),
        record("A4", expires_at=due - timedelta(days=2), status=AlertStatus.EXPIRED),
        record("A5", expires_at=due - timedelta(days=3), warned_at=T0),
    )
    with store.read() as tx:
        assert tx.alerts.expiring_before(due, 10) == ["A5", "A2", "A1"]
        assert tx.alerts.expiring_before(due - US, 10) == ["A5", "A2"]
        assert tx.alerts.expiring_before(due, 2) == ["A5", "A2"]
        assert tx.alerts.unwarned_expiring_before(due, 10) == ["A2", "A1"]
        assert tx.alerts.unwarned_expiring_before(due + US, 1) == ["A2"]


# -- flags, links, misused identities -----------------------------------------------------


def test_flags_put_get_and_overwrite(store: Store) -> None:
    insert(store, record("A1"))
    fr = Flag("FR", FlagStatus.REQUESTED, "national law forbids arrest", T0)
    be = Flag("BE", FlagStatus.REQUESTED, "pending asylum case", T0 + US)
    with store.transaction() as tx:
        tx.flags.put("A1", fr)
        tx.flags.put("A1", be)
    granted = replace(fr, status=FlagStatus.GRANTED, decided_at=T0 + 2 * US, decision_reason="ok")
    with store.transaction() as tx:
        tx.flags.put("A1", granted)
    with store.read() as tx:
        assert tx.flags.of("A1") == [be, granted]
        assert tx.flags.of("A2") == []


def test_links_are_undirected_and_deduplicated(store: Store) -> None:
    insert(store, record("A"), record("B"), record("C"))
    with store.transaction() as tx:
        assert tx.links.add("B", "A", T0) is True
        assert tx.links.add("A", "B", T0) is False
        assert tx.links.add("B", "A", T0) is False
        assert tx.links.add("A", "C", T0) is True
    with store.read() as tx:
        assert tx.links.of("A") == ["B", "C"]
        assert tx.links.of("B") == ["A"]
        assert tx.links.of("C") == ["A"]
    with store.transaction() as tx:
        assert tx.links.remove("A", "B") is True
        assert tx.links.remove("B", "A") is False
        assert tx.links.add("C", "B", T0) is True
        tx.links.remove_all("C")
    with store.read() as tx:
        assert (tx.links.of("A"), tx.links.of("B"), tx.links.of("C")) == ([], [], [])


def test_misused_identity_put_get_delete(store: Store) -> None:
    insert(store, record("A1"))
    with store.transaction() as tx:
        assert tx.misused_identities.get("A1") is None
        tx.misused_identities.put("A1", b"victim \x00 v1")
    with store.transaction() as tx:
        assert tx.misused_identities.get("A1") == b"victim \x00 v1"
        tx.misused_identities.put("A1", b"victim v2")
    with store.transaction() as tx:
        assert tx.misused_identities.get("A1") == b"victim v2"
        tx.misused_identities.put("A1", None)
    with store.read() as tx:
        assert tx.misused_identities.get("A1") is None


# -- the outbox and transactions -------------------------------------------------------------


def test_append_numbers_events_and_events_after_pages_in_order(store: Store) -> None:
    events = [event(f"A{i}", detail="Ünïcødé ✓", n=str(i)) for i in range(7)]
    assert store.last_event() == 0
    seqs = []
    for e in events:
        with store.transaction() as tx:
            seqs.append(tx.outbox.append(e))
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert store.last_event() == seqs[-1]

    pages, after = [], 0
    while page := store.events_after(after, limit=3):
        pages.append(page)
        after = page[-1].seq
    assert [len(p) for p in pages] == [3, 3, 1]
    got = [e for p in pages for e in p]
    assert got == [replace(e, seq=s) for e, s in zip(events, seqs, strict=True)]
    assert got[0].at.utcoffset() == timedelta(0)
    assert store.events_after(seqs[-1]) == []
    assert store.events_after(seqs[2], limit=100) == got[3:]


# -- many at once: a search opens its hits in few reads (issue 13) ---------------------------


def test_many_alerts_flags_and_links_read_at_once_agree_with_one_by_one(store: Store) -> None:
    insert(store, record("A1"), record("A2", keys=frozenset({"k:1", "k:2"})), record("A3"))
    fr = Flag("FR", FlagStatus.REQUESTED, "national law forbids arrest", T0)
    be = Flag("BE", FlagStatus.GRANTED, "pending asylum case", T0, T0 + US, "ok")
    with store.transaction() as tx:
        tx.flags.put("A1", fr)
        tx.flags.put("A1", be)
        tx.links.add("A2", "A1", T0)
        tx.links.add("A3", "A2", T0)
    asked = ["A3", "A1", "missing", "A2"]
    with store.read() as tx:
        records = tx.alerts.get_many(asked)
        assert records == {i: tx.alerts.get(i) for i in ("A1", "A2", "A3")}
        assert records["A2"].keys == frozenset({"k:1", "k:2"})
        assert tx.flags.of_many(asked) == {"A1": [be, fr]} == {"A1": tx.flags.of("A1")}
        links = tx.links.of_many(asked)
        assert links == {"A1": ["A2"], "A2": ["A1", "A3"], "A3": ["A2"]}
        assert all(links[i] == tx.links.of(i) for i in links)
        assert (tx.alerts.get_many([]), tx.flags.of_many([]), tx.links.of_many([])) == ({}, {}, {})


def test_an_alert_is_read_without_its_keys_for_an_answer(store: Store) -> None:
    """Reading an alert and a search's hits show no match keys: they are not read
    (issue 13); everything else of the record is as read with them."""
    insert(store, record("A1", keys=frozenset({"k:1", "k:2"})), record("A2"))
    with store.read() as tx:
        full = tx.alerts.get("A1")
        bare = tx.alerts.get("A1", keys=False)
        assert full is not None and full.keys == frozenset({"k:1", "k:2"})
        assert bare == replace(full, keys=frozenset())
        assert tx.alerts.get("missing", keys=False) is None
        many = tx.alerts.get_many(["A1", "A2", "missing"], keys=False)
        assert many == {i: tx.alerts.get(i, keys=False) for i in ("A1", "A2")}
        assert all(r.keys == frozenset() for r in many.values())


def test_an_alert_read_for_an_update_is_read_with_its_keys(store: Store) -> None:
    """A record read without its keys written back would drop them (``replace``): a read
    for an update refuses to leave them out."""
    insert(store, record("A1", keys=frozenset({"k:1"})))
    with store.transaction() as tx, pytest.raises(ValueError, match="match keys"):
        tx.alerts.get("A1", for_update=True, keys=False)


def test_many_alerts_are_read_past_one_statements_worth_of_ids(store: Store) -> None:
    ids = [f"B{n:04d}" for n in range(1201)]
    insert(store, *(record(i) for i in ids))
    with store.transaction() as tx:
        tx.flags.put(ids[-1], Flag("FR", FlagStatus.REQUESTED, "why", T0))
        tx.links.add(ids[0], ids[-1], T0)
    with store.read() as tx:
        assert sorted(tx.alerts.get_many(ids)) == ids
        assert list(tx.flags.of_many(ids)) == [ids[-1]]
        assert tx.links.of_many(ids) == {ids[0]: [ids[-1]], ids[-1]: [ids[0]]}
