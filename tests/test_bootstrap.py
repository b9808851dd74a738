"""``bootstrap.build``: every service a door needs, fakes taken at the edge, one way in."""

from __future__ import annotations

import os
import signal
import time

import pytest
from tests.conftest import TEST_KEYRING, FixedClock, built, dev_settings, make_ctx, memory_audit

from limes.bootstrap import build
from limes.cli.common import Env
from limes.cli.proof import context
from limes.domain.roles import Purpose
from limes.errors import RateLimited
from limes.service.jobs import SYSTEM
from limes.store.port import Store
from limes.store.sqlite import SqliteStore


class _FakePublisher:
    def __init__(self, url: str) -> None:
        self.url = url
        self.runs = 0

    def run(self) -> _FakePublisher:
        self.runs += 1
        return self

    @property
    def published(self) -> int:
        return 0


def test_build_takes_fakes_for_the_edge_and_wires_the_rest(
    sqlite_store: SqliteStore, clock: FixedClock
) -> None:
    audit = memory_audit(clock)
    app = build(
        dev_settings(),
        store=sqlite_store,
        clock=clock,
        keyring=TEST_KEYRING,
        audit=audit,
        publisher=lambda store, url: _FakePublisher(url),
    )
    publisher = app.publisher("nats://127.0.0.1:4222")
    assert isinstance(publisher, _FakePublisher) and publisher.url == "nats://127.0.0.1:4222"
    assert app.audit is audit and app.store is sqlite_store
    # the services share the one clock, store and audit log
    assert app.accounts.clock is clock and app.alerts.clock is clock
    assert app.feed.store is sqlite_store and app.feed.audit is audit
    assert app.feed.after(SYSTEM, 0) == []


def test_every_way_in_counts_against_the_principal_rate_limit(
    store: Store, clock: FixedClock
) -> None:
    app = built(store, clock, rate_burst=2)
    who = make_ctx("DE").principal
    app.enter(who, Purpose.SIRENE)
    app.enter(who, Purpose.SIRENE)
    with pytest.raises(RateLimited):
        app.enter(who, Purpose.SIRENE)
    other = make_ctx("FR").principal  # a bucket per principal
    assert app.enter(other, Purpose.SIRENE).principal == other


def test_a_cli_command_counts_like_a_request(sqlite_store: SqliteStore, clock: FixedClock) -> None:
    env = Env(dev_settings(rate_burst=1), _app=built(sqlite_store, clock, rate_burst=1))
    args = ("jdoe@BKA/DE", ("sirene_operator",), "sirene")
    assert context(env, *args).principal.user_id == "jdoe"
    with pytest.raises(RateLimited):
        context(env, *args)


def test_a_serving_process_freezes_what_it_started_with_and_still_collects_the_rest() -> None:
    """``freeze_startup_heap``: what is alive at start leaves the collector's walks (a
    full collection over the indexes stalled every request, issue 13); a cycle made
    afterwards is still collected."""
    import gc
    import weakref

    from limes.bootstrap import freeze_startup_heap

    class Node:
        other: object = None

    kept = Node()
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
        assert all(kept is not found for found in gc.get_objects())  # no longer walked
        later, peer = Node(), Node()
        later.other, peer.other = peer, later  # a cycle: only the collector frees it
        gone = weakref.ref(later)
        del later, peer
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_a_worker_told_to_stop_while_it_starts_ends_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uvicorn takes SIGTERM before it calls a worker's factory, and only asks its server
    to stop, which it did once the factory had returned: a worker restarted after a crash
    and told to stop while still loading (30 s and more on a busy machine) kept loading,
    and ``limes serve`` outlived its 60 s to stop (issue 13's kill -9 test). Nothing is
    served before the factory returns: the worker ends at the signal, and the handler
    that was in place before is back for the rest of its life."""
    from limes import bootstrap

    told: list[int] = []

    def as_uvicorn(signum: int, frame: object) -> None:
        told.append(signum)

    def long_start(settings: object) -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the rest of a long start
        raise AssertionError("the start went on after the signal")

    monkeypatch.setattr(bootstrap, "from_env", lambda: object())
    monkeypatch.setattr(bootstrap, "build", long_start)
    before = signal.signal(signal.SIGTERM, as_uvicorn)
    try:
        started = time.monotonic()
        with pytest.raises(SystemExit) as ended:
            bootstrap.start_worker()
        assert time.monotonic() - started < 5
        assert ended.value.code == 128 + signal.SIGTERM
        assert told == []
        assert signal.getsignal(signal.SIGTERM) is as_uvicorn
    finally:
        signal.signal(signal.SIGTERM, before)
