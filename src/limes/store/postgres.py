"""PostgreSQL adapter: the production store, all of it in one schema.

Everything Limes owns lives in its own schema (``limes`` unless told otherwise), so
it can share a database with other applications and tests can use a throw-away
schema each. Every connection sets ``search_path`` to that schema only (the
catalogue stays reachable, ``public`` does not), the session time zone to UTC and
``synchronous_commit`` to at least ``on``: a commit is acknowledged only once its WAL
is flushed (and, with ``synchronous_standby_names``, flushed on the standby too),
whatever the server's default says; a stronger server setting (``remote_apply``) is kept.

At a central site with a standby, every transaction, read or write, also checks the
fencing rule (``store/central.py``): it writes or reads only if this server holds the
current term (one statement in the transaction's own snapshot), and a connection, when
opened, first fences this server if a peer (``central_peers``) holds a higher term.

Writers are serialised with a transaction-level advisory lock, which also makes the
compatibility check and the insert it guards one atomic step, as ``BEGIN
IMMEDIATE`` does for SQLite. Each thread has its own connection (no pool: one
connection a thread is what the service needs, and it adds no dependency); the
store keeps track of them so that ``close`` closes them all.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from psycopg import sql as pgsql
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from limes.domain.events import ChangeEvent
from limes.setting_texts import redacted
from limes.store.alerts import WITH_KEYS, AlertRecord
from limes.store.bulk_rows import BulkRows, MakeRows, bulk_rows, rows_maker
from limes.store.central import check_writer, fence_from_peers
from limes.store.dialect import POSTGRES
from limes.store.migrations import scripts
from limes.store.sql import SqlTransaction, ThreadConnections

Connection = psycopg.Connection[tuple[Any, ...]]
Cursor = psycopg.Cursor[tuple[Any, ...]]

# Why writers take a lock: ``change_events.seq`` is a BIGSERIAL, and sequence values
# are handed out when a row is inserted, not when its transaction commits. Two
# concurrent writers could take seq 11 and 12 and commit 12 first; a consumer that
# tails the outbox by ``seq > last_seen`` would read 12, move its cursor past 11
# and never see 11 once it commits. Holding one lock from the first statement to
# the commit makes seq values become visible in commit order. The same lock makes
# "check compatibility, then insert" atomic without SERIALIZABLE retries.
#
# The lock is (class, object) = (a constant for Limes, CRC-32 of the schema): stores
# in different schemas of one database (tests, staging) do not wait for each other.
# Write transactions stay READ COMMITTED on purpose: each statement then sees every
# commit made before the lock was granted, whereas a REPEATABLE READ snapshot would
# be taken by the lock statement itself, before the wait, and miss them.
_LOCK_CLASS = 0x4C494D45  # "LIME"
_BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
_LOCK = "SELECT pg_advisory_xact_lock(%s::int4, %s::int4)"

# Binary COPY for bulk loads; columns and types in the order of ``alerts.alert_row``
# and ``outbox.event_row`` (``bulk_rows.bulk_rows`` writes the same rows).
_COPY_ALERTS = f"COPY alerts ({WITH_KEYS}) FROM STDIN (FORMAT BINARY)"
_ALERT_TYPES = [
    *["bytea", "int2", "int2", "int2", "text", "int2", "int4"],  # id and codes (0028)
    *["timestamptz"] * 4,
    *["bytea"] * 3,
]
_COPY_EVENTS = (
    "COPY change_events (at, type, alert_id, issuing_state, category, version, detail) "
    "FROM STDIN (FORMAT BINARY)"
)
_EVENT_TYPES = ["timestamptz", "int2", "bytea", "text", "text", "int4", "jsonb"]  # 0029


def int4(value: int) -> int:
    """An unsigned 32-bit value as the signed int4 PostgreSQL expects."""
    return value - (1 << 32) if value >= 1 << 31 else value


DEFAULT_SCHEMA = "limes"  # the store's schema unless told (tests use one each)
_WEAKER_COMMITS = ("off", "local", "remote_write")  # raised to "on"; on, remote_apply kept


@contextmanager
def ended(conn: Connection, discard: Callable[[], None]) -> Iterator[None]:
    """End the transaction the block runs on ``conn`` (autocommit, opened with BEGIN):
    COMMIT if the block ends normally, ROLLBACK on any exception. ``discard`` forgets a
    connection that broke (the server has rolled back then)."""
    try:
        yield
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            discard()
        raise
    if conn.info.transaction_status is TransactionStatus.INERROR:
        # A statement failed and the block swallowed the error: PostgreSQL would answer
        # COMMIT with a silent ROLLBACK, and the caller would believe it was written.
        conn.execute("ROLLBACK")
        raise psycopg.errors.InFailedSqlTransaction(
            "a statement of this transaction failed; it was rolled back, not committed"
        )
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.broken:
            discard()
        raise


class PostgresStore(ThreadConnections):
    name = "postgres"

    def __init__(
        self, url: str, schema: str = DEFAULT_SCHEMA, *, central_peers: Sequence[str] = ()
    ) -> None:
        if not schema:
            raise ValueError("a PostgreSQL schema name is required")
        self._url = url
        self.schema = schema
        self._peers = tuple(central_peers)
        self._term_seen = 0  # the highest central term met (fencing rule 1)
        self._fence_table = False  # migration 0020 seen applied: one statement per check
        self._lock_key = (_LOCK_CLASS, int4(zlib.crc32(schema.encode("utf-8"))))
        self._local = threading.local()
        self._all: list[Connection] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PostgresStore({redacted(self._url)!r}, schema={self.schema!r})"

    # -- connections -------------------------------------------------------------------

    def _connection(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            # autocommit: transactions are opened explicitly below, with their mode
            conn = psycopg.connect(self._url, autocommit=True)
            try:
                schema = pgsql.Identifier(self.schema)
                conn.execute(pgsql.SQL("SET search_path TO {}").format(schema))
                shown = conn.execute("SHOW synchronous_commit").fetchone()
                if shown is None or shown[0] in _WEAKER_COMMITS:
                    conn.execute("SET synchronous_commit = on")
                conn.execute("SET TimeZone = 'UTC'")
                if self._peers:
                    fence_from_peers(conn, self._peers, self.schema)  # fencing rule 3
            except BaseException:
                conn.close()
                raise
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _discard(self, conn: Connection) -> None:
        """Forget a connection that can no longer be trusted; the next call opens another."""
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        conn.close()

    @contextmanager
    def _cursor(self, begin: str, *, lock: bool) -> Iterator[Cursor]:
        """One transaction: commit if the block ends normally, roll back on any exception."""
        conn = self._connection()
        with ended(conn, lambda: self._discard(conn)), conn.cursor() as cur:
            cur.execute(begin)
            if lock:
                cur.execute(_LOCK, self._lock_key)
            yield cur

    @contextmanager
    def _session(self, begin: str, *, lock: bool) -> Iterator[SqlTransaction]:
        with self._cursor(begin, lock=lock) as cur:
            # fencing rule 1: only the holder of the current term writes, and answers
            # reads: a fenced old primary's data may be behind the promoted one's
            self._fenced_check(cur)
            yield SqlTransaction(cur, POSTGRES)

    def _fenced_check(self, cur: Cursor) -> None:
        """Fencing rule 1 (``store/central.py``), under the writer lock."""
        if not self._fence_table:
            cur.execute("SELECT to_regclass('central_fence') IS NOT NULL")
            row = cur.fetchone()
            self._fence_table = bool(row and row[0])
        term = check_writer(cur, self._term_seen, table_known=self._fence_table)
        self._term_seen = max(self._term_seen, term)

    # -- the port ----------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[SqlTransaction]:
        """A write transaction, serialised with every other writer (see ``_LOCK_CLASS``)."""
        return self._session(_BEGIN_WRITE, lock=True)

    def read(self) -> AbstractContextManager[SqlTransaction]:
        """A consistent read-only snapshot; it takes no lock and never waits for writers.

        Inside a transaction already open on this thread, the read joins it (the policy's
        break-glass check reads while a use case holds its transaction).
        """
        conn = self._connection()
        if conn.info.transaction_status is not TransactionStatus.IDLE:
            return self._joined(conn)
        return self._session(_BEGIN_READ, lock=False)

    @staticmethod
    @contextmanager
    def _joined(conn: Connection) -> Iterator[SqlTransaction]:
        with conn.cursor() as cur:
            yield SqlTransaction(cur, POSTGRES)

    def migrate(self) -> list[str]:
        """Create the schema if missing and apply pending migrations, each in its own transaction.

        Every step holds the writer lock, so concurrent migrators (two servers starting)
        apply each migration once.
        """
        schema = pgsql.Identifier(self.schema)
        with self._cursor(_BEGIN_WRITE, lock=True) as cur:
            # Look first: CREATE SCHEMA IF NOT EXISTS needs the CREATE right on the database
            # even when the schema exists, and a DBA may have made it for a less privileged role.
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,))
            if cur.fetchone() is None:
                cur.execute(pgsql.SQL("CREATE SCHEMA {}").format(schema))
            cur.execute(
                pgsql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.schema_migrations "
                    "(version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                ).format(schema)
            )
        applied = []
        for version, script in scripts("postgres"):
            with self._cursor(_BEGIN_WRITE, lock=True) as cur:
                cur.execute("SELECT 1 FROM schema_migrations WHERE version = %s", (version,))
                if cur.fetchone() is not None:
                    continue
                cur.execute(script)  # no parameters: several statements may run at once
                cur.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            applied.append(version)
        return applied

    def bulk_insert(self, records: Sequence[AlertRecord], events: Sequence[ChangeEvent]) -> None:
        """Insert with binary COPY, the fast path for initial loads, in one locked transaction.

        Binary COPY sends each value in the column's own wire format, several times
        faster than text COPY from Python; the types below must match the migrations
        (a mismatch fails the load, it never stores a wrong value).
        """
        self.insert_bulk_rows(bulk_rows(POSTGRES, records, events))

    def bulk_rows_maker(self) -> MakeRows:
        return rows_maker(POSTGRES)

    def insert_bulk_rows(self, rows: BulkRows) -> None:
        # no alert_keys: alerts_by_key (0029); the rows made before the lock is taken
        alerts, _, changes = rows
        with self._cursor(_BEGIN_WRITE, lock=True) as cur:
            self._fenced_check(cur)
            with cur.copy(_COPY_ALERTS) as copy:
                copy.set_types(_ALERT_TYPES)
                for alert in alerts:
                    copy.write_row(alert)
            # rows are numbered in the order written, so seq follows the events' order
            with cur.copy(_COPY_EVENTS) as copy:
                copy.set_types(_EVENT_TYPES)
                for *row, detail in changes:
                    # detail is JSON text already, or None for an empty one
                    copy.write_row((*row, None if detail is None else Jsonb(detail, dumps=str)))
