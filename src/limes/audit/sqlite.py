"""The audit log in its own SQLite file: the tables of ``store.py``, append-only by trigger.

Triggers refuse every UPDATE, and every DELETE except of records below the highest
horizon in ``audit_retention`` (see ``store.py``). The tables are created on first use,
each version of them once (``audit_schema``): a log made before a version is brought
to it when next opened.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from limes.audit.store import AuditTx
from limes.store.dialect import SQLITE

_APPEND_ONLY = "SELECT RAISE(ABORT, 'the audit log is append-only')"
_PRUNE_ONLY = (
    "SELECT RAISE(ABORT, 'the audit log is append-only; only the retention job deletes, "
    "below the horizon it recorded')"
)
_BELOW_HORIZON = "OLD.seq >= (SELECT coalesce(max(below), 0) FROM audit_retention)"

_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records "
    f"BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records "
    f"WHEN {_BELOW_HORIZON} BEGIN {_PRUNE_ONLY}; END",
    f"CREATE TRIGGER audit_alerts_no_update BEFORE UPDATE ON audit_alerts "
    f"BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_alerts_no_delete BEFORE DELETE ON audit_alerts "
    f"WHEN {_BELOW_HORIZON} BEGIN {_PRUNE_ONLY}; END",
    f"CREATE TRIGGER audit_nodes_no_update BEFORE UPDATE ON audit_nodes BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_nodes_no_delete BEFORE DELETE ON audit_nodes BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_heads_no_update BEFORE UPDATE ON audit_heads BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_retention_no_update BEFORE UPDATE ON audit_retention "
    f"BEGIN {_APPEND_ONLY}; END",
    f"CREATE TRIGGER audit_retention_no_delete BEFORE DELETE ON audit_retention "
    f"BEGIN {_APPEND_ONLY}; END",
)


SQLITE_MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_audit",
        (
            "CREATE TABLE audit_records (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, "
            "action TEXT NOT NULL, user_id TEXT, member_state TEXT, data BLOB NOT NULL)",
            "CREATE INDEX audit_records_by_user ON audit_records (user_id, member_state, seq)",
            "CREATE TABLE audit_alerts (alert_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            "issuing_state TEXT, PRIMARY KEY (alert_id, seq)) WITHOUT ROWID",
            "CREATE INDEX audit_alerts_by_seq ON audit_alerts (seq)",
            "CREATE TABLE audit_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, "
            "hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
            "CREATE TABLE audit_heads (size INTEGER PRIMARY KEY, at TEXT NOT NULL, "
            "root BLOB NOT NULL, signature BLOB NOT NULL, key_id TEXT NOT NULL)",
            "CREATE TABLE audit_retention (below INTEGER PRIMARY KEY, at TEXT NOT NULL, "
            "cutoff TEXT NOT NULL)",
            *_SQLITE_TRIGGERS,
        ),
    ),
    (
        "0002_audit_outcomes",
        (
            "CREATE TABLE audit_outcomes (seq INTEGER PRIMARY KEY, attempt INTEGER NOT NULL)",
            "CREATE INDEX audit_outcomes_by_attempt ON audit_outcomes (attempt)",
            # the records kept so far, from their own bytes (a record that is no JSON
            # object, which only an intruder writes, gets no row: ``verify`` names it)
            "INSERT INTO audit_outcomes (seq, attempt) "
            "SELECT seq, json_extract(CAST(data AS TEXT), '$.attempt') FROM audit_records "
            "WHERE json_valid(CAST(data AS TEXT)) "
            "AND json_type(CAST(data AS TEXT), '$.attempt') = 'integer'",
            f"CREATE TRIGGER audit_outcomes_no_update BEFORE UPDATE ON audit_outcomes "
            f"BEGIN {_APPEND_ONLY}; END",
            f"CREATE TRIGGER audit_outcomes_no_delete BEFORE DELETE ON audit_outcomes "
            f"WHEN {_BELOW_HORIZON} BEGIN {_PRUNE_ONLY}; END",
        ),
    ),
)

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 30000",
)


class SqliteAuditStore:
    """The audit log in its own SQLite file (``<var>/audit.db``), WAL, ``synchronous=FULL``.

    A commit returns once the WAL is fsynced, so a record is durable before the action
    it records goes ahead. One connection serves the log, guarded by a lock (the log
    writes one batch at a time anyway); other processes that open the file are
    serialised by ``BEGIN IMMEDIATE``. ``":memory:"`` gives a private in-memory log.
    The tables are created on first use.
    """

    name = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"SqliteAuditStore({self.path!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its place, so another process (the audit writer) opens its own."""
        return (SqliteAuditStore, (self.path,))

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                for pragma in _PRAGMAS:
                    conn.execute(pragma)
                self._migrate(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _migrate(self, conn: sqlite3.Connection) -> list[str]:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS audit_schema (version TEXT PRIMARY KEY, applied_at TEXT)"
        )
        applied = []
        for version, statements in SQLITE_MIGRATIONS:
            conn.execute("BEGIN IMMEDIATE")
            try:
                done = conn.execute("SELECT 1 FROM audit_schema WHERE version = ?", (version,))
                if done.fetchone() is None:
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO audit_schema VALUES (?, ?)",
                        (version, datetime.now(UTC).isoformat()),
                    )
                    applied.append(version)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        return applied

    def migrate(self) -> list[str]:
        with self._lock:
            if self._conn is None:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                for pragma in _PRAGMAS:
                    conn.execute(pragma)
                applied = self._migrate(conn)
                self._conn = conn
                return applied
            return self._migrate(self._conn)

    @contextmanager
    def _begin(self, mode: str) -> Iterator[AuditTx]:
        with self._lock:
            conn = self._connection()
            cur = conn.cursor()
            cur.execute(f"BEGIN {mode}")
            try:
                yield AuditTx(cur, SQLITE, conn.cursor)
            except BaseException:
                conn.rollback()
                raise
            else:
                conn.commit()
            finally:
                cur.close()

    def write(self, *, retention: bool = False) -> AbstractContextManager[AuditTx]:
        return self._begin("IMMEDIATE")

    def read(self) -> AbstractContextManager[AuditTx]:
        return self._begin("DEFERRED")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
