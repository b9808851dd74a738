"""The audit log on PostgreSQL: its own schema, written through an insert-only role.

The schema (``limes_audit`` beside the store's ``limes``) holds the tables of
``store.py``. Appends run as ``limes_audit_writer`` (``SET LOCAL ROLE`` in each
write transaction): a role without login that holds USAGE on the schema and INSERT
and SELECT on the tables, nothing else; UPDATE, DELETE and TRUNCATE are revoked
from it and from PUBLIC. The migration creates the role if it does not exist and
makes the connecting user a member, which needs CREATEROLE (or a superuser); where
the application's user may not, a DBA creates the role once::

    CREATE ROLE limes_audit_writer NOLOGIN;
    GRANT limes_audit_writer TO <the application's user>;

The schema's owner (the connecting user) is still the owner; triggers refuse its
UPDATEs, TRUNCATEs and DELETEs too, except the retention job's deletion of records
below the horizon it records in the same transaction (that transaction does not
take the writer role: deleting is what the role may not do).

Writers of one log are serialised by a transaction-level advisory lock, so the
tree's size read at the start of a write is still the size at its commit. Commits
are ``synchronous_commit = on``. One connection serves the log, under a lock.
"""

from __future__ import annotations

import threading
import uuid
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from psycopg import sql as pgsql

from limes.audit.store import AuditTx
from limes.config import SettingsError
from limes.setting_texts import redacted
from limes.store.dialect import POSTGRES
from limes.store.postgres import ended, int4

WRITER_ROLE = "limes_audit_writer"
_LOCK_CLASS = 0x41554454  # "AUDT"
_BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
_LOCK = "SELECT pg_advisory_xact_lock(%s::int4, %s::int4)"

_TABLES = "audit_records, audit_alerts, audit_nodes, audit_heads, audit_retention"
_PRUNED = ("audit_records", "audit_alerts", "audit_outcomes")  # retention deletes their rows

_OUTCOMES_KEPT = """
DO $$
DECLARE
    kept record;
    said jsonb;
BEGIN
    -- the outcomes kept so far, from their own bytes, in one statement; if a record is
    -- no JSON object (only an intruder writes one), again one record at a time, that
    -- record getting no row (``verify`` names it)
    BEGIN
        INSERT INTO audit_outcomes (seq, attempt)
        SELECT seq, (named #>> '{}')::bigint
        FROM (SELECT seq, convert_from(data, 'UTF8')::jsonb -> 'attempt' AS named
              FROM audit_records) AS parsed
        WHERE jsonb_typeof(named) = 'number';
    EXCEPTION WHEN data_exception THEN  -- the class: bad UTF-8, JSON or number
        FOR kept IN SELECT seq, data FROM audit_records LOOP
            BEGIN
                said := convert_from(kept.data, 'UTF8')::jsonb -> 'attempt';
                IF jsonb_typeof(said) = 'number' THEN
                    INSERT INTO audit_outcomes (seq, attempt)
                    VALUES (kept.seq, (said #>> '{}')::bigint);
                END IF;
            EXCEPTION WHEN data_exception THEN
                NULL;
            END;
        END LOOP;
    END;
END
$$
"""

_FUNCTION = """
CREATE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_NARGS > 0 THEN
        IF OLD.seq < (SELECT coalesce(max(below), 0) FROM audit_retention) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'limes_audit_writer') THEN
        BEGIN
            CREATE ROLE limes_audit_writer NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another migrator made it meanwhile
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'limes_audit_writer', 'MEMBER') THEN
        EXECUTE format('GRANT limes_audit_writer TO %I', current_user);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO limes_audit_writer', current_schema());
END
$$
"""


def _triggers(tables: str = _TABLES) -> list[str]:
    out = []
    for table in tables.split(", "):
        prune = "'retention'" if table in _PRUNED else ""
        out.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_append_only({prune})"
        )
        out.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )
    return out


POSTGRES_MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_audit",
        (
            "CREATE TABLE audit_records (seq BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL, "
            "action TEXT NOT NULL, user_id TEXT, member_state TEXT, data BYTEA NOT NULL)",
            "CREATE INDEX audit_records_by_user ON audit_records (user_id, member_state, seq)",
            'CREATE TABLE audit_alerts (alert_id TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, '
            "issuing_state TEXT, PRIMARY KEY (alert_id, seq))",
            "CREATE INDEX audit_alerts_by_seq ON audit_alerts (seq)",
            "CREATE TABLE audit_nodes (level SMALLINT NOT NULL, idx BIGINT NOT NULL, "
            "hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
            "CREATE TABLE audit_heads (size BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL, "
            "root BYTEA NOT NULL, signature BYTEA NOT NULL, key_id TEXT NOT NULL)",
            "CREATE TABLE audit_retention (below BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL, "
            "cutoff TIMESTAMPTZ NOT NULL)",
            _FUNCTION,
            *_triggers(),
            _ROLE,
            "GRANT SELECT, INSERT ON audit_records, audit_alerts, audit_nodes, audit_heads "
            f"TO {WRITER_ROLE}",
            f"GRANT SELECT ON audit_retention TO {WRITER_ROLE}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {_TABLES} FROM PUBLIC, {WRITER_ROLE}",
        ),
    ),
    (
        "0002_audit_outcomes",
        (
            "CREATE TABLE audit_outcomes (seq BIGINT PRIMARY KEY, attempt BIGINT NOT NULL)",
            "CREATE INDEX audit_outcomes_by_attempt ON audit_outcomes (attempt)",
            _OUTCOMES_KEPT,
            *_triggers("audit_outcomes"),
            f"GRANT SELECT, INSERT ON audit_outcomes TO {WRITER_ROLE}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_outcomes FROM PUBLIC, {WRITER_ROLE}",
        ),
    ),
)

Connection = psycopg.Connection[tuple[Any, ...]]
_SET_ROLE = pgsql.SQL("SET LOCAL ROLE {}").format(pgsql.Identifier(WRITER_ROLE))


class PostgresAuditStore:
    name = "postgres"

    def __init__(
        self, url: str, schema: str = "limes_audit", *, local_commit: bool = False
    ) -> None:
        if not schema:
            raise ValueError("a PostgreSQL schema name is required")
        self._url = url
        self.schema = schema
        # ``local``: acknowledged once on this server's disk, not waiting for a standby;
        # only for the record of a promotion, written where no standby follows yet
        self._local_commit = local_commit
        self._lock_key = (_LOCK_CLASS, int4(zlib.crc32(schema.encode("utf-8"))))
        self._lock = threading.RLock()
        self._conn: Connection | None = None
        self._migrated = False

    def __repr__(self) -> str:
        return f"PostgresAuditStore({redacted(self._url)!r}, schema={self.schema!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its place, so another process (the audit writer) opens its own."""
        return (PostgresAuditStore, (self._url, self.schema), {"_local_commit": self._local_commit})

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            conn = psycopg.connect(self._url, autocommit=True)
            try:
                conn.execute(
                    "SET synchronous_commit = local"
                    if self._local_commit
                    else "SET synchronous_commit = on"
                )
                conn.execute("SET TimeZone = 'UTC'")
                exists = conn.execute(
                    "SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)
                ).fetchone()
                if exists is None:
                    conn.execute(
                        pgsql.SQL("CREATE SCHEMA {}").format(pgsql.Identifier(self.schema))
                    )
                conn.execute(
                    pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(self.schema))
                )
            except BaseException:
                conn.close()
                raise
            self._conn = conn
            if not self._migrated:
                self._migrate(conn)
        return self._conn

    def _migrate(self, conn: Connection) -> list[str]:
        applied = []
        with conn.cursor() as cur:
            cur.execute(_BEGIN_WRITE)
            try:
                cur.execute(_LOCK, self._lock_key)
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS audit_schema "
                    "(version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
                for version, statements in POSTGRES_MIGRATIONS:
                    cur.execute("SELECT 1 FROM audit_schema WHERE version = %s", (version,))
                    if cur.fetchone() is not None:
                        continue
                    for statement in statements:
                        cur.execute(statement.encode("utf-8"))
                    cur.execute("INSERT INTO audit_schema (version) VALUES (%s)", (version,))
                    applied.append(version)
            except psycopg.errors.InsufficientPrivilege as exc:
                conn.execute("ROLLBACK")
                raise SettingsError(
                    f"the audit log's schema {self.schema} needs the role {WRITER_ROLE}, and "
                    f"this user may not create it ({exc}); a DBA runs once: CREATE ROLE "
                    f"{WRITER_ROLE} NOLOGIN; GRANT {WRITER_ROLE} TO <this user>"
                ) from None
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        self._migrated = True
        return applied

    def migrate(self) -> list[str]:
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._migrated = True  # _connection must not migrate: we do, and report it
                conn = self._connection()
                self._migrated = False
            else:
                conn = self._conn
            return self._migrate(conn)

    @contextmanager
    def _begin(self, begin: str, *, lock: bool, role: bool) -> Iterator[AuditTx]:
        with self._lock:
            conn = self._connection()
            with ended(conn, self._discard), conn.cursor() as cur:
                cur.execute(begin)
                if lock:
                    cur.execute(_LOCK, self._lock_key)
                if role:
                    cur.execute(_SET_ROLE)

                def server_cursor() -> Any:
                    return conn.cursor(name=f"audit_{uuid.uuid4().hex}")

                yield AuditTx(cur, POSTGRES, server_cursor)

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def write(self, *, retention: bool = False) -> AbstractContextManager[AuditTx]:
        """A write transaction under the log's lock; as the writer role unless ``retention``."""
        return self._begin(_BEGIN_WRITE, lock=True, role=not retention)

    def read(self) -> AbstractContextManager[AuditTx]:
        return self._begin(_BEGIN_READ, lock=False, role=False)

    def close(self) -> None:
        with self._lock:
            self._discard()
