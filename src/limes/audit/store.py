"""Where the audit log lives: its own tables, apart from the alerts, in either dialect.

The tables (the same in SQLite and PostgreSQL):

* ``audit_records``: one row per record: ``seq`` (the leaf index), ``at``, and the
  canonical bytes ``data`` that are hashed; ``action``, ``user_id`` and
  ``member_state`` are copied out of ``data`` for queries (``verify`` checks they agree).
* ``audit_alerts``: which records name which alert (and its issuing state), for
  "every access to this alert"; also derived from ``data`` and checked by ``verify``.
* ``audit_outcomes``: the outcome of a change (``seq``) and its attempt (``attempt``),
  from the outcome's ``attempt``; derived and checked alike. A lookup by alert id
  returns each record naming the alert *and* the other half of its attempt/outcome
  pair: a bulk batch's outcome names its alerts only through its attempt, and a new
  alert's attempt cannot name the id it is yet to get.
* ``audit_nodes``: the hash of every perfect subtree of the Merkle tree, level 0 being
  the leaf hashes. Proofs are read from here in O(log n); records deleted by retention
  keep their leaf hashes here, so the tree stays whole and verifiable.
* ``audit_heads``: the signed tree heads.
* ``audit_retention``: the horizons of the retention runs (each also a record).

**Append-only.** Triggers refuse every UPDATE, and every DELETE except of records below
the highest horizon in ``audit_retention`` (the retention job writes that row, as a
record too, in the same transaction as the deletion): ``sqlite.py`` and ``postgres.py``,
the two stores. On PostgreSQL, appends run as the role ``limes_audit_writer``, which
holds INSERT and SELECT only (``postgres.py``).
The triggers and the role stop mistakes and the application's own paths; what makes
the log tamper-*evident* against anyone with the database's files is the Merkle tree
and its signed heads (``verify.py``).

Queries are written once with ``?`` placeholders; ``Dialect`` adapts them, as in
``limes.store.sql``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from limes.audit.heads import TreeHead
from limes.audit.merkle import Node, ProofError
from limes.audit.record import StoredRecord
from limes.store.dialect import Cursor, Dialect


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A record and what is copied out of it for queries."""

    seq: int
    at: datetime
    action: str
    user_id: str | None
    member_state: str | None
    data: bytes
    alerts: tuple[tuple[str, str | None], ...]  # (alert id, issuing state), each id once
    attempt: int | None = None  # of an outcome: its attempt's ``seq``


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Records naming ``alert_id`` (with the attempt or outcome each is paired with), or
    of the actions of ``user`` (exactly one is given).

    ``state`` limits them to what concerns that member state: actions of its users,
    and for an alert also accesses to its alerts (a paired record counts as naming the
    alert with the state its partner names). Only ``after < seq < below``, at or
    after ``since``, at most ``limit``, in ``seq`` order.
    """

    alert_id: str | None = None
    user: str | None = None
    state: str | None = None
    since: datetime | None = None
    after: int = -1
    below: int = 0
    limit: int = 100


@dataclass(frozen=True, slots=True)
class Insert:
    """One table's rows written by a statement each, or by ``COPY`` on PostgreSQL."""

    insert: str
    copy: str


_NODES = Insert(
    "INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)",
    "COPY audit_nodes (level, idx, hash) FROM STDIN",
)
_RECORDS = Insert(
    "INSERT INTO audit_records (seq, at, action, user_id, member_state, data) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    "COPY audit_records (seq, at, action, user_id, member_state, data) FROM STDIN",
)
_ALERTS = Insert(
    "INSERT INTO audit_alerts (alert_id, seq, issuing_state) VALUES (?, ?, ?)",
    "COPY audit_alerts (alert_id, seq, issuing_state) FROM STDIN",
)
_OUTCOMES = Insert(
    "INSERT INTO audit_outcomes (seq, attempt) VALUES (?, ?)",
    "COPY audit_outcomes (seq, attempt) FROM STDIN",
)


def _naming(alert: str) -> str:
    """The ``seq`` of the records that name an alert (``alert`` selects their
    ``audit_alerts`` rows), and of the attempt or outcome paired with each."""
    return (
        f"{alert} UNION SELECT seq FROM audit_outcomes WHERE attempt IN ({alert}) "  # noqa: S608 - constant clauses  # nosec B608
        f"UNION SELECT attempt FROM audit_outcomes WHERE seq IN ({alert})"
    )


_NAMING = _naming("SELECT seq FROM audit_alerts WHERE alert_id = ?")
_NAMING_OF_STATE = _naming("SELECT seq FROM audit_alerts WHERE alert_id = ? AND issuing_state = ?")

COPY_FROM = 64
"""Rows at or above which PostgreSQL is sent a batch by ``COPY``: below it, the few
statements of a request's append cost less than opening a copy."""


class AuditTx:
    """One transaction on the audit tables, for either dialect.

    ``open_stream`` opens the cursor ``stream`` reads with (a server-side one on
    PostgreSQL, so that verifying a long log does not load it into memory).
    """

    def __init__(self, cursor: Cursor, dialect: Dialect, open_stream: Callable[[], Any]) -> None:
        self._cur = cursor
        self.dialect = dialect
        self._open_stream = open_stream

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        self._cur.execute(self.dialect.sql(sql), params)
        return self._cur.fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cur.execute(self.dialect.sql(sql), params)
        return int(self._cur.rowcount)

    def _many(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        rows = list(params)
        if rows:
            self._cur.executemany(self.dialect.sql(sql), rows)

    def _insert(self, into: Insert, params: Iterable[Sequence[Any]]) -> None:
        """Rows by ``into``: on PostgreSQL a batch of ``COPY_FROM`` rows or more goes by
        ``COPY``, which sends them as one stream instead of one statement each (a bulk
        load's record names every alert of its batch: thousands of ``audit_alerts``
        rows, about 38 % of the loading writer's time row by row)."""
        rows = list(params)
        copy = getattr(self._cur, "copy", None)  # psycopg's cursor; sqlite3's has none
        if copy is None or len(rows) < COPY_FROM:
            self._many(into.insert, rows)
            return
        with copy(into.copy) as stream:
            for row in rows:
                stream.write_row(row)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """Rows one at a time, without holding them all (server-side on PostgreSQL)."""
        cursor = self._open_stream()
        try:
            cursor.execute(self.dialect.sql(sql), params)
            while batch := cursor.fetchmany(2000):
                yield from batch
        finally:
            cursor.close()

    # -- the tree ------------------------------------------------------------------------

    def size(self) -> int:
        """The number of leaves (records ever appended, pruned ones included)."""
        ((last,),) = self._rows("SELECT max(idx) FROM audit_nodes WHERE level = 0")
        return 0 if last is None else int(last) + 1

    def node(self, level: int, index: int) -> bytes:
        rows = self._rows(
            "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?", (level, index)
        )
        if not rows:
            raise ProofError(f"the audit store holds no node ({level}, {index})")
        return bytes(rows[0][0])

    def insert_nodes(self, nodes: Iterable[Node]) -> None:
        self._insert(_NODES, ((n.level, n.index, n.hash) for n in nodes))

    # -- records -------------------------------------------------------------------------

    def insert_records(self, rows: Sequence[RecordRow]) -> None:
        d = self.dialect
        self._insert(
            _RECORDS,
            ((r.seq, d.ts_in(r.at), r.action, r.user_id, r.member_state, r.data) for r in rows),
        )
        self._insert(
            _ALERTS,
            ((alert, r.seq, state) for r in rows for alert, state in r.alerts),
        )
        self._insert(_OUTCOMES, ((r.seq, r.attempt) for r in rows if r.attempt is not None))

    def last_at(self) -> datetime | None:
        rows = self._rows("SELECT at FROM audit_records ORDER BY seq DESC LIMIT 1")
        return self.dialect.ts(rows[0][0]) if rows else None

    def record_at(self, seq: int) -> datetime | None:
        rows = self._rows("SELECT at FROM audit_records WHERE seq = ?", (seq,))
        return self.dialect.ts(rows[0][0]) if rows else None

    def records_after(self, after: int, limit: int) -> list[StoredRecord]:
        """Up to ``limit`` records with ``seq > after``, in order (forwarding to the centre)."""
        rows = self._rows(
            "SELECT seq, at, data FROM audit_records WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit),
        )
        return [StoredRecord(int(s), self.dialect.ts(at), bytes(data)) for s, at, data in rows]

    def query(self, q: RecordQuery) -> list[StoredRecord]:
        """Records naming ``q.alert_id``, or of the actions of ``q.user`` (see ``RecordQuery``)."""
        params: list[Any] = [q.after, q.below]
        clauses = ["r.seq > ?", "r.seq < ?"]
        if q.alert_id is not None:
            clauses.append(f"r.seq IN ({_NAMING})")
            params += [q.alert_id] * 3
            if q.state is not None:
                clauses.append(f"(r.member_state = ? OR r.seq IN ({_NAMING_OF_STATE}))")
                params += [q.state, *[q.alert_id, q.state] * 3]
        elif q.user is not None:
            clauses.append("r.user_id = ?")
            params.append(q.user)
            if q.state is not None:
                clauses.append("r.member_state = ?")
                params.append(q.state)
        else:
            raise ValueError("a record query names an alert or a user")
        if q.since is not None:
            clauses.append("r.at >= ?")
            params.append(self.dialect.ts_in(q.since))
        rows = self._rows(
            "SELECT r.seq, r.at, r.data FROM audit_records r "  # noqa: S608 - constant clauses, bound values  # nosec B608
            f"WHERE {' AND '.join(clauses)} ORDER BY r.seq LIMIT ?",
            (*params, q.limit),
        )
        return [StoredRecord(int(s), self.dialect.ts(at), bytes(data)) for s, at, data in rows]

    # -- heads ---------------------------------------------------------------------------

    def insert_head(self, head: TreeHead) -> None:
        self._run(
            "INSERT INTO audit_heads (size, at, root, signature, key_id) VALUES (?, ?, ?, ?, ?)",
            (
                head.size,
                self.dialect.ts_in(head.timestamp),
                head.root,
                head.signature,
                head.key_id,
            ),
        )

    def head(self, row: Any) -> TreeHead:
        """A tree head from its row (``ValueError`` if the row is not one)."""
        size, at, root, signature, kid = row
        return TreeHead(int(size), self.dialect.ts(at), bytes(root), bytes(signature), str(kid))

    def head_rows(self) -> list[Any]:
        return self._rows("SELECT size, at, root, signature, key_id FROM audit_heads ORDER BY size")

    def latest_head(self) -> TreeHead | None:
        rows = self._rows(
            "SELECT size, at, root, signature, key_id FROM audit_heads ORDER BY size DESC LIMIT 1"
        )
        return self.head(rows[0]) if rows else None

    def heads(self) -> list[TreeHead]:
        return [self.head(r) for r in self.head_rows()]

    def heads_after(self, size: int, limit: int) -> list[TreeHead]:
        """The heads larger than ``size``, smallest first (the witness publishes them)."""
        rows = self._rows(
            "SELECT size, at, root, signature, key_id FROM audit_heads WHERE size > ? "
            "ORDER BY size LIMIT ?",
            (size, limit),
        )
        return [self.head(r) for r in rows]

    def latest_head_at_or_before(self, moment: datetime) -> TreeHead | None:
        """The largest head dated at or before ``moment`` (retention deletes under it)."""
        rows = self._rows(
            "SELECT size, at, root, signature, key_id FROM audit_heads WHERE at <= ? "
            "ORDER BY size DESC LIMIT 1",
            (self.dialect.ts_in(moment),),
        )
        return self.head(rows[0]) if rows else None

    # -- retention -----------------------------------------------------------------------

    def retention_below(self) -> int:
        ((below,),) = self._rows("SELECT max(below) FROM audit_retention")
        return 0 if below is None else int(below)

    def prune(self, below: int, at: datetime, cutoff: datetime) -> int:
        """Raise the horizon to ``below`` and delete the records under it (the documented path)."""
        d = self.dialect
        self._run(
            "INSERT INTO audit_retention (below, at, cutoff) VALUES (?, ?, ?)",
            (below, d.ts_in(at), d.ts_in(cutoff)),
        )
        self._run("DELETE FROM audit_alerts WHERE seq < ?", (below,))
        self._run("DELETE FROM audit_outcomes WHERE seq < ?", (below,))
        return self._run("DELETE FROM audit_records WHERE seq < ?", (below,))

    # -- everything, in order, for verification --------------------------------------------

    def all_leaves(self) -> Iterator[tuple[int, bytes]]:
        for idx, value in self.stream(
            "SELECT idx, hash FROM audit_nodes WHERE level = 0 ORDER BY idx"
        ):
            yield int(idx), bytes(value)

    def all_interior_nodes(self) -> Iterator[Node]:
        """Interior nodes in the order appends complete them (see ``Node.completed_by``)."""
        for level, idx, value in self.stream(
            "SELECT level, idx, hash FROM audit_nodes WHERE level > 0 "
            "ORDER BY (idx + 1) * (CAST(1 AS BIGINT) << level), level"
        ):
            yield Node(int(level), int(idx), bytes(value))

    def all_records(self) -> Iterator[tuple[int, Any, Any, Any, Any, bytes]]:
        """(seq, at, action, user_id, member_state, data) as stored, unchecked."""
        for seq, at, action, user, state, data in self.stream(
            "SELECT seq, at, action, user_id, member_state, data FROM audit_records ORDER BY seq"
        ):
            yield int(seq), at, action, user, state, bytes(data)

    def all_alert_rows(self) -> Iterator[tuple[int, str, str | None]]:
        for seq, alert, state in self.stream(
            "SELECT seq, alert_id, issuing_state FROM audit_alerts ORDER BY seq, alert_id"
        ):
            yield int(seq), alert, state

    def all_outcome_rows(self) -> Iterator[tuple[int, int]]:
        """(outcome's ``seq``, its ``attempt``), in ``seq`` order."""
        for seq, attempt in self.stream("SELECT seq, attempt FROM audit_outcomes ORDER BY seq"):
            yield int(seq), int(attempt)


class AuditStore(Protocol):
    """An audit log's storage: an exclusive writer transaction, and read snapshots."""

    name: str

    def migrate(self) -> list[str]:
        """Create or update the tables; return the versions applied now."""
        ...

    def write(self, *, retention: bool = False) -> AbstractContextManager[AuditTx]:
        """A write transaction, exclusive among all writers of this log (every process).

        ``retention``: the retention job's transaction, the one path that may delete.
        """
        ...

    def read(self) -> AbstractContextManager[AuditTx]: ...

    def close(self) -> None: ...
