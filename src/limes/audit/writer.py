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
itself when its parent is gone (``local_service.py``, shared with the search index
process). The failure cases are in ``limes.audit``'s docstring.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

from limes.audit.log import AuditLog, AuditUnavailable
from limes.audit.relay import entry_from_wire, receive_message, send_message
from limes.audit.store import AuditStore
from limes.audit.wiring import audit_signer
from limes.config import Settings
from limes.local_service import LocalServer, Supervisor

log = logging.getLogger("limes.audit.writer")

START_TIMEOUT_SECONDS = 60.0
RESTART_PAUSE_SECONDS = 0.1


class WriterServer(LocalServer):
    """Appends, through ``log``, the batches that relays send to the socket ``path``."""

    what = "the audit writer"

    def __init__(self, log: AuditLog, path: Path | str) -> None:
        super().__init__(path)
        self.log = log

    def serve_one(self, conn: socket.socket) -> None:
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


class WriterProcess(Supervisor):
    """``limes serve``'s audit writer: started, kept running (restarted if it dies), stopped."""

    def __init__(self, store: AuditStore, settings: Settings) -> None:
        super().__init__(
            run_writer,
            (store, settings),
            "limes-audit-writer",
            start_timeout=START_TIMEOUT_SECONDS,
            restart_pause=RESTART_PAUSE_SECONDS,
            refused=AuditUnavailable,
        )
