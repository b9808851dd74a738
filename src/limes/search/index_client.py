"""A worker's search engine when the indexes live in the index process (``index_server.py``).

``RemoteEngine`` is a ``SearchEngine`` whose lookups cross a local socket: the service
layer, identity links and screening call it exactly as they call the engine in
process (``persons_matching``, ``identifiers_matching``, ``wait_for``, ``position``),
and the snapshot job's ``catch_up`` and ``save`` are done by the index process. It
holds no index of its own; its connections are pooled, one request in flight on each.

``position`` is the highest feed position an answer of the index process has named.
The index process only moves forward (a restarted one loads the snapshot and applies
the feed up to the store's last event before it listens), so an answer that reflects
at least that position, as the service says it does, tells the truth; a search naming
``wait_for`` gets the position the index process reached.

**Failures** (each a 503 problem at the HTTP door, never a wrong "no hit"):

* the index process is not listening (it died and is being started again, loading its
  snapshot): ``IndexUnavailable`` at once, the request was not sent;
* it does not answer within ``ANSWER_TIMEOUT_SECONDS`` (the wait for a feed position
  included), closes the connection, or answers what is not an answer:
  ``IndexUnavailable``; that connection is dropped, never reused for a late answer;
* its engine refused: ``IndexBehind`` (503) and ``InvalidInput`` (422) as in process.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from limes.crypto import Crypto
from limes.errors import FieldError, InvalidInput, Unavailable
from limes.search.engine import (
    MAX_WAIT,
    BuildReport,
    IndexBehind,
    Indexed,
    Progress,
    SearchEngine,
    SnapshotReport,
)
from limes.search.hits import PersonHit
from limes.search.identifiers import CheckedQuery, IdentifierMatch
from limes.search.index_wire import (
    Answer,
    Request,
    WireError,
    receive_answer,
    send,
)
from limes.search.query import PersonQuery
from limes.store.port import Store

ANSWER_TIMEOUT_SECONDS = 5.0
"""Longest a worker waits for one answer: a search takes milliseconds, a wait for a
feed position at most ``MAX_WAIT``; past this the index process is taken as stuck."""
SAVE_TIMEOUT_SECONDS = 600.0
"""Longest the snapshot job waits for the index process to write the snapshot."""
IDLE_CONNECTIONS = 16


class IndexUnavailable(Unavailable):
    """The index process did not answer: it is down (being restarted) or stuck."""

    slug = "search-index-unavailable"
    title = "The search index is not available; search again shortly"


class RemoteEngine(SearchEngine):
    """The engine of a worker of ``limes serve --workers N``: the index process's, at
    ``path``. ``store`` and ``crypto`` are the worker's own (the service reads the
    current record of each hit itself)."""

    def __init__(self, store: Store, crypto: Crypto, path: Path) -> None:
        super().__init__(store, crypto)
        self.path = path
        self._idle: list[socket.socket] = []
        self._pool = threading.Lock()
        self._seen = 0

    # -- the engine's API -----------------------------------------------------------------

    @property
    def built(self) -> bool:
        """Always: the index process listens only once its indexes are built."""
        return True

    @property
    def position(self) -> int:
        return self._seen

    def build(self, progress: Progress | None = None) -> BuildReport:
        raise RuntimeError("the index process builds the indexes, not a worker")

    def load(self, path: Path) -> BuildReport:
        raise RuntimeError("the index process loads the snapshot, not a worker")

    def follow(self, interval: float = 0.2) -> None:
        """Nothing to do: the index process follows the change feed."""

    def stop(self) -> None:
        with self._pool:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def catch_up(self, limit: int = 1000) -> int:
        return self._call(Request("catch_up")).applied

    def save(self, path: Path) -> SnapshotReport:
        answer = self._call(Request("save", path=str(path)), SAVE_TIMEOUT_SECONDS)
        return SnapshotReport(answer.position, answer.size, answer.seconds)

    def wait_for(self, position: int, timeout: float = MAX_WAIT) -> int:
        return self._call(Request("wait_for", position=position)).position

    def indexed(self, slot: int) -> Indexed | None:
        raise RuntimeError("slots are the index process's; its answers carry the alerts")

    def persons_matching(
        self, query: PersonQuery, limit: int, tied: bool = False
    ) -> list[tuple[Indexed, PersonHit]]:
        asked = Request("persons", query=query, limit=limit, tied=tied)
        return list(self._call(asked).persons)

    def identifiers_matching(self, query: CheckedQuery) -> list[tuple[Indexed, IdentifierMatch]]:
        return list(self._call(Request("identifiers", checked=query)).identifiers)

    def hello(self) -> int:
        """The index process's position (``IndexUnavailable`` if it does not answer)."""
        return self._call(Request("hello")).position

    # -- the socket -----------------------------------------------------------------------

    def _call(self, request: Request, timeout: float = ANSWER_TIMEOUT_SECONDS) -> Answer:
        conn, reused = self._connection()
        try:
            answer = self._exchange(conn, request, timeout)
        except (OSError, EOFError, WireError) as exc:
            conn.close()  # a late answer must never be read as the next request's
            self.stop()  # the others went to the same process: it may have died
            if not reused or isinstance(exc, TimeoutError):  # a stuck one: no second wait
                raise _unavailable(exc) from None
            conn, _ = self._connection()  # every request reads only: asking again is safe
            try:
                answer = self._exchange(conn, request, timeout)
            except (OSError, EOFError, WireError) as again:
                conn.close()
                raise _unavailable(again) from None
        self._release(conn)
        with self._pool:
            self._seen = max(self._seen, answer.position)
        failure = answer.failure
        if failure is None:
            return answer
        if failure.kind == "index-behind":
            raise IndexBehind(failure.detail)
        if failure.kind == "invalid-input":
            raise InvalidInput(failure.detail, [FieldError(p, d) for p, d in failure.fields])
        # its log holds why; the detail may name what was searched, so it stays there
        raise IndexUnavailable("the search index process failed on this search")

    @staticmethod
    def _exchange(conn: socket.socket, request: Request, timeout: float) -> Answer:
        conn.settimeout(timeout)
        send(conn, request)
        return receive_answer(conn)

    def _connection(self) -> tuple[socket.socket, bool]:
        """An idle connection (True) or a new one (False)."""
        with self._pool:
            if self._idle:
                return self._idle.pop(), True
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(ANSWER_TIMEOUT_SECONDS)
            conn.connect(str(self.path))
        except OSError as exc:
            conn.close()
            raise IndexUnavailable(
                f"the search index process is not listening ({exc.strerror or exc}); "
                "it is being started again: search again shortly"
            ) from None
        return conn, False

    def _release(self, conn: socket.socket) -> None:
        with self._pool:
            if len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()


def _unavailable(exc: BaseException) -> IndexUnavailable:
    return IndexUnavailable(
        f"the search index process did not answer ({type(exc).__name__}); search again shortly"
    )
