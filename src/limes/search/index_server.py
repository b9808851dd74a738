"""The index process: one copy of the search indexes for every worker of a machine.

``limes serve --workers N`` starts it (``IndexProcess``) before the workers, in a
private folder (mode 0700) holding its socket (mode 0600); it loads the snapshot (or
builds the indexes from the store and writes one), follows the change feed, and only
then listens, so a worker that connects finds the indexes built. The workers' engine
is a ``RemoteEngine`` (``index_client.py``) at ``LIMES_SEARCH_INDEX_SOCKET``; policy,
the current record of each hit, minimisation and the audit stay in the worker, only
the index lookup crosses the socket (``index_wire.py``).

It serves each worker's connection in a thread and accepts only processes of its own
user (``SO_PEERCRED``, besides the modes). ``IndexProcess`` starts it again whenever it
dies (it loads the snapshot again, then the feed since); it ends itself when its
parent is gone, killed too, building or serving (``local_service.py``, shared with the
audit writer). It is not daemonic, so that a build from the store may fork its pool
(``build_pool.py``); the pool's processes end with it. The failure cases are in
``index_client.py``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from limes.errors import InvalidInput
from limes.local_service import LocalServer, Supervisor
from limes.search.engine import MAX_WAIT, IndexBehind, SearchEngine
from limes.search.index_wire import (
    MAX_LIMIT,
    Answer,
    Failure,
    Request,
    WireError,
    receive_request,
    send,
)

log = logging.getLogger("limes.search.index")

RESTART_PAUSE_SECONDS = 0.5


class IndexServer(LocalServer):
    """Answers, from ``engine``, the requests of the workers at the socket ``path``;
    ``snapshot`` is the one file a ``save`` request may write."""

    what = "the search index process"

    def __init__(self, engine: SearchEngine, path: Path | str, snapshot: Path | None) -> None:
        super().__init__(path)
        self.engine = engine
        self.snapshot = snapshot
        self._open: set[socket.socket] = set()
        self._guard = threading.Lock()

    def serve_one(self, conn: socket.socket) -> None:
        with self._guard:
            self._open.add(conn)
        with conn:
            while not self._closed.is_set():
                try:
                    request = receive_request(conn)
                except (EOFError, OSError, WireError):
                    break  # the worker went away, or sent what is not a request: drop it
                try:
                    send(conn, self.answer(request))
                except OSError:
                    break  # the worker gave up waiting
        with self._guard:
            self._open.discard(conn)

    def answer(self, request: Request) -> Answer:
        """The engine's answer to ``request``; its refusals as a ``Failure``."""
        try:
            return self._answer(request)
        except IndexBehind as exc:
            return Answer(self.engine.position, failure=Failure("index-behind", exc.detail))
        except InvalidInput as exc:
            fields = tuple((e.pointer, e.detail) for e in exc.errors)
            return Answer(
                self.engine.position, failure=Failure("invalid-input", exc.detail, fields)
            )
        except Exception as exc:
            log.exception("the search index could not answer a %s request", request.op)
            return Answer(self.engine.position, failure=Failure("failed", repr(exc)))

    def _answer(self, request: Request) -> Answer:
        engine = self.engine
        position = engine.position  # read before searching: the answer reflects at least it
        if request.op == "persons" and request.query is not None:
            if not 1 <= request.limit <= MAX_LIMIT:
                raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}")
            found = engine.persons_matching(request.query, request.limit, request.tied)
            return Answer(position, persons=tuple(found))
        if request.op == "identifiers" and request.checked is not None:
            return Answer(position, identifiers=tuple(engine.identifiers_matching(request.checked)))
        if request.op == "wait_for":
            return Answer(engine.wait_for(request.position, MAX_WAIT))
        if request.op == "catch_up":
            applied = engine.catch_up()
            return Answer(engine.position, applied=applied)
        if request.op == "save":
            if self.snapshot is None or request.path != str(self.snapshot):
                raise InvalidInput("the index process writes its own snapshot file only")
            report = engine.save(self.snapshot)
            return Answer(report.position, size=report.size, seconds=report.seconds)
        if request.op == "hello":
            return Answer(position)
        raise InvalidInput(f"a {request.op} request without what it needs")

    def close(self) -> None:
        """Stop accepting, and end every worker's connection (as the process's end would)."""
        super().close()
        with self._guard:
            for conn in self._open:
                with contextlib.suppress(OSError):  # the worker closed it meanwhile
                    conn.shutdown(socket.SHUT_RDWR)


Target = Callable[[Any, str, int], None]
"""The index process's main: (its argument, the socket path, the parent's pid). It
builds the engine, then serves ``IndexServer`` at the path (``bootstrap.py``)."""


class IndexProcess(Supervisor):
    """``limes serve``'s index process: started (``start`` returns once its indexes are
    built: loaded from the snapshot, or from the store, which may take long), kept
    running (restarted if it dies), stopped. ``target(argument, socket path, parent
    pid)`` runs in a spawned process."""

    def __init__(self, target: Target, argument: Any) -> None:
        super().__init__(
            target,
            (argument,),
            "limes-search-index",
            restart_pause=RESTART_PAUSE_SECONDS,
            children=True,  # a build from the store forks its pool (``build_pool.py``)
        )
