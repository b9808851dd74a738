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


class GroupCommit(Generic[T, R]):
    """``submit(item)`` returns ``item``'s outcome once the transaction holding it committed."""

    def __init__(self, drain: Callable[[Sequence[T]], Sequence[R | BaseException]]) -> None:
        self._drain = drain
        self._cond = threading.Condition()
        self._queue: list[_Ticket[T, R]] = []
        self._writing = False

    def submit(self, item: T) -> R:
        """``item`` written with whatever else is queued; its result, or its exception."""
        ticket: _Ticket[T, R] = _Ticket(item)
        with self._cond:
            self._queue.append(ticket)
            while not ticket.done:
                if self._writing:
                    self._cond.wait()
                    continue
                self._writing, batch, self._queue = True, self._queue, []
                self._cond.release()
                try:
                    _settle(batch, self._drain)
                finally:
                    self._cond.acquire()
                    for settled in batch:
                        settled.done = True
                    self._writing = False
                    self._cond.notify_all()
        if isinstance(ticket.outcome, BaseException):
            raise ticket.outcome
        return ticket.outcome  # type: ignore[return-value]  # set by _settle: R here

    def queued(self) -> int:
        """How many callers wait for the next commit."""
        with self._cond:
            return len(self._queue)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Be this process's one writer for a while (callers of ``submit`` queue meanwhile)."""
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


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
