"""The centre's replication feed: who may read it, what it holds, filters, digests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.service.copy_helpers import COPY_USER, centre_site, operator, person, vehicle

from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.service.replication import CopyFilter
from limes.store.sqlite import SqliteStore

COPY = make_ctx(
    "FR", Role.SYSTEM_CLIENT, purpose=Purpose.OPERATIONS, clearance=None, user=COPY_USER
)


def client(user: str, state: str) -> Context:
    return make_ctx(
        state, Role.SYSTEM_CLIENT, purpose=Purpose.OPERATIONS, clearance=None, user=user
    )


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


# -- the filter enforced at the centre: each client bound to its copy's filter -----------


def test_two_copies_each_get_only_what_their_binding_holds(
    tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    german = person(site.limes, "DE")
    french = vehicle(site.limes, "FR")
    rep = site.limes.replication
    rep.bind(operator(), "copy-de", CopyFilter.of(states=["DE"]))
    rep.bind(operator(), "copy-vehicles", CopyFilter.of(object_types=["motor_vehicle"]))
    de, vehicles = client("copy-de", "DE"), client("copy-vehicles", "FR")

    page = rep.page(de, 0, 10, CopyFilter.of(states=["DE"]))
    assert [i.sealed.record.id for i in page.items if i.sealed] == [german]
    page = rep.page(vehicles, 0, 10, CopyFilter.of(object_types=["motor_vehicle"]))
    assert [i.sealed.record.id for i in page.items if i.sealed] == [french]
    narrower = CopyFilter.of(["arrest"], states=["DE"])  # within the binding: allowed
    assert rep.page(de, 0, 10, narrower).items[0].sealed is not None

    for who, asked in (
        (de, None),  # the whole feed
        (de, CopyFilter.of(states=["DE", "FR"])),  # a state beyond it
        (de, CopyFilter.of(["arrest"])),  # no state named: every state
        (vehicles, CopyFilter.of(states=["FR"])),  # every object type of FR
    ):
        with pytest.raises(Forbidden, match="is bound to"):
            rep.page(who, 0, 10, asked)
    assert rep.leaves(vehicles, "DE/arrest").leaves == []
    assert [leaf[0] for leaf in rep.leaves(de, "DE/arrest").leaves] == [german]


def test_a_client_bound_to_no_filter_is_refused_everything(
    tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    person(site.limes)
    stranger = client("copy-unknown", "FR")
    with pytest.raises(Forbidden, match="bound to no copy filter"):
        site.limes.replication.page(stranger, 0, 10)
    with pytest.raises(Forbidden, match="bound to no copy filter"):
        site.limes.replication.leaves(stranger, "DE/arrest")


def test_binding_is_for_operators_and_names_an_account(tmp_path: Path, clock: FixedClock) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    rep = site.limes.replication
    with pytest.raises(Forbidden):
        rep.bind(COPY, COPY_USER, CopyFilter())  # a client never binds itself
    with pytest.raises(InvalidInput, match="not an account name"):
        rep.bind(operator(), "Copy DE!", CopyFilter())
    with site.limes.store.read() as tx:
        assert tx.copies.binding("Copy DE!") is None
    assert rep.bind(operator(), "copy-de", CopyFilter.of(states=["DE"])) == {
        "client": "copy-de",
        "filter": {"categories": [], "object_types": [], "states": ["DE"]},
        "audit_key": False,
    }
    rep.bind(operator(), "copy-de", CopyFilter.of(states=["AT"]))  # replaced, not added
    with site.limes.store.read() as tx:
        assert tx.copies.binding("copy-de") == (
            '{"categories":[],"object_types":[],"states":["AT"]}'
        )
