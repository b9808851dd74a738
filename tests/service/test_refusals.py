"""Refusals recorded at the door: the first few in full, floods counted, memory bounded."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.conftest import FixedClock, make_ctx

from limes.audit.record import Entry
from limes.errors import RateLimited, Unauthenticated
from limes.service.rate_buckets import SharedBuckets, create_shared
from limes.service.refusals import (
    FULL_PER_MINUTE,
    FULL_TOTAL_PER_MINUTE,
    DoorRefusals,
    Refusal,
)

WAIT_SECONDS = 30
fork = multiprocessing.get_context("fork")


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.entries: list[Entry] = []
        self.fail = fail

    def append(self, entries: Sequence[Entry]) -> list[int]:
        if self.fail:
            raise OSError("disk full")
        self.entries.extend(entries)
        return list(range(len(entries)))


def refusal(client: str, path: str = "/v1/alerts") -> Refusal:
    return Refusal(Unauthenticated("no token"), 401, client, "GET", path)


def test_each_key_gets_its_budget_and_the_rest_share_one_overflow_key(clock: FixedClock) -> None:
    recorder = Recorder()
    door = DoorRefusals(recorder, clock, full_per_minute=2, max_keys=3)
    for client in ("a", "b", "c", "d", "e", "f"):
        for _ in range(3):
            door.record(refusal(client))
    written = [e.refs["client"] for e in recorder.entries]
    assert written == ["a", "a", "b", "b", "c", "c", "d", "d"]  # d, e, f share "*"'s two

    door.flush()
    summaries = {e.refs["client"]: e.refs["folded"] for e in recorder.entries[8:]}
    assert summaries == {"a": 1, "b": 1, "c": 1, "*": 7}


def test_principal_and_kind_are_keys_of_their_own(clock: FixedClock) -> None:
    recorder = Recorder()
    door = DoorRefusals(recorder, clock, full_per_minute=1)
    who = make_ctx("DE").principal
    door.record(refusal("a"))
    door.record(Refusal(RateLimited("slow down", 1), 429, "a", "GET", "/v1/alerts", who))
    door.record(refusal("a"))  # folded
    assert [(e.action, e.actor.user_id) for e in recorder.entries] == [
        ("door:unauthenticated", None),
        ("door:rate-limited", "officer-1"),
    ]


def test_request_text_is_cut_and_escaped(clock: FixedClock) -> None:
    recorder = Recorder()
    DoorRefusals(recorder, clock).record(refusal("a\x00b", "/v1/" + "\x00" * 500))
    (entry,) = recorder.entries
    assert entry.refs["client"] == "a\\x00b"
    assert "\x00" not in entry.refs["path"] and len(entry.refs["path"]) == 200


def test_a_log_that_cannot_write_does_not_turn_a_refusal_into_an_error(
    clock: FixedClock,
) -> None:
    DoorRefusals(Recorder(fail=True), clock).record(refusal("a"))


def test_a_flood_from_many_addresses_writes_a_bounded_number_and_counts_every_refusal(
    clock: FixedClock,
) -> None:
    """Addresses are cheap (an IPv6 prefix holds billions): what a minute of refusals
    writes must not grow with them, and every refusal is still on record, in full or
    counted in a summary."""
    recorder = Recorder()
    door = DoorRefusals(recorder, clock)
    refused = 0
    for n in range(5_000):
        for _ in range(3):
            door.record(refusal(f"2001:db8::{n:x}"))
            refused += 1
    clock.advance(minutes=1)
    door.flush()
    assert len(recorder.entries) <= 2 * FULL_TOTAL_PER_MINUTE + 1
    full = [e for e in recorder.entries if "folded" not in e.refs]
    counted = sum(e.refs["folded"] for e in recorder.entries if "folded" in e.refs)
    assert len(full) + counted == refused


def test_the_overflow_summary_names_no_one_of_the_many_it_counts(clock: FixedClock) -> None:
    recorder = Recorder()
    door = DoorRefusals(recorder, clock, full_per_minute=1, full_total_per_minute=2)
    door.record(refusal("a"))
    door.record(refusal("b"))  # the minute's budget is spent
    who = make_ctx("DE").principal
    door.record(Refusal(Unauthenticated("expired"), 401, "c", "GET", "/v1/alerts", who))
    door.record(refusal("d"))
    door.flush()
    (summary,) = [e for e in recorder.entries if "folded" in e.refs]
    assert (summary.refs["client"], summary.refs["folded"]) == ("*", 2)
    assert summary.actor.user_id is None


def _worker(path: Path, now: datetime, clients: int, start: Any, results: Any) -> None:
    """A worker of ``limes serve``: its own door over the shared table, a flood of
    refusals from ``clients`` addresses; puts (in full, counted in summaries)."""
    recorder = Recorder()
    door = DoorRefusals(recorder, FixedClock(now), counts=SharedBuckets(path))
    start.wait(WAIT_SECONDS)
    for n in range(clients):
        for _ in range(FULL_PER_MINUTE + 5):
            door.record(refusal(f"192.0.2.{n}"))
    door.flush()
    full = sum("folded" not in e.refs for e in recorder.entries)
    results.put((full, sum(e.refs.get("folded", 0) for e in recorder.entries)))


def _flood(path: Path, clock: FixedClock, clients: int) -> list[tuple[int, int]]:
    start, results = fork.Event(), fork.Queue()
    workers = [
        fork.Process(target=_worker, args=(path, clock(), clients, start, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    start.set()
    got = [results.get(timeout=WAIT_SECONDS) for _ in workers]
    for worker in workers:
        worker.join(WAIT_SECONDS)
        assert worker.exitcode == 0
    return got


def test_two_workers_share_one_budget_of_records_in_full(clock: FixedClock) -> None:
    """One client flooding both workers gets its budget once, not once per worker;
    every refusal is still on record, in full or counted."""
    table = create_shared()
    try:
        got = _flood(table.path, clock, clients=1)
        assert sum(full for full, _ in got) == FULL_PER_MINUTE
        assert sum(full + folded for full, folded in got) == 2 * (FULL_PER_MINUTE + 5)
        got = _flood(table.path, clock, clients=FULL_TOTAL_PER_MINUTE)  # the same minute
        assert sum(full for full, _ in got) == FULL_TOTAL_PER_MINUTE - FULL_PER_MINUTE
        clock.advance(minutes=1)  # a new minute, a new budget
        got = _flood(table.path, clock, clients=FULL_TOTAL_PER_MINUTE)
        assert sum(full for full, _ in got) == FULL_TOTAL_PER_MINUTE
        total = 2 * FULL_TOTAL_PER_MINUTE * (FULL_PER_MINUTE + 5)
        assert sum(full + folded for full, folded in got) == total
    finally:
        table.remove()
