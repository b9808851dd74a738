"""Group commit without waiting (``GroupCommit.enqueue``) and the waits a request leaves
pending (``deferring``, ``when_done``): an enqueued item's future gets its outcome only
once the commit holding it is done, committed by the group's committer thread, in the
same batches as the callers of ``submit``."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future

import pytest
from tests.test_group_commit import Drains, Refused, held_first, queued

from limes.group_commit import (
    GroupCommit,
    deferring,
    pending_waits,
    waiting,
    when_done,
)


def test_an_enqueued_item_is_committed_by_the_committer_thread() -> None:
    committers: list[str] = []

    def drain(items: Sequence[int]) -> list[int | BaseException]:
        committers.append(threading.current_thread().name)
        return [n * 10 for n in items]

    commits: GroupCommit[int, int] = GroupCommit(drain)
    assert commits.enqueue(3).result(5) == 30
    assert commits.enqueue(4).result(5) == 40
    assert committers == ["limes-commit", "limes-commit"]  # one thread, not the caller


def test_futures_are_done_only_once_their_commit_is_and_share_it() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    first = held_first(commits, drain)  # a caller of submit, inside its commit
    futures = [commits.enqueue(n) for n in (2, 3, -4)]
    late = threading.Thread(target=commits.submit, args=(5,))
    late.start()
    queued(commits, 4)
    assert not any(f.done() for f in futures)  # nothing is answered before its commit
    drain.hold.set()
    first.join(5)
    late.join(5)
    assert [f.result(5) for f in futures[:2]] == [20, 30]
    assert isinstance(futures[2].exception(5), Refused)  # its own refusal, its own future
    assert drain.batches == [[1], [2, 3, -4, 5]]  # the enqueued and the waiting share one


def test_a_failed_commit_fails_every_future_of_its_batch() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    drain.fail_batch = True
    failed = commits.enqueue(1)
    with pytest.raises(OSError, match="disk full"):
        failed.result(5)
    drain.fail_batch = False
    assert commits.enqueue(2).result(5) == 20
    assert commits.submit(3) == 30


def test_an_enqueued_item_waits_for_an_exclusive_spell() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    with commits.exclusive():
        future = commits.enqueue(1)
        time.sleep(0.05)
        assert not future.done() and drain.batches == []
    assert future.result(5) == 10


def test_a_future_is_never_cancelled() -> None:
    """Its item may be written already: a waiter that gives up does not withdraw it."""
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    first = held_first(commits, drain)
    future = commits.enqueue(2)
    assert not future.cancel()
    drain.hold.set()
    first.join(5)
    assert future.result(5) == 20


def test_many_enqueuers_and_waiters_each_get_their_own_outcome() -> None:
    def drain(items: Sequence[int]) -> list[int | BaseException]:
        time.sleep(0.0005)
        return [Refused(n) if n % 7 == 0 else n * 10 for n in items]

    commits: GroupCommit[int, int] = GroupCommit(drain)
    futures: dict[int, Future[int]] = {}
    answers: dict[int, object] = {}

    def call(n: int) -> None:
        if n % 2:
            futures[n] = commits.enqueue(n)
            return
        try:
            answers[n] = commits.submit(n)
        except Refused as exc:
            answers[n] = exc

    threads = [threading.Thread(target=call, args=(n,)) for n in range(1, 301)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    for n, future in futures.items():
        answers[n] = future.exception(10) or future.result(10)
    for n in range(1, 301):
        assert isinstance(answers[n], Refused) if n % 7 == 0 else answers[n] == n * 10


def test_when_done_takes_the_first_failure_in_order_and_then_s_outcome() -> None:
    first: Future[int] = Future()
    second: Future[int] = Future()
    seen: list[BaseException | None] = []

    def then(failed: BaseException | None) -> int:
        seen.append(failed)
        if failed is not None:
            raise failed
        return 7

    chained = when_done([first, second], then)
    second.set_exception(KeyError("second"))
    assert not chained.done()  # not before every one of them is done
    first.set_exception(ValueError("first"))
    assert isinstance(chained.exception(1), ValueError) and len(seen) == 1
    assert when_done([], then).result(1) == 7
    inner: Future[int] = Future()
    outer = when_done([], lambda _: inner)
    assert not outer.done()
    inner.set_result(9)
    assert outer.result(1) == 9


def test_deferring_collects_pending_waits_and_waiting_suspends_it() -> None:
    assert pending_waits() is None
    with deferring() as waits:
        assert pending_waits() is waits
        with waiting():
            assert pending_waits() is None
        assert pending_waits() is waits
    assert pending_waits() is None
