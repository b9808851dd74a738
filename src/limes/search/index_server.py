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
parent is gone. The failure cases are in ``index_client.py``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from limes.errors import InvalidInput
from limes.peers import peer_uid
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

PARENT_CHECK_SECONDS = 1.0
RESTART_PAUSE_SECONDS = 0.5


class IndexServer:
    """Answers, from ``engine``, the requests of the workers at the socket ``path``;
    ``snapshot`` is the one file a ``save`` request may write."""

    def __init__(self, engine: SearchEngine, path: Path | str, snapshot: Path | None) -> None:
        self.engine = engine
        self.snapshot = snapshot
        self.path = str(path)
        if os.path.exists(self.path):
            os.unlink(self.path)  # a socket left by an index process that died
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        os.chmod(self.path, 0o600)
        self._listener.listen(128)
        self._listener.settimeout(PARENT_CHECK_SECONDS)
        self._closed = threading.Event()
        self._open: set[socket.socket] = set()
        self._guard = threading.Lock()

    def serve(self, *, parent: int | None = None) -> None:
        """Accept workers until ``close``, or until the process ``parent`` is no longer ours."""
        while not self._closed.is_set():
            if parent is not None and os.getppid() != parent:
                log.warning("the search index process's parent is gone; it stops")
                return
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._closed.is_set():
                    return
                raise
            if peer_uid(conn) not in (None, os.getuid()):
                conn.close()
                continue
            threading.Thread(target=self._serve_one, args=(conn,), daemon=True).start()

    def _serve_one(self, conn: socket.socket) -> None:
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
            found = engine.persons_matching(request.query, request.limit)
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
        self._closed.set()
        self._listener.close()
        with self._guard:
            for conn in self._open:
                with contextlib.suppress(OSError):  # the worker closed it meanwhile
                    conn.shutdown(socket.SHUT_RDWR)


Target = Callable[[Any, str, int], None]
"""The index process's main: (its argument, the socket path, the parent's pid). It
builds the engine, then serves ``IndexServer`` at the path (``bootstrap.py``)."""


class IndexProcess:
    """``limes serve``'s index process: started, kept running (restarted if it dies),
    stopped. ``target(argument, socket path, parent pid)`` runs in a spawned process."""

    def __init__(self, target: Target, argument: Any) -> None:
        self._target = target
        self._argument = argument
        self.folder = Path(tempfile.mkdtemp(prefix="limes-search-"))  # mode 0700
        self.socket_path = self.folder / "index.sock"
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="limes-search-index", daemon=True)
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start the index process and return once it answers: its indexes are built
        (loaded from the snapshot, or from the store, which may take long)."""
        try:
            self._spawn()
        except BaseException:
            self.stop()
            raise
        self._watcher.start()

    def _spawn(self) -> None:
        process = self._context.Process(
            target=self._target,
            args=(self._argument, str(self.socket_path), os.getpid()),
            name="limes-search-index",
            daemon=True,
        )
        process.start()
        self._process = process
        while not self._accepts():
            if not process.is_alive() or self._stopping.is_set():
                raise RuntimeError(
                    f"the search index process did not start (exit code {process.exitcode})"
                )
            time.sleep(0.05)

    def _accepts(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(str(self.socket_path))
            except OSError:
                return False
        return True

    def _watch(self) -> None:
        while not self._stopping.is_set():
            self._process.join(0.05)
            if self._process.is_alive() or self._stopping.is_set():
                continue
            log.error(
                "the search index process ended (exit code %s); starting it again",
                self._process.exitcode,
            )
            time.sleep(RESTART_PAUSE_SECONDS)
            try:
                self._spawn()
                self.restarts += 1
            except Exception:
                log.exception("the search index process could not be started again")

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join(timeout)
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout)
        shutil.rmtree(self.folder, ignore_errors=True)
