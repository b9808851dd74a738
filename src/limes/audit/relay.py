"""A worker's side of the audit writer: entries handed over a local socket, seqs back.

``limes serve --workers N`` runs one audit writer process (``writer.py``); each worker's
``AuditLog`` hands the batches of its own group commit to it through a ``WriterRelay``
and returns only once the writer answers with their ``seq``, which it does after its
commit (one fsync, or one PostgreSQL commit, for the batches of every worker that
arrived meanwhile).

The wire: each message is a 4-byte big-endian length and that many bytes of JSON.
A worker sends a list of entries (``entry_to_wire``); the writer answers
``{"seqs": [...]}`` or ``{"error": "..."}``. One batch is in flight per connection, so
answers need no ids.

**Failures.** ``WriterAbsent`` means nothing was sent (no writer listens): the caller
may write the entries itself, as the store allows several writers. Any failure after
the first byte was sent (the writer died, timed out, answered an error) is a
``RelayError``: the entries may or may not be in the log, so they are never sent
again; the action they record does not happen (``AuditUnavailable``). The log may
then hold a record of something that did not happen, never the reverse.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from limes.audit.record import Actor, AlertRef, Entry, Outcome, jsonable
from limes.local_service import receive_exactly

ANSWER_TIMEOUT_SECONDS = 60.0
"""How long a worker waits for the writer's answer: longer than the store's own
busy timeout (30 s), so a writer waiting for a lock is not given up on too early."""

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_LENGTH = struct.Struct(">I")


class RelayError(Exception):
    """The writer could not confirm the entries; they may or may not have been written."""


class WriterAbsent(RelayError):
    """No writer listens on the socket; nothing was sent."""


def entry_to_wire(entry: Entry) -> dict[str, Any]:
    """``entry`` as plain JSON data; ``entry_from_wire`` gives back an entry whose
    ``document`` is the same (``jsonable`` is idempotent)."""
    a = entry.actor
    return {
        "action": entry.action,
        "outcome": entry.outcome.value,
        "actor": [a.user_id, a.authority, a.member_state, list(a.roles), a.session],
        "purpose": entry.purpose,
        "alerts": [[r.id, r.version, r.state] for r in entry.alerts],
        "query": None if entry.query is None else jsonable(entry.query),
        "refs": jsonable(entry.refs),
        "reason": entry.reason,
        "rules": list(entry.rules),
        "categories": list(entry.categories),
        "attempt": entry.attempt,
    }


def entry_from_wire(data: dict[str, Any]) -> Entry:
    """The entry ``entry_to_wire`` sent (``KeyError``/``TypeError``/``ValueError`` if not one)."""
    user, authority, state, roles, session = data["actor"]
    return Entry(
        action=str(data["action"]),
        outcome=Outcome(data["outcome"]),
        actor=Actor(user, authority, state, tuple(roles), session),
        purpose=data["purpose"],
        alerts=tuple(AlertRef(i, v, s) for i, v, s in data["alerts"]),
        query=data["query"],
        refs=dict(data["refs"]),
        reason=data["reason"],
        rules=tuple(data["rules"]),
        categories=tuple(data["categories"]),
        attempt=data["attempt"],
    )


def send_message(sock: socket.socket, payload: object) -> None:
    body = orjson.dumps(payload)
    sock.sendall(_LENGTH.pack(len(body)) + body)


def receive_message(sock: socket.socket) -> Any:
    """The next message, or ``EOFError`` if the peer closed between or within messages."""
    (length,) = _LENGTH.unpack(receive_exactly(sock, _LENGTH.size))
    if length > MAX_MESSAGE_BYTES:
        raise ValueError(f"an audit message of {length} bytes is refused")
    return orjson.loads(receive_exactly(sock, length))


def _closed_by_peer(sock: socket.socket) -> bool:
    """True if the peer closed ``sock`` while no answer was due (readable means closed)."""
    poller = select.poll()  # not select(): a worker's descriptors go past 1024
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class WriterRelay:
    """A connection to the audit writer at ``path``, opened on first use and after a failure."""

    def __init__(self, path: Path | str, *, timeout: float = ANSWER_TIMEOUT_SECONDS) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None

    def __repr__(self) -> str:
        return f"WriterRelay({self.path!r})"

    def _connected(self) -> socket.socket:
        if self._sock is not None and _closed_by_peer(self._sock):
            self._close()  # the writer went away between batches: nothing of ours was lost
        if self._sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.path)
            except OSError as exc:
                sock.close()
                raise WriterAbsent(f"no audit writer at {self.path}: {exc}") from exc
            self._sock = sock
        return self._sock

    def append(self, entries: Sequence[Entry]) -> list[int]:
        """Have the writer append ``entries`` durably; their ``seq`` once it has."""
        wire = [entry_to_wire(e) for e in entries]  # a bad entry fails before anything is sent
        with self._lock:
            sock = self._connected()
            try:
                send_message(sock, wire)
                answer = receive_message(sock)
            except (OSError, EOFError, ValueError) as exc:
                self._close()
                raise RelayError(f"the audit writer did not confirm the records: {exc!r}") from exc
        if not isinstance(answer, dict) or "seqs" not in answer:
            reason = answer.get("error") if isinstance(answer, dict) else answer
            raise RelayError(f"the audit writer could not write the records: {reason}")
        seqs = [int(s) for s in answer["seqs"]]
        if len(seqs) != len(entries):
            raise RelayError("the audit writer answered for another number of records")
        return seqs

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        with self._lock:
            self._close()
