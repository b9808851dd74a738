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

**Without waiting.** ``enqueue(item)`` queues ``item`` as ``submit`` does but returns at
once, with a ``Future`` that gets the same outcome once the commit holding it is done.
Whenever the lead falls to such an item, nobody waits to take it: the group's
committer thread (one a process, started on first use) commits the queue instead. A
request thread that only enqueues never sleeps on a commit, so a worker needs no more
threads than it has work for, and the batches are as large as the requests queued
during a commit, however few threads made them (issue 13: forty request threads
handing the GIL and the lead to each other cost a search about 1 ms of CPU). The
future is never cancelled (its waiter's cancellation does not withdraw the item: it
may be written already), and its callbacks run in the committer thread, after the
group's lock is let go.

**Pending waits.** ``deferring()`` marks a stretch of work (a request's service call)
whose durable writes may be left pending: a writer that sees ``pending_waits()`` there
enqueues and leaves its future in that list, and whoever opened the stretch waits for
every one of them before anything of the work leaves (``api/threads.py``'s
``off_loop_durable`` awaits them on the event loop). ``when_done`` chains one durable
write after others (an audit record after the read bounds' count, which decides
whether the record says allowed or refused).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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
    future: Future[R] | None = None
    """Where an ``enqueue``d item's outcome goes (no caller waits for it)."""


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
        self._committer_due = threading.Condition(self._lock)
        self._committer_leads = False
        self._committer_pid = 0  # the process whose committer thread runs (none after fork)

    def enqueue(self, item: T) -> Future[R]:
        """``item`` queued for the next commit; its outcome in the future, once committed."""
        future: Future[R] = Future()
        future.set_running_or_notify_cancel()  # never cancelled: the item may be written
        with self._lock:
            self._queue.append(_Ticket(item, future=future))
            if not self._writing and not self._exclusive_waiting:
                self._writing = True  # nobody commits now: the committer takes the lead
                self._lead_committer()
        return future

    def _lead_committer(self) -> None:
        """Hand the lead to the committer thread (the lock held), starting it if needed."""
        self._committer_leads = True
        if self._committer_pid != os.getpid():  # first use, or a child forked since
            self._committer_pid = os.getpid()
            threading.Thread(
                target=self._commit_for_futures, name="limes-commit", daemon=True
            ).start()
        self._committer_due.notify()

    def _commit_for_futures(self) -> None:
        """The committer thread: commits the queue whenever the lead falls to it."""
        with self._lock:
            while True:
                while not self._committer_leads:
                    self._committer_due.wait()
                self._committer_leads = False
                self._commit()

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
                self._writing = True
                self._commit()
        if isinstance(ticket.outcome, BaseException):
            raise ticket.outcome
        return ticket.outcome  # type: ignore[return-value]  # set by _settle: R here

    def _commit(self) -> None:
        """Commit everything queued (the lock held, and let go meanwhile), then ``_done``."""
        batch, self._queue = self._queue, []
        self._lock.release()
        try:
            _settle(batch, self._drain)
        finally:
            self._lock.acquire()
            self._done(batch)

    def _done(self, batch: list[_Ticket[T, R]]) -> None:
        """A batch committed (the lock held): its callers woken, the lead handed on, and
        its futures given their outcomes with the lock let go meanwhile (their callbacks
        may enqueue, here or in another group)."""
        futures = []
        for settled in batch:
            settled.done = True
            if settled.wake is not None:
                settled.wake.notify()
            if settled.future is not None:
                futures.append((settled.future, settled.outcome))
        self._hand_on()
        if not futures:
            return
        self._lock.release()
        try:
            for future, outcome in futures:
                _resolve(future, outcome)
        finally:
            self._lock.acquire()

    def _hand_on(self) -> None:
        """After a commit or an exclusive spell (the lock held): the lead to the oldest
        queued caller (the committer thread for an enqueued item), unless ``exclusive``
        waits (it goes first, and hands on after)."""
        if self._queue and not self._exclusive_waiting:
            nxt = self._queue[0]
            if nxt.future is not None:
                self._lead_committer()
                return
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


def _resolve(future: Future[R], outcome: R | BaseException | None) -> None:
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)  # type: ignore[arg-type]  # set by _settle: R here


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


# -- durable waits a request leaves pending -------------------------------------------------

_waits: ContextVar[list[Future[Any]] | None] = ContextVar("limes_durable_waits", default=None)


@contextmanager
def deferring(waits: list[Future[Any]] | None = None) -> Iterator[list[Future[Any]]]:
    """Within, a durable write that can be left pending (``pending_waits``) is enqueued,
    and its future added to the list yielded, instead of waited for. Whoever opened this
    must wait for every future of that list before anything of the work leaves.
    ``deferring(None)`` inside restores waiting (a write that must be durable first)."""
    found: list[Future[Any]] = [] if waits is None else waits
    token = _waits.set(found)
    try:
        yield found
    finally:
        _waits.reset(token)


@contextmanager
def waiting() -> Iterator[None]:
    """Within, every durable write is waited for again, even inside ``deferring``."""
    token = _waits.set(None)
    try:
        yield
    finally:
        _waits.reset(token)


def pending_waits() -> list[Future[Any]] | None:
    """Where to leave a durable write's future (``deferring``), or None: wait for it."""
    return _waits.get()


def when_done(
    futures: Sequence[Future[Any]], then: Callable[[BaseException | None], Future[R] | R]
) -> Future[R]:
    """A future of ``then(failure)``, called once every one of ``futures`` is done, with
    the exception of the first of them (in order) that failed, or None. If ``then``
    returns a future, its outcome is taken; if it raises, that is the outcome. Never
    cancelled, like ``GroupCommit.enqueue``'s; ``then`` runs in the thread that finished
    the last of ``futures`` (or here, if they are all done)."""
    out: Future[R] = Future()
    out.set_running_or_notify_cancel()
    left = [len(futures)]
    counting = threading.Lock()

    def finish() -> None:
        failed = next((e for f in futures if (e := f.exception()) is not None), None)
        try:
            nxt = then(failed)
        except BaseException as exc:  # the refusal (or failure) ``then`` decided on
            out.set_exception(exc)
            return
        if isinstance(nxt, Future):
            nxt.add_done_callback(functools.partial(_copy, out))
        else:
            out.set_result(nxt)

    def one_done(_: Future[Any]) -> None:
        with counting:
            left[0] -= 1
            last = left[0] == 0
        if last:
            finish()

    if not futures:
        finish()
    for future in futures:
        future.add_done_callback(one_done)
    return out


def _copy(out: Future[R], done: Future[R]) -> None:
    failed = done.exception()
    if failed is not None:
        out.set_exception(failed)
    else:
        out.set_result(done.result())
