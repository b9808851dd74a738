"""SQLite adapter: the embedded default, one file in WAL mode.

A commit is acknowledged only once it is durable: ``synchronous=FULL`` makes
SQLite fsync the WAL on every commit. Writers are serialised by
``BEGIN IMMEDIATE``, which also makes the compatibility check and the insert it
guards one atomic step. Each thread has its own connection (SQLite connections
must not be shared between threads mid-transaction).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from limes.domain.events import ChangeEvent
from limes.store.alert_ids import id_in
from limes.store.alerts import INSERT_ALERT, INSERT_KEY
from limes.store.bulk_rows import BulkRows, MakeRows, bulk_rows, rows_maker
from limes.store.dialect import SQLITE
from limes.store.event_codes import (
    category_code,
    event_code,
    object_type_code,
    status_code,
    subject_code,
)
from limes.store.match_key_bytes import Packer, key_in
from limes.store.migrations import scripts
from limes.store.outbox import INSERT_EVENT
from limes.store.port import AlertRecord
from limes.store.sql import SqlTransaction, ThreadConnections

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 30000",
    "PRAGMA cache_size = -65536",
    # deleted and overwritten values are zeroed, not left in free space: a reason sealed
    # in place of its plaintext (migration 0009) leaves no copy in the file. Debian
    # builds SQLite with this on; said here so that no build decides it.
    "PRAGMA secure_delete = ON",
)


class SqliteStore(ThreadConnections):
    name = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            # migrations 0026 to 0028 convert stored rows with the code that writes new ones
            conn.create_function("limes_key_bytes", 1, key_in, deterministic=True)
            conn.create_function("limes_event_code", 1, event_code, deterministic=True)
            conn.create_function("limes_category_code", 1, category_code, deterministic=True)
            # 0028 too, and the sealed tables' join of an alert by its id (sealed.py)
            conn.create_function("limes_alert_id", 1, id_in, deterministic=True)
            conn.create_function("limes_object_type_code", 1, object_type_code, deterministic=True)
            conn.create_function("limes_subject_code", 1, subject_code, deterministic=True)
            conn.create_function("limes_status_code", 1, status_code, deterministic=True)
            # typeshed's aggregate protocol steps over ints only; this one takes text
            conn.create_aggregate("limes_pack_keys", 1, Packer)  # type: ignore[arg-type]
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _begin(self, mode: str) -> Iterator[SqlTransaction]:
        conn = self._connection()
        cur = conn.cursor()
        cur.execute(f"BEGIN {mode}")
        try:
            yield SqlTransaction(cur, SQLITE)
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()
        finally:
            cur.close()

    def transaction(self) -> AbstractContextManager[SqlTransaction]:
        return self._begin("IMMEDIATE")

    def read(self) -> AbstractContextManager[SqlTransaction]:
        """A read snapshot; inside a transaction already open on this thread, it joins it
        (the policy's break-glass check reads while a use case holds its transaction)."""
        if self._connection().in_transaction:
            return self._joined()
        return self._begin("DEFERRED")

    @contextmanager
    def _joined(self) -> Iterator[SqlTransaction]:
        cur = self._connection().cursor()
        try:
            yield SqlTransaction(cur, SQLITE)
        finally:
            cur.close()

    def migrate(self) -> list[str]:
        conn = self._connection()
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = {v for (v,) in conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, sql in scripts("sqlite"):
            if version in done:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat()),
                )
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            applied.append(version)
        return applied

    def bulk_insert(self, records: Sequence[AlertRecord], events: Sequence[ChangeEvent]) -> None:
        """Insert many new alerts, their keys and events in one transaction (initial
        loads): the rows are made before it begins (``bulk_rows``), so the write
        lock is held only while SQLite inserts them."""
        self.insert_bulk_rows(bulk_rows(SQLITE, records, events))

    def bulk_rows_maker(self) -> MakeRows:
        return rows_maker(SQLITE)

    def insert_bulk_rows(self, rows: BulkRows) -> None:
        with self._begin("IMMEDIATE"):
            conn = self._connection()
            conn.executemany(INSERT_ALERT, rows.alerts)
            # in key order (``bulk_rows``): the pieces' sorted runs merge in one pass
            conn.executemany(INSERT_KEY, sorted(rows.keys))
            conn.executemany(INSERT_EVENT, rows.events)


def examine(path: Path, *, data_keys: bool) -> tuple[str, list[tuple[str, int, str, bytes]]]:
    """SQLite's integrity verdict on a database file no store has open (a restored backup
    before it takes its place) and, when asked and the verdict is ``ok``, (scope, version,
    KEK id, wrapped key) of every live data key in it.

    Raises ``sqlite3.DatabaseError`` when the file is no usable database.
    """
    conn = sqlite3.connect(path)
    try:
        (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok" or not data_keys:
            return str(verdict), []
        rows = conn.execute(
            "SELECT scope, version, kek_id, wrapped FROM data_keys WHERE wrapped IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    return "ok", [(s, int(v), k, bytes(w)) for s, v, k, w in rows]
