"""Connections before they are requests: uvicorn's HTTP protocols with deadlines and caps.

uvicorn counts every open connection against its ``limit_concurrency`` and closes none
that has not yet sent a request, so a few hundred sockets that never speak (or send
their headers a byte at a time) turn every request away with 503 (issue 11).
``limes serve`` therefore runs uvicorn without ``limit_concurrency`` and with
``GuardedHttpToolsProtocol`` (the gateway with ``GuardedH11Protocol``), whose
``ConnectionGuard``

* closes a connection whose request head (request line and headers) has not wholly
  arrived ``head_seconds`` after the connection was accepted, or after the previous
  answer on it was sent;
* refuses (resets at once) a connection from an address that already holds
  ``per_client`` connections;
* when the process holds ``total`` connections, makes room for a new one by closing
  the one that has waited longest for its request head, or refuses the new one if
  every connection is busy with a request;
* on a TLS connection, hands the peer's verified certificate to the app in the ASGI TLS
  extension, which uvicorn does not (``api/tls.py``).

A request head longer than ``HEAD_BYTES`` is answered 400 by either protocol (h11 through
uvicorn's ``h11_max_incomplete_event_size``, httptools by its guarded protocol here).

Requests in progress, not sockets, are limited by ``api/admission.py``. The cost on
the request path is two dictionary operations per request (forget the connection when
its head arrives, remember it when its answer has gone); deadlines are enforced by one
timer per process that sweeps the connections waiting longest, not a timer each.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from limes.api.tls import WithTlsExtension, tls_extension

SWEEP_GRANULARITY = 0.25
"""Seconds a connection may outlive its deadline; bounds how often the sweep runs."""
HEAD_BYTES = 16 * 1024
"""Longest request head (request line and headers) read; the gateway gives h11 the same
bound (``h11_max_incomplete_event_size``, ``gateway/server.py``)."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """What one server process allows connections that have not sent a request."""

    head_seconds: float
    per_client: int
    total: int


class ConnectionBook:
    """The connections of one uvicorn server (one process): how many each client address
    holds, and which wait for a request head, oldest first.

    ``waiting`` maps a connection to its deadline. Every deadline is the time it started
    waiting plus the same ``head_seconds``, and a connection that waits again moves to
    the end, so insertion order is deadline order and the sweep stops at the first
    connection still in time.
    """

    def __init__(self, limits: ConnectionLimits, loop: asyncio.AbstractEventLoop) -> None:
        self.limits = limits
        self.loop = loop
        self.open = 0
        self.by_client: dict[str, int] = {}
        self.waiting: dict[ConnectionGuard, float] = {}
        self._sweep: asyncio.TimerHandle | None = None

    @classmethod
    def of(
        cls, server: ServerState, limits: ConnectionLimits, loop: asyncio.AbstractEventLoop
    ) -> ConnectionBook:
        """The book of ``server``, made by its first connection."""
        book = _BOOKS.get(server)
        if book is None:
            book = _BOOKS[server] = cls(limits, loop)
        return book

    def admit(self, client: str) -> bool:
        """Count a new connection from ``client``; False if it must be refused: its address
        holds its cap, or the process is full and no connection waits for a head."""
        held = self.by_client.get(client, 0)
        if held >= self.limits.per_client:
            return False
        if self.open >= self.limits.total:
            if not self.waiting:
                return False
            oldest = next(iter(self.waiting))
            del self.waiting[oldest]
            oldest.close_unheard()
        self.by_client[client] = held + 1
        self.open += 1
        return True

    def release(self, client: str) -> None:
        """Forget an admitted connection that has closed."""
        self.open -= 1
        held = self.by_client.pop(client) - 1
        if held:
            self.by_client[client] = held

    def await_head(self, connection: ConnectionGuard) -> None:
        """``connection`` waits for a request head from now on."""
        self.waiting.pop(connection, None)
        self.waiting[connection] = self.loop.time() + self.limits.head_seconds
        if self._sweep is None:
            self._schedule(self.waiting[connection])

    def heard(self, connection: ConnectionGuard) -> None:
        """``connection`` is no longer waiting (its head arrived, or it closed)."""
        self.waiting.pop(connection, None)

    def _schedule(self, deadline: float) -> None:
        when = max(deadline, self.loop.time() + SWEEP_GRANULARITY)
        self._sweep = self.loop.call_at(when, self._close_overdue)

    def _close_overdue(self) -> None:
        self._sweep = None
        now = self.loop.time()
        while self.waiting:
            connection, deadline = next(iter(self.waiting.items()))
            if deadline > now:
                self._schedule(deadline)
                return
            del self.waiting[connection]
            connection.close_unheard()


_BOOKS: weakref.WeakKeyDictionary[ServerState, ConnectionBook] = weakref.WeakKeyDictionary()


class ConnectionGuard(asyncio.Protocol):
    """The rules of ``ConnectionBook`` and the ASGI TLS extension, for an HTTP protocol of
    uvicorn's: mixed in before it (``GuardedHttpToolsProtocol``, ``GuardedH11Protocol``).

    Both of uvicorn's protocols start a ``cycle`` once a request head has wholly arrived,
    and call ``on_response_complete`` once its answer has been sent; the guard needs no
    more of them. Built by ``functools.partial(Guarded…Protocol, limits=…,
    server_cert=…)``, given to uvicorn as its ``http`` protocol: a partial of a
    module-level class survives the pickling that ``--workers N`` does, and each worker
    process then keeps its own book.
    """

    # what uvicorn's protocols have, which the guard reads
    app: Any
    loop: asyncio.AbstractEventLoop
    server_state: ServerState
    client: tuple[str, int] | None
    transport: asyncio.Transport
    cycle: Any

    def __init__(
        self, *args: Any, limits: ConnectionLimits, server_cert: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.book = ConnectionBook.of(self.server_state, limits, self.loop)
        self.server_cert = server_cert
        self._address: str | None = None
        self._waiting = False
        self._answered: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else ""
        if not self.book.admit(address):
            transport.abort()  # a reset costs the server nothing to linger over
            return
        self._address = address
        # asyncio calls this once the handshake is done, so the peer's certificate is known
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            self.app = WithTlsExtension(self.app, tls_extension(ssl_object, self.server_cert))
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._address is not None:
            self.book.heard(self)
            self.book.release(self._address)
            self._address = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting and self.cycle is not self._answered:
            self._waiting = False
            self.book.heard(self)

    def on_response_complete(self) -> None:
        answered = self.cycle
        super().on_response_complete()  # type: ignore[misc]  # may start a pipelined request at once
        if self._address is not None and self.cycle is answered:
            if not self.transport.is_closing():
                self._await_head()

    def close_unheard(self) -> None:
        """Close a connection whose request head is overdue, or that makes room for another."""
        self._waiting = False
        if not self.transport.is_closing():
            self.transport.close()

    def _await_head(self) -> None:
        self._waiting = True
        self._answered = self.cycle
        self.book.await_head(self)


class GuardedH11Protocol(ConnectionGuard, H11Protocol):
    """uvicorn's h11 protocol with the guard (the gateway's; h11 bounds the request head
    by uvicorn's ``h11_max_incomplete_event_size``)."""


class GuardedHttpToolsProtocol(ConnectionGuard, HttpToolsProtocol):
    """uvicorn's httptools protocol (llhttp, in C) with the guard: ``limes serve``'s.

    It parses a request in about a third of h11's CPU (issue 13). llhttp bounds no
    request head, so this protocol bounds it as h11 does: a head still incomplete once
    more than ``HEAD_BYTES`` have arrived since it began is answered 400 and the
    connection closed, as uvicorn's h11 protocol answers an over-long head.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes: int | None = None
        """Bytes arrived since the current request head began; None between heads."""
        self._begun = self._completed = False
        """Whether the chunk being parsed began a request, and ended one."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._begun = True

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._completed = True
        super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        self._begun = self._completed = False
        super().data_received(data)
        if self._head_bytes is None or self.transport.is_closing():
            return
        # Counted after parsing, as h11 counts only a head still incomplete. The whole
        # chunk is head unless it also ended the request before (pipelining): then the
        # head's share of it is unknown and not counted, so the bound may be passed by
        # at most one chunk (uvloop reads at most 256 KiB at once).
        if not (self._begun and self._completed):
            self._head_bytes += len(data)
        if self._head_bytes > HEAD_BYTES:
            self._head_bytes = None
            self.send_400_response("Invalid HTTP request received.")
