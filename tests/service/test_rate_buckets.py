"""One bucket a principal across processes (``service/rate_buckets.py``).

The processes are real ones (``multiprocessing``, forked), each opening the table by its
path as a ``limes serve`` worker does. Time stands still unless a test moves it, so
no token comes back while they run.
"""

from __future__ import annotations

import fcntl
import math
import multiprocessing
import os
import signal
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FixedClock, built, make_ctx

from limes.config import Limits, SettingsError, from_env
from limes.domain.roles import Purpose
from limes.errors import RateLimited
from limes.service import rate_buckets
from limes.service.abuse import UsageMonitor
from limes.service.rate_buckets import LocalBuckets, SharedBuckets, SharedTable, create_shared
from limes.store.port import Store

LIMITS = Limits(rate_per_second=2, burst=50)
NOW = 1_780_000_000_000_000  # µs since 1970
WHO = "officer-1@BKA/DE"
WAIT_SECONDS = 20

fork = multiprocessing.get_context("fork")


@pytest.fixture
def table() -> Iterator[SharedTable]:
    shared = create_shared()
    yield shared
    shared.remove()


def _admitted(path: Path, tries: int, start: Any, results: Any) -> None:
    """A worker: ``tries`` requests of ``WHO`` at ``NOW``; puts how many were let through."""
    buckets = SharedBuckets(path)
    start.wait(WAIT_SECONDS)
    results.put(sum(buckets.take(WHO, NOW, LIMITS) == 0 for _ in range(tries)))


def _run_workers(path: Path, count: int, tries: int) -> list[int]:
    start, results = fork.Event(), fork.Queue()
    workers = [
        fork.Process(target=_admitted, args=(path, tries, start, results)) for _ in range(count)
    ]
    for worker in workers:
        worker.start()
    start.set()
    admitted = [results.get(timeout=WAIT_SECONDS) for _ in workers]
    for worker in workers:
        worker.join(WAIT_SECONDS)
        assert worker.exitcode == 0
    return admitted


def test_processes_sharing_a_principal_are_refused_after_burst_in_total(
    table: SharedTable,
) -> None:
    admitted = _run_workers(table.path, count=3, tries=LIMITS.burst)
    assert sum(admitted) == LIMITS.burst  # not 3 × burst
    assert _run_workers(table.path, count=1, tries=1) == [0]


def test_a_process_takes_what_another_left(table: SharedTable) -> None:
    assert _run_workers(table.path, count=1, tries=30) == [30]
    assert _run_workers(table.path, count=1, tries=30) == [LIMITS.burst - 30]
    buckets = SharedBuckets(table.path)
    assert buckets.take("someone-else@BKA/DE", NOW, LIMITS) == 0  # a bucket per principal
    assert buckets.take(WHO, NOW + 1_000_000, LIMITS) == 0  # 2 tokens back after a second
    buckets.close()


def _killed_holding_the_lock(path: Path, ready: Any) -> None:
    buckets = SharedBuckets(path)
    for _ in range(10):
        buckets.take(WHO, NOW, LIMITS)
    with open(path, "rb") as table:  # as a worker's take holds it
        fcntl.flock(table.fileno(), fcntl.LOCK_EX)
        ready.set()
        signal.pause()


def test_a_process_killed_holding_the_lock_neither_blocks_nor_refunds(
    table: SharedTable,
) -> None:
    ready = fork.Event()
    victim = fork.Process(target=_killed_holding_the_lock, args=(table.path, ready))
    victim.start()
    assert ready.wait(WAIT_SECONDS)
    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(WAIT_SECONDS)
    # the kernel freed its lock (a wait past WAIT_SECONDS fails), its ten tokens stay spent
    assert _run_workers(table.path, count=1, tries=LIMITS.burst) == [LIMITS.burst - 10]


def _slot_offset(path: Path) -> int:
    """Where the table's only used slot is (the test uses one principal)."""
    data = path.read_bytes()
    header, slot = struct.calcsize("=8sI4x16s"), struct.calcsize("=Qdq")
    for offset in range(header, len(data), slot):
        if struct.unpack_from("=Q", data, offset)[0]:
            return offset
    raise AssertionError("no slot used")


@pytest.mark.parametrize(
    "tokens, refilled",
    [(math.nan, NOW), (-5.0, NOW), (1e300, NOW), (0.0, NOW + 3_600_000_000)],
)
def test_a_torn_slot_is_some_bucket_never_an_error(
    table: SharedTable, tokens: float, refilled: int
) -> None:
    buckets = SharedBuckets(table.path)
    assert buckets.take(WHO, NOW, LIMITS) == 0
    offset = _slot_offset(table.path)
    key = struct.unpack_from("=Q", table.path.read_bytes(), offset)[0]
    with open(table.path, "r+b") as raw:  # what a write cut short might leave
        raw.seek(offset)
        raw.write(struct.pack("=Qdq", key, tokens, refilled))
    admitted = sum(buckets.take(WHO, NOW, LIMITS) == 0 for _ in range(2 * LIMITS.burst))
    assert admitted <= LIMITS.burst
    later = NOW + 3_600_000_000 + 1_000_000  # and it refills from then on
    assert buckets.take(WHO, later, LIMITS) == 0
    buckets.close()


def test_a_full_table_takes_over_the_fullest_bucket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rate_buckets, "SLOTS", 4)
    monkeypatch.setattr(rate_buckets, "PROBES", 4)
    table = create_shared()
    try:
        limits = Limits(rate_per_second=1, burst=2)
        buckets = SharedBuckets(table.path)
        assert buckets.take("a", NOW, limits) == 0  # a keeps one token
        for who in "bcd":
            assert [buckets.take(who, NOW, limits) for _ in range(3)][-1] > 0
        assert buckets.take("e", NOW, limits) == 0  # takes over a's, the fullest
        for who in "bcd":  # the spent ones are kept
            assert buckets.take(who, NOW, limits) > 0
        buckets.close()
    finally:
        table.remove()


def test_a_missing_or_foreign_table_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot be opened"):
        SharedBuckets(tmp_path / "none")
    (tmp_path / "other").write_bytes(b"x" * 100)
    with pytest.raises(SettingsError, match="wrong size"):
        SharedBuckets(tmp_path / "other")
    table = create_shared()
    with open(table.path, "r+b") as raw:
        raw.write(b"NOTLIMES")
    with pytest.raises(SettingsError, match="not a shared rate-limit table"):
        SharedBuckets(table.path)
    table.remove()
    assert not table.path.parent.exists()


@pytest.mark.parametrize("shared", [False, True])
def test_both_kinds_refill_alike(clock: FixedClock, table: SharedTable, shared: bool) -> None:
    buckets = SharedBuckets(table.path) if shared else LocalBuckets()
    monitor = UsageMonitor(clock, Limits(rate_per_second=2, burst=3), buckets)
    ctx = make_ctx("DE")
    for _ in range(3):
        monitor.admit(ctx)
    with pytest.raises(RateLimited) as exc:
        monitor.admit(ctx)
    assert exc.value.retry_after == 1
    clock.advance(seconds=1)
    monitor.admit(ctx)
    monitor.admit(ctx)
    with pytest.raises(RateLimited):
        monitor.admit(ctx)


def test_build_shares_the_table_the_settings_name(
    store: Store, clock: FixedClock, table: SharedTable
) -> None:
    assert from_env({"LIMES_RATE_BUCKETS": str(table.path)}).rate_buckets_file == table.path
    apps = [built(store, clock, rate_burst=3, rate_buckets_file=table.path) for _ in range(2)]
    who = make_ctx("DE").principal
    apps[0].enter(who, Purpose.SIRENE)
    apps[1].enter(who, Purpose.SIRENE)
    apps[0].enter(who, Purpose.SIRENE)
    with pytest.raises(RateLimited):  # two "workers", one bucket
        apps[1].enter(who, Purpose.SIRENE)
