"""The SQL both adapters share: one transaction class, two dialects.

SQLite and PostgreSQL differ here only in placeholders, timestamps and row locks,
so the queries are written once with ``?`` placeholders and a ``Dialect`` adapts
them. Connection handling, locking and migrations stay in each adapter.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

import orjson

from limes.domain.alerts import AlertStatus, Flag, FlagStatus
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent, EventType
from limes.errors import VersionMismatch
from limes.store.port import AlertFilter, AlertRecord

Row = Sequence[Any]


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Dialect:
    placeholder: str
    for_update: str
    timestamps_as_text: bool

    def sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def ts_in(self, value: datetime | None) -> Any:
        if value is None or not self.timestamps_as_text:
            return value
        return _iso(value)

    def ts_out(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"expected a timestamp, got {type(value).__name__}")
        return value.astimezone(UTC)

    def ts(self, value: Any) -> datetime:
        """A timestamp from a NOT NULL column."""
        out = self.ts_out(value)
        if out is None:
            raise ValueError("NULL in a NOT NULL timestamp column")
        return out

    def bytes_out(self, value: Any) -> bytes | None:
        return None if value is None else bytes(value)


@lru_cache(maxsize=256)
def _iso(value: datetime) -> str:
    # bulk loads write the same few timestamps thousands of times
    return value.astimezone(UTC).isoformat(timespec="microseconds")


SQLITE = Dialect(placeholder="?", for_update="", timestamps_as_text=True)
POSTGRES = Dialect(placeholder="%s", for_update=" FOR UPDATE", timestamps_as_text=False)

ALERT_COLUMNS = (
    "id, category, object_type, subject, issuing_state, status, version, "
    "created_at, updated_at, expires_at, warned_at, body, extensions"
)
INSERT_ALERT = (
    f"INSERT INTO alerts ({ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608 - constant column list  # nosec B608
)
INSERT_KEY = "INSERT INTO alert_keys (key, alert_id) VALUES (?, ?)"
INSERT_EVENT = (
    "INSERT INTO change_events (at, type, alert_id, issuing_state, category, version, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def alert_row(d: Dialect, r: AlertRecord) -> tuple[Any, ...]:
    return (
        r.id,
        r.category,
        r.object_type,
        r.subject,
        r.issuing_state,
        r.status.value,
        r.version,
        d.ts_in(r.created_at),
        d.ts_in(r.updated_at),
        d.ts_in(r.expires_at),
        d.ts_in(r.warned_at),
        r.body,
        r.extensions,
    )


def event_row(d: Dialect, e: ChangeEvent) -> tuple[Any, ...]:
    detail = orjson.dumps(e.detail).decode()
    return (d.ts_in(e.at), e.type, e.alert_id, e.issuing_state, e.category, e.version, detail)


def event_from_row(d: Dialect, row: Row) -> ChangeEvent:
    seq, at, type_, alert_id, state, category, version, detail = row
    if isinstance(detail, str):
        detail = orjson.loads(detail)
    return ChangeEvent(
        EventType(type_), alert_id, state, category, version, d.ts(at), dict(detail), seq
    )


class SqlTransaction:
    """``port.Transaction`` over a DB-API cursor, for either dialect."""

    def __init__(self, cursor: Cursor, dialect: Dialect) -> None:
        self._cur = cursor
        self._d = dialect

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cur.execute(self._d.sql(sql), params)

    # -- for the modules that keep their own tables in the same transaction ------------

    @property
    def dialect(self) -> Dialect:
        return self._d

    def rows(self, sql: str, params: Sequence[Any] = ()) -> builtins.list[Any]:
        """Run a query written with ``?`` placeholders; return every row."""
        self._exec(sql, params)
        return self._cur.fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement written with ``?`` placeholders; return the rows it changed."""
        self._exec(sql, params)
        return int(self._cur.rowcount)

    def _record(self, row: Row, keys: frozenset[str] = frozenset()) -> AlertRecord:
        d = self._d
        return AlertRecord(
            id=row[0],
            category=row[1],
            object_type=row[2],
            subject=row[3],
            issuing_state=row[4],
            status=AlertStatus(row[5]),
            version=row[6],
            created_at=d.ts(row[7]),
            updated_at=d.ts(row[8]),
            expires_at=d.ts(row[9]),
            warned_at=d.ts_out(row[10]),
            body=d.bytes_out(row[11]),
            extensions=d.bytes_out(row[12]),
            keys=keys,
        )

    def get(self, alert_id: str, *, for_update: bool = False) -> AlertRecord | None:
        lock = self._d.for_update if for_update else ""
        sql = f"SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?{lock}"  # noqa: S608 - constants only  # nosec B608
        self._exec(sql, (alert_id,))
        row = self._cur.fetchone()
        if row is None:
            return None
        self._exec("SELECT key FROM alert_keys WHERE alert_id = ?", (alert_id,))
        keys = frozenset(k for (k,) in self._cur.fetchall())
        return self._record(row, keys)

    def insert(self, record: AlertRecord) -> None:
        self._exec(INSERT_ALERT, alert_row(self._d, record))
        self._put_keys(record)

    def _put_keys(self, record: AlertRecord) -> None:
        if record.keys:
            self._cur.executemany(
                self._d.sql(INSERT_KEY), [(k, record.id) for k in sorted(record.keys)]
            )

    def replace(self, record: AlertRecord, expected_version: int) -> None:
        d = self._d
        self._exec(
            "UPDATE alerts SET status = ?, version = ?, updated_at = ?, expires_at = ?, "
            "warned_at = ?, body = ?, extensions = ? WHERE id = ? AND version = ?",
            (
                record.status.value,
                record.version,
                d.ts_in(record.updated_at),
                d.ts_in(record.expires_at),
                d.ts_in(record.warned_at),
                record.body,
                record.extensions,
                record.id,
                expected_version,
            ),
        )
        if self._cur.rowcount != 1:
            raise VersionMismatch(f"alert {record.id} is no longer at version {expected_version}")
        self._exec("DELETE FROM alert_keys WHERE alert_id = ?", (record.id,))
        self._put_keys(record)

    def find_by_keys(self, keys: frozenset[str]) -> list[ExistingAlert]:
        if not keys:
            return []
        marks = ", ".join("?" for _ in keys)
        sql = (
            "SELECT DISTINCT a.id, a.category, a.issuing_state FROM alert_keys k "  # noqa: S608 - placeholders only  # nosec B608
            f"JOIN alerts a ON a.id = k.alert_id WHERE k.key IN ({marks}) AND a.status = ? "
            "ORDER BY a.id"
        )
        self._exec(sql, (*sorted(keys), AlertStatus.ACTIVE.value))
        return [ExistingAlert(i, CategoryCode(c), s) for i, c, s in self._cur.fetchall()]

    def list(self, where: AlertFilter) -> list[AlertRecord]:
        clauses, params = [], []
        for column in ("category", "object_type", "issuing_state"):
            value = getattr(where, column)
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.status is not None:
            clauses.append("status = ?")
            params.append(where.status.value)
        if where.after is not None:
            clauses.append("id > ?")
            params.append(where.after)
        condition = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        # constant column names and placeholders only; every value is bound
        sql = f"SELECT {ALERT_COLUMNS} FROM alerts {condition} ORDER BY id LIMIT ?"  # noqa: S608 - constant SQL text, values bound  # nosec B608
        self._exec(sql, (*params, where.limit))
        return [self._record(row) for row in self._cur.fetchall()]

    def expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]:
        self._exec(
            "SELECT id FROM alerts WHERE status = ? AND expires_at <= ? "
            "ORDER BY expires_at LIMIT ?",
            (AlertStatus.ACTIVE.value, self._d.ts_in(moment), limit),
        )
        return [i for (i,) in self._cur.fetchall()]

    def unwarned_expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]:
        self._exec(
            "SELECT id FROM alerts WHERE status = ? AND expires_at <= ? AND warned_at IS NULL "
            "ORDER BY expires_at LIMIT ?",
            (AlertStatus.ACTIVE.value, self._d.ts_in(moment), limit),
        )
        return [i for (i,) in self._cur.fetchall()]

    def flags(self, alert_id: str) -> builtins.list[Flag]:
        self._exec(
            "SELECT state, status, reason, requested_at, decided_at, decision_reason "
            "FROM alert_flags WHERE alert_id = ? ORDER BY state",
            (alert_id,),
        )
        out = []
        for state, status, reason, requested, decided, decision_reason in self._cur.fetchall():
            out.append(
                Flag(
                    state,
                    FlagStatus(status),
                    reason,
                    self._d.ts(requested),
                    self._d.ts_out(decided),
                    decision_reason,
                )
            )
        return out

    def put_flag(self, alert_id: str, flag: Flag) -> None:
        self._exec(
            "DELETE FROM alert_flags WHERE alert_id = ? AND state = ?", (alert_id, flag.state)
        )
        self._exec(
            "INSERT INTO alert_flags (alert_id, state, status, reason, requested_at, decided_at, "
            "decision_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                alert_id,
                flag.state,
                flag.status.value,
                flag.reason,
                self._d.ts_in(flag.requested_at),
                self._d.ts_in(flag.decided_at),
                flag.decision_reason,
            ),
        )

    def links(self, alert_id: str) -> builtins.list[str]:
        self._exec(
            "SELECT to_id FROM alert_links WHERE from_id = ? "
            "UNION SELECT from_id FROM alert_links WHERE to_id = ? ORDER BY 1",
            (alert_id, alert_id),
        )
        return [i for (i,) in self._cur.fetchall()]

    def add_link(self, from_id: str, to_id: str, at: datetime) -> bool:
        a, b = sorted((from_id, to_id))
        self._exec("SELECT 1 FROM alert_links WHERE from_id = ? AND to_id = ?", (a, b))
        if self._cur.fetchone() is not None:
            return False
        self._exec(
            "INSERT INTO alert_links (from_id, to_id, created_at) VALUES (?, ?, ?)",
            (a, b, self._d.ts_in(at)),
        )
        return True

    def remove_link(self, from_id: str, to_id: str) -> bool:
        a, b = sorted((from_id, to_id))
        self._exec("DELETE FROM alert_links WHERE from_id = ? AND to_id = ?", (a, b))
        return bool(self._cur.rowcount == 1)

    def remove_all_links(self, alert_id: str) -> None:
        self._exec("DELETE FROM alert_links WHERE from_id = ? OR to_id = ?", (alert_id, alert_id))

    def misused_identity(self, alert_id: str) -> bytes | None:
        self._exec("SELECT body FROM misused_identities WHERE alert_id = ?", (alert_id,))
        row = self._cur.fetchone()
        return None if row is None else bytes(row[0])

    def put_misused_identity(self, alert_id: str, body: bytes | None) -> None:
        self._exec("DELETE FROM misused_identities WHERE alert_id = ?", (alert_id,))
        if body is not None:
            self._exec(
                "INSERT INTO misused_identities (alert_id, body) VALUES (?, ?)", (alert_id, body)
            )

    def append(self, event: ChangeEvent) -> int:
        self._exec(INSERT_EVENT + " RETURNING seq", event_row(self._d, event))
        (seq,) = self._cur.fetchone()
        return int(seq)

    def events_after(self, seq: int, limit: int) -> builtins.list[ChangeEvent]:
        self._exec(
            "SELECT seq, at, type, alert_id, issuing_state, category, version, detail "
            "FROM change_events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [event_from_row(self._d, row) for row in self._cur.fetchall()]

    def count(self) -> int:
        self._exec("SELECT count(*) FROM alerts")
        return int(self._cur.fetchone()[0])

    def last_event(self) -> int:
        self._exec("SELECT COALESCE(MAX(seq), 0) FROM change_events")
        return int(self._cur.fetchone()[0])

    def bulk_insert(self, records: Sequence[AlertRecord], events: Sequence[ChangeEvent]) -> None:
        d = self._d
        self._cur.executemany(d.sql(INSERT_ALERT), [alert_row(d, r) for r in records])
        self._cur.executemany(
            d.sql(INSERT_KEY), [(k, r.id) for r in records for k in sorted(r.keys)]
        )
        self._cur.executemany(d.sql(INSERT_EVENT), [event_row(d, e) for e in events])


class ThreadConnections:
    """What both adapters do alike around their per-thread connections.

    Each adapter sets ``_local``, ``_all`` and ``_lock`` and provides ``read``; the
    reads and ``close`` below are then the same for both.
    """

    _local: threading.local
    _all: builtins.list[Any]
    _lock: threading.Lock

    def read(self) -> AbstractContextManager[SqlTransaction]:
        raise NotImplementedError

    def events_after(self, seq: int, limit: int = 100) -> builtins.list[ChangeEvent]:
        with self.read() as tx:
            return tx.events_after(seq, limit)

    def count(self) -> int:
        with self.read() as tx:
            return tx.count()

    def last_event(self) -> int:
        with self.read() as tx:
            return tx.last_event()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
