"""Group commit (``group_commit.py``): callers that arrive while a commit is under
way share the next one, each gets its own outcome, and nobody is answered before the
commit that holds it."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from limes.group_commit import GroupCommit


class Refused(Exception):
    pass


class Drains:
    """A drain that records each batch and can be held inside its commit."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.committed: set[int] = set()
        self.hold = threading.Event()
        self.hold.set()
        self.inside = threading.Event()
        self.fail_batch = False

    def __call__(self, items: Sequence[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        self.inside.set()
        self.hold.wait(5)
        if self.fail_batch:
            raise OSError("disk full")
        self.committed.update(items)
        return [Refused(n) if n < 0 else n * 10 for n in items]


def queued(commits: GroupCommit[int, int], n: int) -> None:
    deadline = time.monotonic() + 5
    while commits.queued() < n:
        assert time.monotonic() < deadline, "the callers never queued"
        time.sleep(0.001)


def held_first(commits: GroupCommit[int, int], drain: Drains) -> threading.Thread:
    """A caller committing 1, held inside its commit."""
    drain.hold.clear()
    first = threading.Thread(target=commits.submit, args=(1,))
    first.start()
    assert drain.inside.wait(5)
    return first


def test_a_lone_caller_commits_at_once() -> None:
    drain = Drains()
    assert GroupCommit(drain).submit(3) == 30
    assert drain.batches == [[3]]


def test_callers_arriving_during_a_commit_share_the_next_one() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    first = held_first(commits, drain)
    answers: dict[int, object] = {}

    def call(n: int) -> None:
        answers[n] = commits.submit(n)

    later = [threading.Thread(target=call, args=(n,)) for n in (2, 3, 4, 5)]
    for t in later:
        t.start()
    queued(commits, 4)
    assert answers == {}  # nobody is answered before the commit holding it
    drain.hold.set()
    first.join(5)
    for t in later:
        t.join(5)
    assert drain.batches[0] == [1]
    assert sorted(drain.batches[1]) == [2, 3, 4, 5]  # one commit for all four
    assert len(drain.batches) == 2
    assert answers == {2: 20, 3: 30, 4: 40, 5: 50}


def test_a_refusal_is_raised_in_its_own_caller_only() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    with commits.exclusive():  # everyone queues behind it: one batch
        answers = {}
        threads = []
        for n in (7, -1, 8):
            t = threading.Thread(target=lambda n=n: answers.__setitem__(n, _outcome(commits, n)))
            t.start()
            threads.append(t)
        queued(commits, 3)
    for t in threads:
        t.join(5)
    assert len(drain.batches) == 1
    assert answers[7] == 70 and answers[8] == 80
    assert isinstance(answers[-1], Refused)


def test_a_failed_commit_fails_every_caller_of_its_batch_and_the_next_one_commits() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    drain.fail_batch = True
    with pytest.raises(OSError, match="disk full"):
        commits.submit(1)
    assert drain.committed == set()
    drain.fail_batch = False
    assert commits.submit(2) == 20


def _outcome(commits: GroupCommit[int, int], n: int) -> object:
    try:
        return commits.submit(n)
    except Refused as exc:
        return exc


class CountingCondition(threading.Condition):
    """A condition that counts how often a waiter was woken."""

    woken = 0

    def wait(self, timeout: float | None = None) -> bool:
        answer = super().wait(timeout)
        CountingCondition.woken += 1
        return answer


def test_a_waiting_caller_is_woken_only_when_it_has_something_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with one condition for every waiter woken after each commit, the four callers
    # queued behind the first commit were woken 4 times, three of them for nothing, and 3
    # more times after their own: each caller is woken once (its commit is done, or it
    # leads the next one)
    import limes.group_commit as module

    fake = type("threading", (), {"Lock": threading.Lock, "Condition": CountingCondition})
    monkeypatch.setattr(module, "threading", fake)
    CountingCondition.woken = 0
    drain = Drains()

    def slow(items: Sequence[int]) -> list[int | BaseException]:
        if drain.batches:  # the second commit: long enough for anyone woken to wait again
            time.sleep(0.1)
        return drain(items)

    commits: GroupCommit[int, int] = GroupCommit(slow)
    first = held_first(commits, drain)
    answers: dict[int, object] = {}
    later = [
        threading.Thread(target=lambda n=n: answers.__setitem__(n, commits.submit(n)))
        for n in (2, 3, 4, 5)
    ]
    for t in later:
        t.start()
    queued(commits, 4)
    drain.hold.set()
    for t in (first, *later):
        t.join(5)
    assert answers == {2: 20, 3: 30, 4: 40, 5: 50}
    assert drain.batches == [[1], [2, 3, 4, 5]]
    assert CountingCondition.woken == 4


def test_an_exclusive_writer_waiting_goes_before_the_callers_queued_with_it() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    first = held_first(commits, drain)
    order: list[str] = []
    second = threading.Thread(target=lambda: order.append(f"submit {commits.submit(2)}"))
    second.start()
    queued(commits, 1)

    def exclusively() -> None:
        with commits.exclusive():
            order.append("exclusive")

    spell = threading.Thread(target=exclusively)
    spell.start()
    deadline = time.monotonic() + 5
    while not commits._exclusive_waiting:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    drain.hold.set()
    for t in (first, second, spell):
        t.join(5)
    assert order == ["exclusive", "submit 20"]  # then the queue is handed on
    assert commits.submit(3) == 30


def test_every_caller_gets_its_own_outcome_under_many_threads_and_exclusive_spells() -> None:
    committed: list[int] = []

    def drain(items: Sequence[int]) -> list[int | BaseException]:
        time.sleep(0.0005)  # a commit takes a while: callers queue behind it
        committed.extend(items)
        return [Refused(n) if n % 7 == 0 else n * 10 for n in items]

    commits: GroupCommit[int, int] = GroupCommit(drain)
    answers: dict[int, object] = {}
    spells = 0

    def call(n: int) -> None:
        answers[n] = _outcome(commits, n)

    def exclusively() -> None:
        nonlocal spells
        for _ in range(20):
            with commits.exclusive():
                spells += 1

    threads = [threading.Thread(target=call, args=(n,)) for n in range(1, 401)]
    threads.append(threading.Thread(target=exclusively))
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads), "a caller was never answered"
    assert sorted(committed) == list(range(1, 401)) and spells == 20
    for n in range(1, 401):
        assert isinstance(answers[n], Refused) if n % 7 == 0 else answers[n] == n * 10
