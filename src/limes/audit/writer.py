"""The audit writer: one process that appends the records of every worker.

``limes serve --workers N`` starts it (``WriterProcess``) before the workers, in a
private folder (mode 0700) holding its socket; the workers find the socket in
``LIMES_AUDIT_WRITER_SOCKET`` and hand their batches to it (``relay.py``). It serves
each worker's connection in a thread that calls ``AuditLog.append``, so the batches
of all workers that arrive while one transaction commits go into the next one: one
fsync (or one PostgreSQL commit) for all of them, and no worker waits on the
store's lock. It answers a batch only after the commit that holds it.

It accepts connections only from processes of its own user (``SO_PEERCRED``, besides
the folder's mode). ``WriterProcess`` starts it again whenever it dies; it ends
itself when its parent is gone. The failure cases are in ``limes.audit``'s docstring.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from limes.audit.log import AuditLog, AuditUnavailable
from limes.audit.relay import entry_from_wire, receive_message, send_message
from limes.audit.store import AuditStore
from limes.audit.wiring import audit_signer
from limes.config import Settings
from limes.peers import peer_uid

log = logging.getLogger("limes.audit.writer")

PARENT_CHECK_SECONDS = 1.0
START_TIMEOUT_SECONDS = 60.0
RESTART_PAUSE_SECONDS = 0.1


class WriterServer:
    """Appends, through ``log``, the batches that relays send to the socket ``path``."""

    def __init__(self, log: AuditLog, path: Path | str) -> None:
        self.log = log
        self.path = str(path)
        if os.path.exists(self.path):
            os.unlink(self.path)  # a socket left by a writer that died
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        os.chmod(self.path, 0o600)
        self._listener.listen(128)
        self._listener.settimeout(PARENT_CHECK_SECONDS)
        self._closed = threading.Event()

    def serve(self, *, parent: int | None = None) -> None:
        """Accept relays until ``close``, or until the process ``parent`` is no longer ours."""
        while not self._closed.is_set():
            if parent is not None and os.getppid() != parent:
                log.warning("the audit writer's parent is gone; it stops")
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
        with conn:
            while True:
                try:
                    message = receive_message(conn)
                except (EOFError, OSError, ValueError):
                    return  # the worker went away (or sent half a batch): nothing to write
                try:
                    send_message(conn, self._append(message))
                except OSError:
                    return  # the worker died waiting: its records stay, unanswered

    def _append(self, message: Any) -> dict[str, Any]:
        try:
            entries = [entry_from_wire(item) for item in message]
        except (KeyError, TypeError, ValueError) as exc:
            return {"error": f"not a batch of audit entries: {exc!r}"}
        try:
            return {"seqs": self.log.append(entries)}
        except AuditUnavailable as exc:
            return {"error": repr(exc.__cause__ or exc)}

    def close(self) -> None:
        self._closed.set()
        self._listener.close()


def run_writer(store: AuditStore, settings: Settings, path: str, parent: int) -> None:
    """The writer process: ``store``'s log, signing with the installation's key."""
    audit = AuditLog(
        store, signer=audit_signer(settings), retention_years=settings.audit_retention_years
    )
    server = WriterServer(audit, path)
    try:
        server.serve(parent=parent)
    finally:
        server.close()
        audit.close()


class WriterProcess:
    """``limes serve``'s audit writer: started, kept running (restarted if it dies), stopped."""

    def __init__(self, store: AuditStore, settings: Settings) -> None:
        self._store = store
        self._settings = settings
        self.folder = Path(tempfile.mkdtemp(prefix="limes-audit-"))
        self.socket_path = self.folder / "writer.sock"
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="limes-audit-writer", daemon=True)
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start the writer and return once it accepts relays."""
        try:
            self._spawn()
        except BaseException:
            self.stop()
            raise
        self._watcher.start()

    def _spawn(self) -> None:
        process = self._context.Process(
            target=run_writer,
            args=(self._store, self._settings, str(self.socket_path), os.getpid()),
            name="limes-audit-writer",
            daemon=True,
        )
        process.start()
        self._process = process
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._accepts():
            if not process.is_alive() or time.monotonic() > deadline:
                raise AuditUnavailable(
                    f"the audit writer did not start (exit code {process.exitcode})"
                )
            time.sleep(0.02)

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
                "the audit writer ended (exit code %s); starting it again", self._process.exitcode
            )
            time.sleep(RESTART_PAUSE_SECONDS)
            try:
                self._spawn()
                self.restarts += 1
            except Exception:
                log.exception("the audit writer could not be started again")

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join(timeout)
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout)
        shutil.rmtree(self.folder, ignore_errors=True)
