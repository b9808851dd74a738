"""The read bounds counted in ``read_counts`` (migration 0021, issue 13): the counts give
exactly the ledger's range counts however time moves, worker processes share them, and
the bound still refuses the first alert past it (``store/reading.py``)."""

from __future__ import annotations

import multiprocessing
import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from tests.conftest import FixedClock, make_ctx
from tests.store_peek import peek

from limes.config import ReadBounds
from limes.domain.roles import Purpose, Role
from limes.errors import ReadsBlocked
from limes.policy.permissions import Context
from limes.service.reading import DAY, HOUR, ReadGuard, authority_scope, principal_scope
from limes.store.port import Opened, Store
from limes.store.postgres import PostgresStore
from limes.store.sqlite import SqliteStore

BOUNDS = ReadBounds(
    per_hour=40, per_day=100, authority_per_hour=60, authority_per_day=200, daily_reads=10_000
)
SHARED = ReadBounds(
    per_hour=20, per_day=100, authority_per_hour=60, authority_per_day=200, daily_reads=10_000
)
"""Two guards of one worker may open 40 alerts, the authority's four 60."""
WAIT_SECONDS = 60
fork = multiprocessing.get_context("fork")


def guard(user: str = "guard-1") -> Context:
    return make_ctx(
        "DE", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK, user=user, authority="BPOL"
    )


def ids(start: int, n: int) -> list[str]:
    return [f"A{i:05d}" for i in range(start, start + n)]


def in_ledger(store: Store, scope: str, now: datetime) -> Opened:
    """The distinct alerts ``scope`` opened in the last hour and day, counted row by row."""
    with store.read() as tx:
        t = peek(tx)
        ((hour, day),) = t.rows(
            "SELECT SUM(CASE WHEN first_read_at > ? THEN 1 ELSE 0 END), COUNT(*) "
            "FROM read_ledger WHERE scope = ? AND first_read_at > ?",
            (t.dialect.ts_in(now - HOUR), scope, t.dialect.ts_in(now - DAY)),
        )
    return Opened(int(hour or 0), int(day))


def counted(store: Store, scope: str, now: datetime) -> Opened:
    with store.read() as tx:
        return tx.read_ledger.opened([scope], now - HOUR, now - DAY)[scope]


def test_the_counts_are_the_ledgers_however_time_moves(store: Store, clock: FixedClock) -> None:
    """Reads, re-reads, hours and days passing, a clock stepping back, pruning and a
    forgotten scope: after each, the counts equal the ledger's own range counts."""
    high = ReadBounds(10**6, 10**6, 10**6, 10**6, 10**7)
    reads = ReadGuard(store, clock, high)
    rng = random.Random(13)
    scopes = [principal_scope(guard().principal), authority_scope(guard().principal)]
    for step in range(160):
        move = rng.random()
        if move < 0.5:
            reads.opened(guard(), ids(rng.randrange(400), rng.randrange(1, 12)))
        elif move < 0.8:
            clock.advance(minutes=rng.choice([1, 7, 59, 61, 300, 1440]))
        elif move < 0.88:
            clock.advance(minutes=-rng.choice([5, 90]))  # a clock stepping back
        elif move < 0.96:
            reads.prune()
        else:
            with store.transaction() as tx:
                tx.read_ledger.forget(scopes[0])
        for scope in scopes:
            assert counted(store, scope, clock()) == in_ledger(store, scope, clock()), step
    with store.read() as tx:
        rows = peek(tx).rows("SELECT COUNT(*) FROM read_counts")
    assert rows[0][0] >= 1  # the counts were kept, not only counted in the ledger


def test_the_bound_refuses_the_first_alert_past_it(store: Store, clock: FixedClock) -> None:
    reads = ReadGuard(store, clock, BOUNDS)
    for n in range(0, BOUNDS.per_hour, 8):
        reads.opened(guard(), ids(n, 8))
        clock.advance(minutes=1)
    reads.opened(guard(), ids(0, BOUNDS.per_hour))  # all read already: nothing new
    with pytest.raises(ReadsBlocked, match="41 distinct alerts"):
        reads.opened(guard(), ids(BOUNDS.per_hour, 1))


def test_within_the_hour_the_first_reads_still_count(store: Store, clock: FixedClock) -> None:
    reads = ReadGuard(store, clock, BOUNDS)
    reads.opened(guard(), ids(0, BOUNDS.per_hour))
    clock.advance(minutes=59, seconds=59)
    with pytest.raises(ReadsBlocked):
        ReadGuard(store, clock, BOUNDS).opened(guard(), ids(100, 1))


def test_after_the_hour_the_reads_are_counted_in_the_day_only(
    store: Store, clock: FixedClock
) -> None:
    reads = ReadGuard(store, clock, BOUNDS)
    reads.opened(guard(), ids(0, BOUNDS.per_hour))
    clock.advance(minutes=60)  # from now on the first reads count in the day only
    reads.opened(guard(), ids(100, BOUNDS.per_hour))
    scope = principal_scope(guard().principal)
    assert counted(store, scope, clock()) == Opened(BOUNDS.per_hour, 2 * BOUNDS.per_hour)


def _reopen(store: Store) -> Store:
    if isinstance(store, SqliteStore):
        return SqliteStore(store.path)
    assert isinstance(store, PostgresStore)
    return PostgresStore(store._url, store.schema)


def _worker(store: Store, first: int, now: datetime, start: Any, results: Any) -> None:
    """A worker process: its guards (two principals of one authority) open alerts of
    their own, three an answer, until refused; puts the alerts it was let open."""
    own = _reopen(store)
    reads = ReadGuard(own, FixedClock(now), SHARED)
    users = (f"guard-{first}", f"guard-{first + 1}")
    start.wait(WAIT_SECONDS)
    opened: list[str] = []
    for n in range(first * 1000, first * 1000 + 300, 3):
        try:
            reads.opened(guard(users[n % 2]), ids(n, 3))
        except ReadsBlocked:
            break
        opened += ids(n, 3)
    results.put(opened)


def test_two_worker_processes_share_the_authoritys_bound(store: Store, clock: FixedClock) -> None:
    """Two processes open alerts at once for four guards of one authority: each alone
    stays under the authority's hourly bound, together they open at most it."""
    start, results = fork.Event(), fork.Queue()
    workers = [
        fork.Process(target=_worker, args=(store, first, clock(), start, results))
        for first in (1, 3)
    ]
    for worker in workers:
        worker.start()
    start.set()
    opened = [results.get(timeout=WAIT_SECONDS) for _ in workers]
    for worker in workers:
        worker.join(WAIT_SECONDS)
        assert worker.exitcode == 0
    total = sum(len(got) for got in opened)
    assert SHARED.authority_per_hour - 3 < total <= SHARED.authority_per_hour
    assert all(opened)
    scope = authority_scope(guard().principal)
    assert (
        counted(store, scope, clock()) == in_ledger(store, scope, clock()) == Opened(total, total)
    )
    with pytest.raises(ReadsBlocked, match="authority BPOL/DE"):
        ReadGuard(store, clock, SHARED).opened(guard("fresh"), ids(9000, 1))


def test_reads_of_the_day_before_are_counted_again(store: Store, clock: FixedClock) -> None:
    reads = ReadGuard(store, clock, BOUNDS)
    reads.opened(guard(), ids(0, 30))
    clock.advance(DAY + timedelta(seconds=1))
    reads.opened(guard(), ids(0, 30))  # a day later they open anew
    scope = principal_scope(guard().principal)
    assert counted(store, scope, clock()) == Opened(30, 30) == in_ledger(store, scope, clock())
