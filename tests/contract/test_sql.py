"""The unit of work both adapters share (``SqlTransaction``), on every adapter (run once
per store via ``store``): what a transaction sees, rolls back and joins, and how
writers and readers of different threads meet.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.contract.test_alerts import T0, event, insert, record

from limes.domain.alerts import Flag, FlagStatus
from limes.store.port import Store


def test_a_transaction_reads_its_own_outbox_and_alerts_before_commit(store: Store) -> None:
    with store.transaction() as tx:
        assert (tx.outbox.last(), tx.alerts.count()) == (0, 0)
        tx.alerts.insert(record("A1"))
        first = tx.outbox.append(event("A1"))
        second = tx.outbox.append(event("A1", n="2"))
        assert tx.outbox.last() == second and tx.alerts.count() == 1
        assert [e.seq for e in tx.outbox.after(0, limit=10)] == [first, second]
        assert [e.seq for e in tx.outbox.after(first, limit=10)] == [second]
        assert tx.outbox.after(first, limit=10)[0].detail == {"n": "2"}
    assert (store.last_event(), store.count()) == (second, 1)


def test_an_exception_rolls_everything_back(store: Store) -> None:
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as tx:
        tx.alerts.insert(record("A1", keys=frozenset({"k1"})))
        tx.flags.put("A1", Flag("FR", FlagStatus.REQUESTED, "why", T0))
        tx.misused_identities.put("A1", b"victim")
        tx.outbox.append(event("A1"))
        raise RuntimeError("boom")
    assert store.count() == 0
    assert store.events_after(0) == []
    with store.read() as tx:
        assert tx.alerts.get("A1") is None
        assert tx.alerts.find_by_keys(frozenset({"k1"})) == []
        assert tx.flags.of("A1") == []
        assert tx.misused_identities.get("A1") is None
    # the store is still usable after the rollback
    insert(store, record("A2"))
    assert store.count() == 1


def test_concurrent_writers_get_gapless_increasing_seq(store: Store) -> None:
    def writer(thread: int) -> None:
        for n in range(25):
            with store.transaction() as tx:
                tx.outbox.append(event(f"T{thread}", n=str(n)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        for done in [pool.submit(writer, t) for t in range(4)]:
            done.result()

    events = store.events_after(0, limit=1000)
    assert len(events) == 100
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 100))
    for thread in range(4):
        mine = [int(e.detail["n"]) for e in events if e.alert_id == f"T{thread}"]
        assert mine == list(range(25))


def test_a_writer_waits_for_the_other_but_readers_do_not(store: Store) -> None:
    """While one write transaction is open, a second writer blocks and a reader does not."""
    first_open, release = threading.Event(), threading.Event()
    seqs: dict[str, int] = {}

    def first() -> None:
        with store.transaction() as tx:
            seqs["first"] = tx.outbox.append(event("first"))
            first_open.set()
            assert release.wait(10)

    def second() -> None:
        with store.transaction() as tx:
            seqs["second"] = tx.outbox.append(event("second"))

    with ThreadPoolExecutor(max_workers=3) as pool:
        one = pool.submit(first)
        try:
            assert first_open.wait(10)
            two = pool.submit(second)
            assert pool.submit(store.count).result(timeout=5) == 0  # a reader is not blocked
            with pytest.raises(TimeoutError):
                two.result(timeout=0.3)
        finally:
            release.set()
        one.result(timeout=10)
        two.result(timeout=10)
    assert seqs["first"] < seqs["second"]
    assert [e.alert_id for e in store.events_after(0)] == ["first", "second"]


def test_a_read_inside_a_transaction_joins_it(store: Store) -> None:
    """The policy reads break-glass grants while a use case holds its transaction."""
    with store.transaction() as tx:
        tx.usage_counters.add_reads({("p", "2026-01-01"): 3})
        with store.read() as inner:
            assert inner.usage_counters.daily_reads("p", "2026-01-01") == {"2026-01-01": 3}
    with store.read() as tx:
        assert tx.usage_counters.daily_reads("p", "2026-01-01") == {"2026-01-01": 3}
