"""The connection book of ``limes serve``: per-address caps, room made by closing the
connection that has waited longest, and head deadlines swept in order, on a fake clock.

``tests/security/test_availability.py`` runs the same rules in a real server.
"""

from __future__ import annotations

from collections.abc import Callable

from limes.api.connections import SWEEP_GRANULARITY, ConnectionBook, ConnectionLimits

HEAD = 4.0


class _Loop:
    """The two things the book asks of its event loop: the time, and one timer."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[tuple[float, Callable[[], None]]] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[[], None]) -> object:
        self.timers.append((when, callback))
        return object()  # the handle

    def advance(self, to: float) -> None:
        self.now = to
        due = [t for t in self.timers if t[0] <= to]
        self.timers = [t for t in self.timers if t[0] > to]
        for _, callback in sorted(due, key=lambda t: t[0]):
            callback()


class _Connection:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def close_unheard(self) -> None:
        self.closed = True

    def __repr__(self) -> str:
        return self.name


def _book(per_client: int = 2, total: int = 10) -> tuple[ConnectionBook, _Loop]:
    loop = _Loop()
    book = ConnectionBook(ConnectionLimits(HEAD, per_client, total), loop)  # type: ignore[arg-type]
    return book, loop


def _wait(book: ConnectionBook, connection: _Connection) -> None:
    book.await_head(connection)  # type: ignore[arg-type]


def test_one_address_holds_at_most_its_cap() -> None:
    book, _ = _book(per_client=2)
    assert book.admit("10.0.0.1") and book.admit("10.0.0.1")
    assert not book.admit("10.0.0.1")
    assert book.admit("10.0.0.2")
    book.release("10.0.0.1")
    assert book.admit("10.0.0.1")
    assert book.by_client == {"10.0.0.1": 2, "10.0.0.2": 1} and book.open == 3


def test_a_full_process_closes_the_longest_waiting_connection_to_make_room() -> None:
    book, loop = _book(per_client=5, total=3)
    first, second, third = _Connection("first"), _Connection("second"), _Connection("third")
    for n, connection in enumerate((first, second, third)):
        loop.now = n
        assert book.admit(f"10.0.0.{n}")
        _wait(book, connection)
    assert book.admit("10.0.0.9")
    assert first.closed and not second.closed and not third.closed
    assert list(book.waiting) == [second, third]


def test_a_full_process_of_busy_connections_refuses_the_new_one() -> None:
    book, _ = _book(per_client=5, total=2)
    assert book.admit("10.0.0.1") and book.admit("10.0.0.2")  # both sent their heads
    assert not book.admit("10.0.0.3")


def test_overdue_heads_are_closed_in_order_and_a_heard_one_is_spared() -> None:
    book, loop = _book()
    early, late, heard = _Connection("early"), _Connection("late"), _Connection("heard")
    _wait(book, early)
    loop.now = 1.0
    _wait(book, late)
    _wait(book, heard)
    book.heard(heard)  # its head arrived
    loop.advance(HEAD)
    assert early.closed and not late.closed
    loop.advance(HEAD + 1.0)
    assert late.closed and not heard.closed
    assert not book.waiting and not loop.timers  # nothing left to sweep for


def test_waiting_again_restarts_the_deadline() -> None:
    """After an answer a kept-alive connection waits anew; its old deadline is gone."""
    book, loop = _book()
    kept, other = _Connection("kept"), _Connection("other")
    _wait(book, kept)
    loop.now = 1.0
    _wait(book, other)
    loop.now = 2.0
    _wait(book, kept)
    assert list(book.waiting) == [other, kept]
    loop.advance(HEAD + 1.0)
    assert other.closed and not kept.closed
    loop.advance(HEAD + 2.0)
    assert kept.closed


def test_the_sweep_runs_no_more_often_than_its_granularity() -> None:
    book, loop = _book()
    first, second = _Connection("first"), _Connection("second")
    _wait(book, first)
    assert [when for when, _ in loop.timers] == [HEAD]
    book.heard(first)
    loop.now = 0.01
    _wait(book, second)
    loop.advance(HEAD)  # nothing overdue yet: next sweep one granularity later, not at 4.01
    assert [when for when, _ in loop.timers] == [HEAD + SWEEP_GRANULARITY]
    assert not second.closed
    loop.advance(HEAD + SWEEP_GRANULARITY)
    assert second.closed
