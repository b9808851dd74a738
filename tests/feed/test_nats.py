"""The NATS publisher against the real NATS server (JetStream) at 127.0.0.1:4222.

Skipped with the reason when no server answers there, except where ``CI=true``: CI
runs one, so there the tests fail instead. Each test publishes under a prefix and a
stream of its own, deleted afterwards.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import nats
import orjson
import pytest
from tests.conftest import FixedClock

from limes.domain.events import ChangeEvent
from limes.feed.nats import NatsPublisher, subjects
from limes.store.port import Store
from limes.store.sqlite import SqliteStore

URL = os.environ.get("LIMES_TEST_NATS_URL", "nats://127.0.0.1:4222")
UNREACHABLE = "nats://127.0.0.1:9"  # discard: nothing listens there


def _reachable(url: str) -> bool:
    host, _, port = url.removeprefix("nats://").partition(":")
    try:
        with socket.create_connection((host, int(port or 4222)), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def stream() -> Iterator[tuple[str, str]]:
    """(prefix, stream name) private to the test; the stream is deleted afterwards."""
    if not _reachable(URL):
        message = f"NATS is not reachable at {URL}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    tag = uuid.uuid4().hex[:12]
    yield f"t{tag}.sirene", f"T{tag}"

    async def drop() -> None:
        connection = await nats.connect(URL)
        try:
            await connection.jetstream().delete_stream(f"T{tag}")
        finally:
            await connection.close()

    asyncio.run(drop())


def _stored(name: str) -> list[tuple[str, dict[str, object], str | None]]:
    async def read() -> list[tuple[str, dict[str, object], str | None]]:
        connection = await nats.connect(URL)
        try:
            js = connection.jetstream()
            info = await js.stream_info(name)
            out = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                msg = await js.get_msg(name, seq)
                msg_id = (msg.headers or {}).get("Nats-Msg-Id")
                out.append((msg.subject, orjson.loads(msg.data or b"{}"), msg_id))
            return out
        finally:
            await connection.close()

    return asyncio.run(read())


def _event(kind: str, state: str, **detail: str) -> ChangeEvent:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    return ChangeEvent(kind, "01M8N7C7KGGB56H57VZ1AZRGT4", state, "arrest", 1, at, detail)


def _append(store: Store, *events: ChangeEvent) -> None:
    with store.transaction() as tx:
        for e in events:
            tx.outbox.append(e)


def test_subjects_name_the_state_that_must_act() -> None:
    assert subjects(_event("hit.recorded", "DE", executing_state="FR")) == ["limes.sirene.DE.hit"]
    message = _event("sirene.message", "DE", to_state="FR")
    assert subjects(message) == ["limes.sirene.FR.message"]
    assert subjects(_event("sirene.overdue", "DE", to_state="DE")) == ["limes.sirene.DE.overdue"]
    assert subjects(_event("alert.issued", "DE")) == []


def test_screening_hits_and_identity_links_reach_the_bureau_that_must_act() -> None:
    hit = _event("screening.hit", "DE", profile="etias-screening", external_system="etias")
    assert subjects(hit) == ["limes.sirene.DE.screening"]
    made = _event("identity.link_created", "FR", identity_link="L1", other_id="A")
    assert subjects(made) == ["limes.sirene.FR.identity-link"]
    resolved = _event("identity.link_resolved", "FR", identity_link="L1", to_state="DE")
    assert subjects(resolved) == ["limes.sirene.DE.identity-link-resolved"]
    overdue = _event("identity.link_overdue", "FR", identity_link="L1", level="1", to_state="FR")
    assert subjects(overdue) == ["limes.sirene.FR.identity-link-overdue"]


def test_events_are_published_once_per_position_and_survive_nats_being_down(
    sqlite_store: SqliteStore, clock: FixedClock, stream: tuple[str, str]
) -> None:
    prefix, name = stream
    _append(
        sqlite_store,
        _event("alert.issued", "DE"),
        _event("hit.recorded", "DE", case="C1", hit="H1", executing_state="FR"),
        _event("sirene.message", "DE", case="C1", message="M1", to_state="DE"),
    )
    down = NatsPublisher(sqlite_store, UNREACHABLE, prefix=prefix, stream=name, timeout=0.5)
    assert down.run().reachable is False
    assert down.position() == 0  # nothing acknowledged, nothing skipped

    up = NatsPublisher(sqlite_store, URL, prefix=prefix, stream=name, batch=2, clock=clock)
    run = up.run()
    assert (run.published, run.position, run.reachable) == (2, 3, True)
    found = _stored(name)
    assert [(s, m["type"], i) for s, m, i in found] == [
        (f"{prefix}.DE.hit", "hit.recorded", "limes-2-DE"),
        (f"{prefix}.DE.message", "sirene.message", "limes-3-DE"),
    ]
    assert found[0][1]["detail"] == {"case": "C1", "hit": "H1", "executing_state": "FR"}

    assert up.run().published == 0  # the position is remembered
    _append(sqlite_store, _event("sirene.overdue", "DE", message="M1", to_state="DE", level="1"))
    assert up.run().published == 1
    assert [s for s, _, _ in _stored(name)][-1] == f"{prefix}.DE.overdue"


def test_the_nats_door_shows_only_the_reviewed_detail_keys_as_the_feed_does(
    sqlite_store: SqliteStore, clock: FixedClock, stream: tuple[str, str]
) -> None:
    """Minimisation decides in one place what the change feed shows: a detail key not
    yet reviewed there (``disclosure.FEED_DETAIL_KEYS``) is withheld on NATS too."""
    prefix, name = stream
    unreviewed = {"reason": "MARKER-free-text-added-later"}
    _append(
        sqlite_store, _event("hit.recorded", "DE", case="C1", executing_state="FR", **unreviewed)
    )
    publisher = NatsPublisher(sqlite_store, URL, prefix=prefix, stream=name, clock=clock)
    assert publisher.run().published == 1
    ((_, message, _),) = _stored(name)
    assert message["detail"] == {"case": "C1", "executing_state": "FR"}
