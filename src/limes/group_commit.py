"""Group commit: concurrent writers of one process share one durable transaction.

A durable commit costs an fsync (about 4 ms on the disks Limes was measured on), and a
SQLite store has one writer at a time. When every request of a busy server opens its own
write transaction, the threads queue on the database lock, and they queue badly: SQLite's
busy handler does not wait in line, it sleeps and tries again (1, 2, 5 … then 100 ms
between tries), so a thread that lost a few times sleeps 100 ms at a stretch while newer
ones take the lock in the gaps: answers of a median 25–80 ms had a p99 of 0.6–1.5 s and a
maximum of 2–7 s (issue 13). ``GroupCommit`` queues the callers in the process instead:
one of them (the leader) takes everything queued and commits it in one transaction while
the next callers queue; each caller gets its own result (or its own refusal) once that
commit is done, never before. No timer: a lone caller commits at once.

Each waiting caller sleeps on a condition of its own, and is woken only when there is
something for it to do: its commit is done, or it is the next leader (the oldest caller
queued when a commit ends). One condition for all, woken with ``notify_all`` after every
commit, woke every waiter for each batch only for all but one to go back to sleep: with
16 requests in flight a worker, two group commits a request (read bounds, audit), that
was thousands of needless thread wake-ups a second, each taking the GIL (issue 13).

The ``drain`` function given to ``GroupCommit`` does the work of a batch, in order, in
one transaction, and returns one outcome a caller: its result, or the exception to raise
in that caller (a refusal of one caller that must not undo the others'). An exception
raised by ``drain`` itself (the transaction failed, nothing of it was committed) is
raised in every caller of the batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class _Ticket(Generic[T, R]):
    item: T
    outcome: R | BaseException | None = None
    done: bool = False
    lead: bool = False
    """Handed the lead by the commit before: this caller commits the queue next."""
    wake: threading.Condition | None = None
    """What this caller sleeps on (over the group's lock), made only if it has to wait."""


class GroupCommit(Generic[T, R]):
    """``submit(item)`` returns ``item``'s outcome once the transaction holding it committed."""

    def __init__(self, drain: Callable[[Sequence[T]], Sequence[R | BaseException]]) -> None:
        self._drain = drain
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # ``exclusive`` waits on it
        self._queue: list[_Ticket[T, R]] = []
        self._writing = False
        self._exclusive_waiting = 0
        self.wakeups = 0
        """How many times a waiting caller was woken (tests: one a caller at most)."""

    def submit(self, item: T) -> R:
        """``item`` written with whatever else is queued; its result, or its exception."""
        ticket: _Ticket[T, R] = _Ticket(item)
        with self._lock:
            self._queue.append(ticket)
            if self._writing:
                wake = ticket.wake = threading.Condition(self._lock)
                while not (ticket.done or ticket.lead):
                    wake.wait()
                    self.wakeups += 1
            if not ticket.done:  # the lead: commit everything queued, this ticket first
                self._writing, batch, self._queue = True, self._queue, []
                self._lock.release()
                try:
                    _settle(batch, self._drain)
                finally:
                    self._lock.acquire()
                    for settled in batch:
                        settled.done = True
                        if settled.wake is not None:
                            settled.wake.notify()
                    self._hand_on()
        if isinstance(ticket.outcome, BaseException):
            raise ticket.outcome
        return ticket.outcome  # type: ignore[return-value]  # set by _settle: R here

    def _hand_on(self) -> None:
        """After a commit or an exclusive spell (the lock held): the lead to the oldest
        queued caller, unless ``exclusive`` waits (it goes first, and hands on after)."""
        if self._queue and not self._exclusive_waiting:
            nxt = self._queue[0]
            nxt.lead = True
            if nxt.wake is not None:
                nxt.wake.notify()
            return  # still writing: the next leader is on its way
        self._writing = False
        if self._exclusive_waiting:
            self._idle.notify_all()

    def queued(self) -> int:
        """How many callers wait for the next commit."""
        with self._lock:
            return len(self._queue)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Be this process's one writer for a while (callers of ``submit`` queue meanwhile)."""
        with self._lock:
            self._exclusive_waiting += 1
            try:
                while self._writing:
                    self._idle.wait()
            except BaseException:
                self._exclusive_waiting -= 1
                if not self._writing and self._queue:  # it was let go first: pass it on
                    self._writing = True
                    self._hand_on()
                raise
            self._exclusive_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._lock:
                self._hand_on()


def _settle(
    batch: list[_Ticket[T, R]], drain: Callable[[Sequence[T]], Sequence[R | BaseException]]
) -> None:
    try:
        outcomes = drain([t.item for t in batch])
        if len(outcomes) != len(batch):
            raise RuntimeError(f"a batch of {len(batch)} got {len(outcomes)} outcomes")
    except BaseException as exc:  # the transaction failed: nothing of the batch is written
        outcomes = [exc] * len(batch)
    for ticket, outcome in zip(batch, outcomes, strict=True):
        ticket.outcome = outcome
