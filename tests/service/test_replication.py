"""The centre's replication feed: who may read it, what it holds, filters, digests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.service.copy_helpers import centre_site, person, vehicle

from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput, NotFound
from limes.service.replication import CopyFilter
from limes.store.sqlite import SqliteStore

COPY = make_ctx("FR", Role.SYSTEM_CLIENT, purpose=Purpose.OPERATIONS, clearance=None)


def test_system_clients_read_sealed_rows_and_nobody_else(tmp_path: Path, clock: FixedClock) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    alert_id = person(site.limes)
    page = site.limes.replication.page(COPY, 0, 10)
    (item,) = page.items
    assert item.event is not None and item.sealed is not None
    assert item.sealed.record.id == alert_id
    assert b"Ivanova" not in (item.sealed.record.body or b"")  # ciphertext only
    assert item.row_seq == page.position == 1
    for who in (
        make_ctx("FR", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK),
        make_ctx("FR", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS, clearance=None),
        make_ctx("FR", Role.SYSTEM_CLIENT, purpose=Purpose.BORDER_CHECK),
    ):
        with pytest.raises(Forbidden):
            site.limes.replication.page(who, 0, 10)


def test_a_filter_leaves_only_sequence_numbers_outside_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    person(site.limes, "DE")
    vehicle(site.limes, "FR")
    where = CopyFilter.of(object_types=["motor_vehicle"])
    page = site.limes.replication.page(COPY, 0, 10, where)
    assert [(i.seq, i.skipped) for i in page.items] == [(1, True), (2, False)]
    assert page.to_json()["items"][0] == {"seq": 1, "skipped": True}


@pytest.mark.parametrize(("after", "limit"), [(-1, 10), (0, 0), (0, 1001)])
def test_bad_bounds_are_refused(tmp_path: Path, clock: FixedClock, after: int, limit: int) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    with pytest.raises(InvalidInput):
        site.limes.replication.page(COPY, after, limit)


def test_filter_values_are_codes(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        CopyFilter.of(["arrest; DROP"])
    assert CopyFilter.from_json(CopyFilter.of(["arrest"]).to_json()).categories == {"arrest"}
    assert CopyFilter().full


def test_digest_and_leaves(tmp_path: Path, clock: FixedClock) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    alert_id = person(site.limes)
    digest = site.limes.replication.digest(COPY)
    assert digest["seq"] == 1 and digest["partitions"]["DE/arrest"]["count"] == 1
    assert site.limes.replication.digest(COPY) == digest  # kept, not made again
    leaves = site.limes.replication.leaves(COPY, "DE/arrest")
    assert leaves.leaves == [(alert_id, 1, "active", None)]
    with pytest.raises(InvalidInput):
        site.limes.replication.leaves(COPY, "nonsense")


def test_no_signing_key_no_digest(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteStore(tmp_path / "c.db")
    store.migrate()
    limes = built(store, clock)  # its audit log signs nothing
    person(limes)
    assert limes.replication.publish_digest() is None
    with pytest.raises(NotFound):
        limes.replication.digest(COPY)


def test_the_periodic_job_signs_a_digest_only_when_the_feed_moved(
    tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    job = next(j for j in site.limes.jobs if j.name == "completeness digest")
    assert job.run() is None  # an empty feed: nothing to prove
    person(site.limes)
    assert job.run() == "signed the digest at feed position 1"
    assert job.run() is None
