"""National copies end to end on two SQLite stores: the centre behind its HTTP door, a
copy filling itself through ``GET /v1/feed`` (``copy_helpers.py``).

What each test tries to break: the copy follows every kind of change; repeats,
reordering and holes never corrupt it; a partial copy holds nothing outside its filter;
``verify`` names an alert removed by hand; the copy refuses writes; it answers searches
with the centre down and says how old its data is.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from tests.conftest import FixedClock
from tests.factories import content
from tests.service.copy_helpers import (
    Site,
    centre_site,
    copy_of,
    deliver,
    guard,
    installation,
    person,
    person_data,
    sirene,
    sqlite_path,
    vehicle,
)

from limes.bootstrap import Limes
from limes.domain.alerts import AlertStatus, FlagStatus
from limes.errors import Forbidden
from limes.feed.centre import CentreUnreachable
from limes.feed.centres import CentreList
from limes.search.query import PersonQuery
from limes.service.jobs import SYSTEM
from limes.service.replication import CopyFilter
from limes.store.alert_ids import id_in
from limes.store.port import Store
from limes.store.sqlite import SqliteStore


@pytest.fixture
def centre(tmp_path: Path, clock: FixedClock) -> Site:
    return centre_site(SqliteStore(tmp_path / "centre.db"), clock)


def a_copy(
    site: Site, tmp_path: Path, clock: FixedClock, name: str = "copy", **where: object
) -> Limes:
    return copy_of(site, SqliteStore(tmp_path / f"{name}.db"), clock, **where)


def record(limes: Limes, alert_id: str):  # type: ignore[no-untyped-def]
    with limes.store.read() as tx:
        return tx.alerts.get(alert_id)


def test_a_copy_follows_issue_update_delete_expire_and_flag(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    copy = a_copy(centre, tmp_path, clock)
    kept = person(centre.limes, reference="BKA-1", surname="Ivanova")
    changed = person(centre.limes, reference="BKA-2", surname="Kowalska")
    gone = person(centre.limes, reference="BKA-3", surname="Novak")
    data = person_data("BKA-2", "Kowalska")
    data["reason"] = "Armed robbery, two counts"
    centre.limes.alerts.update(sirene(), changed, content(data), 1)
    centre.limes.alerts.delete(sirene(), gone, 1)
    centre.limes.relations.request_flag(sirene("FR"), kept, "not executable under our law")
    copy.copies.catch_up(centre.feed())
    deliver(centre, copy, "DE")

    for alert_id in (kept, changed, gone):
        ours, theirs = record(copy, alert_id), record(centre.limes, alert_id)
        assert ours == theirs  # the same sealed rows, byte for byte
    assert record(copy, gone).status is AlertStatus.DELETED
    assert record(copy, gone).body is None
    with copy.store.read() as tx:
        assert [f.status for f in tx.flags.of(kept)] == [FlagStatus.REQUESTED]
    # the copy opens what it holds with its keys: a border guard reads the alert there
    assert copy.alerts.get(guard(), kept).alert.id == kept

    clock.advance(days=4000)
    centre.limes.alerts.expire_due(SYSTEM)
    copy.copies.catch_up(centre.feed())
    assert record(copy, kept).status is AlertStatus.EXPIRED
    assert copy.copies.position() == centre.limes.store.last_event()


def test_repeats_reordering_and_holes_never_corrupt_the_copy(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    ids = [person(centre.limes, reference=f"BKA-{i}") for i in range(8)]
    centre.limes.alerts.delete(sirene(), ids[0], 1)
    items, _ = centre.feed().page(0, 100, CopyFilter())
    copy = a_copy(centre, tmp_path, clock)
    shuffled = items[2:] + items[2:]  # every item twice, the first two missing
    random.Random(7).shuffle(shuffled)
    centre.calls.clear()

    receipt = copy.copies.receive(shuffled, centre.feed())

    assert receipt.filled == 2  # the hole, fetched from the feed endpoint
    assert any(call.startswith("/v1/feed?after=0") for call in centre.calls)
    assert receipt.duplicates == len(items) - 2
    assert copy.copies.position() == items[-1].seq
    assert record(copy, ids[0]).status is AlertStatus.DELETED  # never brought back
    # an old item again, long after: ignored
    again = copy.copies.receive(items[:3])
    assert (again.applied, again.duplicates) == (0, 3)
    assert all(record(copy, i) == record(centre.limes, i) for i in ids)


def test_a_hole_the_centre_cannot_fill_stays_open_and_is_filled_later(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    for i in range(4):
        person(centre.limes, reference=f"BKA-{i}")
    items, _ = centre.feed().page(0, 100, CopyFilter())
    copy = a_copy(centre, tmp_path, clock)
    centre.up = False
    receipt = copy.copies.receive(items[2:], centre.feed())
    assert (receipt.applied, receipt.pending) == (0, [3, 4])
    centre.up = True
    assert copy.copies.receive(items[3:], centre.feed()).applied == 4
    assert copy.copies.position() == 4


def test_a_partial_copy_holds_nothing_outside_its_filter(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    de_person = person(centre.limes, "DE", "BKA-1")
    fr_person = person(centre.limes, "FR", "FR-1")
    fr_vehicle = vehicle(centre.limes, "FR", "FR-V")
    copy = a_copy(centre, tmp_path, clock, states=["FR"], categories=["arrest"])
    copy.copies.catch_up(centre.feed())

    assert record(copy, fr_person) == record(centre.limes, fr_person)
    assert record(copy, de_person) is None
    assert record(copy, fr_vehicle) is None
    # not even its events: the copy's own outbox names only what it holds
    assert {e.alert_id for e in copy.store.events_after(0, 100)} == {fr_person}
    # and the centre never sent the rows outside the filter
    page, _ = centre.feed().page(0, 100, copy.copies.filter())
    assert [i.skipped for i in page] == [True, False, True]
    assert copy.copies.position() == 3


def test_verify_names_an_alert_removed_from_the_copy_by_hand(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    ids = [person(centre.limes, reference=f"BKA-{i}") for i in range(5)]
    vehicle(centre.limes, "FR", "FR-V")
    copy = a_copy(centre, tmp_path, clock)
    copy.copies.catch_up(centre.feed())
    assert copy.copies.verify(centre.feed(), centre.public_pem).complete

    with sqlite3.connect(sqlite_path(copy.store)) as db:
        db.execute("DELETE FROM alerts WHERE id = ?", (id_in(ids[2]),))
    report = copy.copies.verify(centre.feed(), centre.public_pem)

    assert not report.complete
    assert report.signature_valid
    assert [(d.alert_id, d.to_json()["kind"]) for d in report.differences] == [(ids[2], "missing")]
    assert report.partitions_differing == ["DE/arrest"]


def test_verify_refuses_a_digest_signed_by_another_key(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    person(centre.limes)
    copy = a_copy(centre, tmp_path, clock)
    other = centre_site(SqliteStore(tmp_path / "other.db"), clock)
    report = copy.copies.verify(centre.feed(), other.public_pem)
    assert not report.signature_valid and not report.complete


def test_a_copy_refuses_every_write(centre: Site, tmp_path: Path, clock: FixedClock) -> None:
    copy = a_copy(centre, tmp_path, clock)
    with pytest.raises(Forbidden, match="national copy"):
        person(copy)
    with pytest.raises(Forbidden, match="national copy"):
        copy.alerts.expire_due(SYSTEM)
    assert copy.store.count() == 0


def test_the_copy_answers_searches_with_the_centre_down_and_says_how_old(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    wanted = person(centre.limes, reference="BKA-1", surname="Ivanova")
    copy = a_copy(centre, tmp_path, clock)
    copy.copies.catch_up(centre.feed())
    deliver(centre, copy, "DE")
    copy.search.start(follow=False)
    recorded = copy.audit.size()
    centre.up = False
    clock.advance(timedelta(hours=3))

    with pytest.raises(CentreUnreachable):
        copy.copies.catch_up(centre.feed())
    answer = copy.search.persons(guard(), PersonQuery(surnames=("Ivanova",)))
    assert [h.view.alert.id for h in answer.hits] == [wanted]
    as_of = copy.copies.as_of()
    assert as_of.position == centre.limes.store.last_event()
    assert as_of.age_seconds == 3 * 3600
    assert copy.copies.status()["as_of"]["age_seconds"] == 3 * 3600
    # the copy's own audit log recorded the search
    assert copy.audit.size() > recorded


def test_a_rotation_at_the_centre_reaches_the_copy_with_the_next_package(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    from tests.service.copy_helpers import custodian

    from limes.crypto.keys import IntegrityError

    before = person(centre.limes, reference="BKA-1")
    copy = a_copy(centre, tmp_path, clock)
    # before any delivery the copy holds the ciphertext and cannot open it
    copy.copies.catch_up(centre.feed())
    with pytest.raises(IntegrityError):
        copy.alerts.get(guard(), before)
    deliver(centre, copy, "DE")
    assert copy.alerts.get(guard(), before).alert.id == before

    assert centre.limes.keys.rotate_data_keys(custodian()) == (("DE", 2),)
    after = person(centre.limes, reference="BKA-2")
    copy.copies.catch_up(centre.feed())
    with pytest.raises(IntegrityError, match="DE version 2"):
        copy.alerts.get(guard(), after)  # fails closed until the custodians deliver
    deliver(centre, copy, "DE")
    assert copy.alerts.get(guard(), after).alert.id == after
    with copy.store.read() as tx:  # wrapped by the copy's own KEK, never the centre's
        kek_ids = {tx.data_keys.wrapped("DE", v).kek_id for v in (1, 2)}  # type: ignore[union-attr]
    assert kek_ids == {copy.crypto.kek.active_id()} != {centre.limes.crypto.kek.active_id()}


def test_a_postgresql_centre_feeds_a_copy_and_verify_finds_it_complete(
    postgres_store: Store, tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(postgres_store, clock)
    ids = [person(site.limes, reference=f"PG-{i}") for i in range(4)]
    site.limes.alerts.delete(sirene(), ids[0], 1)
    vehicle(site.limes, "FR", "FR-V")
    copy = a_copy(site, tmp_path, clock)
    copy.copies.catch_up(site.feed())
    assert all(record(copy, i) == record(site.limes, i) for i in ids)
    report = copy.copies.verify(site.feed(), site.public_pem)
    assert report.complete, report.to_json()
    assert report.partitions_checked == 2


def test_verify_of_a_partial_copy_checks_alert_by_alert_within_its_filter(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    person(centre.limes, "FR", "FR-1")
    wanted = vehicle(centre.limes, "FR", "FR-V")
    copy = a_copy(centre, tmp_path, clock, object_types=["motor_vehicle"])
    copy.copies.catch_up(centre.feed())
    assert copy.copies.verify(centre.feed(), centre.public_pem).complete
    with sqlite3.connect(sqlite_path(copy.store)) as db:
        db.execute("DELETE FROM alerts WHERE id = ?", (id_in(wanted),))
    report = copy.copies.verify(centre.feed(), centre.public_pem)
    assert [(d.alert_id, d.partition) for d in report.differences] == [
        (wanted, "FR/object_seizure")
    ]


def test_a_copy_follows_the_promoted_server_and_never_the_fenced_old_primary(
    tmp_path: Path, clock: FixedClock
) -> None:
    first = centre_site(SqliteStore(tmp_path / "centre.db"), clock)
    person(first.limes, reference="BKA-1")
    # the promoted standby: a second server holding the same register
    second = centre_site(SqliteStore(tmp_path / "centre.db"), clock)
    copy = installation(SqliteStore(tmp_path / "copy.db"), clock)
    urls = ["https://centre-a.test", "https://centre-b.test"]
    copy.copies.begin(urls, CopyFilter())

    def client() -> CentreList:
        listed, current = copy.copies.centres()
        servers = dict(zip(urls, (first.feed(), second.feed()), strict=True))
        return CentreList([(u, servers[u]) for u in listed], current, copy.copies.remember_centre)

    assert copy.copies.status()["centre"] == urls[0]
    first.up = False  # the primary is down: the copy follows from the second
    assert copy.copies.catch_up(client()).applied == 1
    assert copy.copies.status()["centres"] == urls
    assert copy.copies.status()["centre"] == urls[1]  # remembered in the copy's state

    first.up, first.fenced = True, True  # the old primary comes back, fenced
    first.calls.clear()
    person(second.limes, reference="BKA-2")
    assert copy.copies.catch_up(client()).applied == 1
    assert first.calls == []  # the remembered one answers: the old primary is not asked
    second.up = False
    with pytest.raises(CentreUnreachable, match="central-fenced"):
        copy.copies.catch_up(client())  # the fenced one is passed over, never read
    assert copy.copies.position() == 2 and copy.copies.status()["centre"] == urls[1]
