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


def test_a_lone_caller_commits_at_once() -> None:
    drain = Drains()
    assert GroupCommit(drain).submit(3) == 30
    assert drain.batches == [[3]]


def test_callers_arriving_during_a_commit_share_the_next_one() -> None:
    drain = Drains()
    commits: GroupCommit[int, int] = GroupCommit(drain)
    drain.hold.clear()
    first = threading.Thread(target=commits.submit, args=(1,))
    first.start()
    assert drain.inside.wait(5)
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
