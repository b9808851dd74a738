"""The alert aggregate's tables: alerts and their match keys, flags, links and misused
identities (the outbox of change events is ``outbox.py``).

Each is a small repository on the transaction (``tx.alerts``, ``tx.flags``,
``tx.links``, ``tx.misused_identities``; ``tx.outbox``), so an alert and the event
that reports its change commit together. Alert content is opaque bytes here: the
store never reads it.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from limes.domain.alerts import AlertStatus, Flag, FlagStatus
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.errors import VersionMismatch
from limes.store.alert_ids import id_in, id_out
from limes.store.dialect import Dialect, Row, Tables
from limes.store.event_codes import (
    ACTIVE_CODE,
    category_code,
    object_type_code,
    object_type_of,
    status_code,
    status_of,
    stored_category,
    subject_code,
    subject_of,
)
from limes.store.match_key_bytes import key_in, pack, packed, stored_keys, unpack


@dataclass(frozen=True, slots=True)
class AlertRecord:
    id: str
    category: str
    object_type: str | None
    subject: str
    issuing_state: str
    status: AlertStatus
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    body: bytes | None
    keys: frozenset[str] = frozenset()
    extensions: bytes | None = None
    warned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """List filters; ``after`` is the cursor (the last id of the previous page)."""

    category: str | None = None
    object_type: str | None = None
    issuing_state: str | None = None
    status: AlertStatus | None = AlertStatus.ACTIVE
    after: str | None = None
    limit: int = 50


ALERT_COLUMNS = (
    "id, category, object_type, subject, issuing_state, status, version, "
    "created_at, updated_at, expires_at, warned_at, body, extensions"
)
WITH_KEYS = f"{ALERT_COLUMNS}, keys"
READ_COLUMNS = ALERT_COLUMNS.replace("updated_at", "COALESCE(updated_at, created_at)")
"""``ALERT_COLUMNS`` as a query reads them: PostgreSQL stores no ``updated_at`` that is
its ``created_at`` (0030, ``updated_in``)."""
READ_WITH_KEYS = f"{READ_COLUMNS}, keys"
"""An alert's columns and its match keys, packed (``match_key_bytes.py``, migration 0026)."""
INSERT_ALERT = f"INSERT INTO alerts ({WITH_KEYS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608 - constant column list  # nosec B608
ID_PREFIX = "substr(id, 1, 6)"
"""What PostgreSQL's alerts_by_state and alerts_by_category_<n> hold of an id (0030): a
ULID's millisecond, which sorts as the id does."""
INSERT_KEY = "INSERT INTO alert_keys (key, alert_id) VALUES (?, ?)"
SealedRow = tuple[str, str, str, int, bytes | None, bytes | None]
"""An active alert as the search build reads it (``Alerts.sealed``): its id, category,
issuing state, version, sealed body and sealed extensions; no timestamps to convert."""
SEALED_PAGE = (
    "SELECT id, category, issuing_state, version, body, extensions FROM alerts WHERE status = ?"
)
BY_KEY_TABLE = (  # SQLite: alert_keys by its primary key, then each alert by id
    "SELECT DISTINCT a.id, a.category, a.issuing_state FROM alert_keys k "
    "JOIN alerts a ON a.id = k.alert_id WHERE k.key IN ({marks}) AND a.status = ? ORDER BY a.id"
)
BY_KEY_HASHES = (  # PostgreSQL: the GIN index alerts_by_key alone (0029); the status, the
    # keys themselves and the order are the caller's (a handful of rows a lookup)
    "SELECT id, category, issuing_state, status, keys FROM alerts "
    "WHERE limes_key_hashes(keys) && limes_key_hashes(?)"
)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def at_in(d: Dialect, value: datetime | None) -> Any:
    """An alert's or change event's timestamp as its column holds it: in SQLite,
    microseconds since 1970 UTC (migrations 0023, 0024; 8 bytes, not 32 characters of
    text), else as the dialect does."""
    if value is None or not d.timestamps_as_text:
        return d.ts_in(value)
    return _micros(value)


@lru_cache(maxsize=256)
def _micros(value: datetime) -> int:
    # bulk loads write the same few timestamps thousands of times
    return (value - _EPOCH) // _MICROSECOND


def at_out(d: Dialect, value: Any) -> datetime | None:
    """The timestamp of an alert's column (``at_in``'s integer, or a dialect's value)."""
    if isinstance(value, int):
        return _EPOCH + value * _MICROSECOND
    return d.ts_out(value)


def at_required(d: Dialect, value: Any) -> datetime:
    found = at_out(d, value)
    if found is None:
        raise ValueError("NULL in a NOT NULL timestamp column")
    return found


def updated_in(d: Dialect, r: AlertRecord) -> Any:
    """``r.updated_at`` as its column holds it: in PostgreSQL, NULL while it is
    ``r.created_at`` (an alert never changed, most of them: 8 bytes of its row; migration
    0030), which a read takes back (``READ_COLUMNS``)."""
    if d.postgres_indexes and r.updated_at == r.created_at:
        return None
    return at_in(d, r.updated_at)


def alert_row(d: Dialect, r: AlertRecord, stored: Sequence[bytes] | None = None) -> tuple[Any, ...]:
    """The row of ``r``; ``stored``: its keys' stored forms if known (``key_rows``). Its
    id as bytes (``alert_ids.py``), its category, object type, subject and status by
    number (``event_codes.py``; migration 0028)."""
    return (
        id_in(r.id),
        category_code(r.category),
        object_type_code(r.object_type),
        subject_code(r.subject),
        r.issuing_state,
        status_code(r.status),
        r.version,
        at_in(d, r.created_at),
        updated_in(d, r),
        at_in(d, r.expires_at),
        at_in(d, r.warned_at),
        r.body,
        r.extensions,
        packed(stored_keys(r.keys) if stored is None else stored) or None,
    )


def rows_of(
    d: Dialect, records: Sequence[AlertRecord]
) -> tuple[list[tuple[Any, ...]], list[tuple[bytes, bytes]]]:
    """The alert rows of ``records`` and their ``alert_keys`` rows (stored key, alert id),
    each key converted once."""
    alerts, keys = [], []
    for r in records:
        stored = stored_keys(r.keys)
        row = alert_row(d, r, stored)
        alerts.append(row)
        keys += [(k, row[0]) for k in stored]
    return alerts, keys


IDS_PER_STATEMENT = 500
"""Ids bound into one statement: far below SQLite's and PostgreSQL's parameter limits."""


def id_chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[i : i + IDS_PER_STATEMENT] for i in range(0, len(ids), IDS_PER_STATEMENT)]


def list_query(d: Dialect, where: AlertFilter) -> tuple[str, tuple[Any, ...]]:
    """The statement of ``Alerts.list`` and its values: a page of ``where``'s alerts in id
    order. In PostgreSQL a category's number is written out (its partial index, 0029), and
    a page by category or state is ordered by the id's first 6 bytes and then the id, its
    cursor compared as both (the indexes hold those bytes, 0030)."""
    # each condition as its column holds the value (ids as bytes, codes as numbers)
    stored = {
        "category = ?": None if where.category is None else category_code(where.category),
        "object_type = ?": object_type_code(where.object_type),
        "issuing_state = ?": where.issuing_state,
        "status = ?": None if where.status is None else status_code(where.status),
        "id > ?": None if where.after is None else id_in(where.after),
    }
    written: list[str] = []
    order = "id"
    code = stored["category = ?"]
    if d.postgres_indexes and isinstance(code, int):
        # PostgreSQL's partial index of this category (0029) serves only its number
        # written out; an int of CATEGORY_CODES, never text from outside
        written, stored["category = ?"] = [f"category = {code:d}"], None
    if d.postgres_indexes and (written or where.issuing_state is not None):
        # the index gives the order of the millisecond, an incremental sort that of its ids
        order = f"{ID_PREFIX}, id"
        after = stored.pop("id > ?")
        if isinstance(after, bytes):
            stored[f"{ID_PREFIX} >= ?"], stored["id > ?"] = after[:6], after
    clauses = written + [clause for clause, value in stored.items() if value is not None]
    params = [value for value in stored.values() if value is not None]
    condition = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    # constant column names and placeholders only; every value is bound (but that number)
    sql = f"SELECT {READ_COLUMNS} FROM alerts {condition} ORDER BY {order} LIMIT ?"  # noqa: S608 - constant SQL text, values bound  # nosec B608
    return sql, (*params, where.limit)


class SqlAlerts(Tables):
    """``port.Alerts`` in SQL: the alerts and their match keys."""

    def _record(self, row: Row) -> AlertRecord:
        """The record of a row of ``READ_COLUMNS``, with its keys if ``READ_WITH_KEYS``."""
        d = self._d
        return AlertRecord(
            id=id_out(row[0]),
            category=stored_category(row[1]),
            object_type=object_type_of(row[2]),
            subject=subject_of(row[3]),
            issuing_state=row[4],
            status=status_of(row[5]),
            version=row[6],
            created_at=at_required(d, row[7]),
            updated_at=at_required(d, row[8]),
            expires_at=at_required(d, row[9]),
            warned_at=at_out(d, row[10]),
            body=d.bytes_out(row[11]),
            extensions=d.bytes_out(row[12]),
            keys=unpack(row[13]) if len(row) > 13 else frozenset(),
        )

    def get(
        self, alert_id: str, *, for_update: bool = False, keys: bool = True
    ) -> AlertRecord | None:
        """The alert, with its match keys unless ``keys`` is False: an answer (reading an
        alert, a search's hits) shows no keys, and reading and unpacking the packed
        column was a tenth of a store read (issue 13). A record read without its keys is
        never written back: ``replace`` would take its empty keys for the alert's, so a
        read for an update always takes them."""
        if for_update and not keys:
            raise ValueError("an alert read for an update is read with its match keys")
        lock = self._d.for_update if for_update else ""
        columns = READ_WITH_KEYS if keys else READ_COLUMNS
        sql = f"SELECT {columns} FROM alerts WHERE id = ?{lock}"  # noqa: S608 - constants only  # nosec B608
        self._exec(sql, (id_in(alert_id),))
        row = self._cur.fetchone()
        return None if row is None else self._record(row)

    def get_many(self, alert_ids: Sequence[str], *, keys: bool = True) -> dict[str, AlertRecord]:
        """The stored alerts among ``alert_ids``, by id, with their keys (from their
        rows) unless ``keys`` is False (as ``get``): one statement per
        ``IDS_PER_STATEMENT`` ids (a search opening its hits)."""
        rows: list[Row] = []
        columns = READ_WITH_KEYS if keys else READ_COLUMNS
        for chunk in id_chunks(alert_ids):
            marks = ", ".join("?" * len(chunk))
            alerts = f"SELECT {columns} FROM alerts WHERE id IN ({marks})"  # noqa: S608 - placeholders only  # nosec B608
            self._exec(alerts, tuple(id_in(i) for i in chunk))
            rows += self._cur.fetchall()
        found = (self._record(row) for row in rows)
        return {record.id: record for record in found}

    def insert(self, record: AlertRecord) -> None:
        self.insert_many([record])

    def insert_many(self, records: Sequence[AlertRecord]) -> None:
        """Insert new alerts and their keys in two statements (initial loads)."""
        d = self._d
        alerts, keys = rows_of(d, records)
        self._cur.executemany(d.sql(INSERT_ALERT), alerts)
        if keys and not d.postgres_indexes:
            self._cur.executemany(d.sql(INSERT_KEY), keys)

    def replace(self, record: AlertRecord, expected_version: int) -> None:
        d, stored_id = self._d, id_in(record.id)
        before: frozenset[str] = frozenset()
        if not d.postgres_indexes:
            self._exec("SELECT keys FROM alerts WHERE id = ?", (stored_id,))
            row = self._cur.fetchone()
            before = unpack(row[0]) if row is not None else frozenset()
        # PostgreSQL: NULL while it is the stored created_at (0030, ``updated_in``)
        updated = "NULLIF(?, created_at)" if d.postgres_indexes else "?"
        self._exec(
            f"UPDATE alerts SET status = ?, version = ?, updated_at = {updated}, "  # noqa: S608 - one of two constants  # nosec B608
            "expires_at = ?, warned_at = ?, body = ?, extensions = ?, keys = ? "
            "WHERE id = ? AND version = ?",
            (
                status_code(record.status),
                record.version,
                at_in(d, record.updated_at),
                at_in(d, record.expires_at),
                at_in(d, record.warned_at),
                record.body,
                record.extensions,
                pack(record.keys) or None,
                stored_id,
                expected_version,
            ),
        )
        if self._cur.rowcount != 1:
            raise VersionMismatch(f"alert {record.id} is no longer at version {expected_version}")
        if d.postgres_indexes:
            return  # the GIN index over the row's keys follows the row
        # only the keys that changed: the row said which it had (no index by alert)
        gone = [(key_in(k), stored_id) for k in sorted(before - record.keys)]
        if gone:
            self._cur.executemany(
                d.sql("DELETE FROM alert_keys WHERE key = ? AND alert_id = ?"), gone
            )
        added = [(key_in(k), stored_id) for k in sorted(record.keys - before)]
        if added:
            self._cur.executemany(d.sql(INSERT_KEY), added)

    def find_by_keys(self, keys: frozenset[str]) -> list[ExistingAlert]:
        """The active alerts holding any of ``keys``, by id. In PostgreSQL the index finds
        the alerts whose keys share 8 bytes with one of ``keys``; the keys decide."""
        if not keys:
            return []
        if not self._d.postgres_indexes:
            marks = ", ".join("?" for _ in keys)
            self._exec(
                BY_KEY_TABLE.format(marks=marks), (*(key_in(k) for k in sorted(keys)), ACTIVE_CODE)
            )
            rows = self._cur.fetchall()
        else:
            self._exec(BY_KEY_HASHES, (pack(keys),))
            rows = sorted(
                (bytes(i), c, s)
                for i, c, s, status, held in self._cur.fetchall()
                if status == ACTIVE_CODE and keys & unpack(held)
            )
        return [ExistingAlert(id_out(i), CategoryCode(stored_category(c)), s) for i, c, s in rows]

    def list(self, where: AlertFilter) -> list[AlertRecord]:
        self._exec(*list_query(self._d, where))
        return [self._record(row) for row in self._cur.fetchall()]

    def sealed(self, after: str | None, limit: int) -> builtins.list[SealedRow]:
        """A page of the active alerts in id order, what the search build reads only."""
        d = self._d
        cursor = "AND id > ? " if after is not None else ""
        values = (ACTIVE_CODE, id_in(after), limit) if after is not None else (ACTIVE_CODE, limit)
        self._exec(f"{SEALED_PAGE} {cursor}ORDER BY id LIMIT ?", values)
        return [
            (id_out(i), stored_category(c), state, version, d.bytes_out(b), d.bytes_out(e))
            for i, c, state, version, b, e in self._cur.fetchall()
        ]

    def expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]:
        # ACTIVE_CODE written out: the partial index alerts_by_expiry serves only that
        self._exec(
            "SELECT id FROM alerts WHERE status = 0 AND expires_at <= ? "
            "ORDER BY expires_at LIMIT ?",
            (at_in(self._d, moment), limit),
        )
        return [id_out(i) for (i,) in self._cur.fetchall()]

    def unwarned_expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]:
        self._exec(
            "SELECT id FROM alerts WHERE status = 0 AND expires_at <= ? "
            "AND warned_at IS NULL ORDER BY expires_at LIMIT ?",
            (at_in(self._d, moment), limit),
        )
        return [id_out(i) for (i,) in self._cur.fetchall()]

    def count(self) -> int:
        self._exec("SELECT count(*) FROM alerts")
        return int(self._cur.fetchone()[0])


class SqlFlags(Tables):
    """``port.Flags`` in SQL: one flag per alert and member state."""

    def of(self, alert_id: str) -> list[Flag]:
        self._exec(
            "SELECT state, status, reason, requested_at, decided_at, decision_reason "
            "FROM alert_flags WHERE alert_id = ? ORDER BY state",
            (alert_id,),
        )
        d = self._d
        return [
            Flag(state, FlagStatus(status), reason, d.ts(requested), d.ts_out(decided), why)
            for state, status, reason, requested, decided, why in self._cur.fetchall()
        ]

    def of_many(self, alert_ids: Sequence[str]) -> dict[str, list[Flag]]:
        """The flags of each of ``alert_ids`` that has any, by state, in few statements."""
        out: dict[str, list[Flag]] = {}
        d = self._d
        for chunk in id_chunks(alert_ids):
            marks = ", ".join("?" * len(chunk))
            self._exec(
                "SELECT alert_id, state, status, reason, requested_at, decided_at, "  # noqa: S608 - placeholders only  # nosec B608
                f"decision_reason FROM alert_flags WHERE alert_id IN ({marks}) "
                "ORDER BY alert_id, state",
                tuple(chunk),
            )
            for alert_id, state, status, reason, requested, decided, why in self._cur.fetchall():
                flag = Flag(
                    state, FlagStatus(status), reason, d.ts(requested), d.ts_out(decided), why
                )
                out.setdefault(alert_id, []).append(flag)
        return out

    def put(self, alert_id: str, flag: Flag) -> None:
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


class SqlLinks(Tables):
    """``port.Links`` in SQL: each link stored once, its ids in sorted order."""

    def of(self, alert_id: str) -> list[str]:
        self._exec(
            "SELECT to_id FROM alert_links WHERE from_id = ? "
            "UNION SELECT from_id FROM alert_links WHERE to_id = ? ORDER BY 1",
            (alert_id, alert_id),
        )
        return [i for (i,) in self._cur.fetchall()]

    def of_many(self, alert_ids: Sequence[str]) -> dict[str, list[str]]:
        """The ids linked to each of ``alert_ids`` that has any, sorted, in few statements."""
        found: dict[str, set[str]] = {}
        for chunk in id_chunks(alert_ids):
            marks = ", ".join("?" * len(chunk))
            self._exec(
                f"SELECT from_id, to_id FROM alert_links WHERE from_id IN ({marks}) "  # noqa: S608 - placeholders only  # nosec B608
                f"UNION SELECT to_id, from_id FROM alert_links WHERE to_id IN ({marks})",
                (*chunk, *chunk),
            )
            for alert_id, other in self._cur.fetchall():
                found.setdefault(alert_id, set()).add(other)
        return {alert_id: sorted(others) for alert_id, others in found.items()}

    def add(self, from_id: str, to_id: str, at: datetime) -> bool:
        a, b = sorted((from_id, to_id))
        self._exec("SELECT 1 FROM alert_links WHERE from_id = ? AND to_id = ?", (a, b))
        if self._cur.fetchone() is not None:
            return False
        self._exec(
            "INSERT INTO alert_links (from_id, to_id, created_at) VALUES (?, ?, ?)",
            (a, b, self._d.ts_in(at)),
        )
        return True

    def remove(self, from_id: str, to_id: str) -> bool:
        a, b = sorted((from_id, to_id))
        self._exec("DELETE FROM alert_links WHERE from_id = ? AND to_id = ?", (a, b))
        return bool(self._cur.rowcount == 1)

    def remove_all(self, alert_id: str) -> None:
        self._exec("DELETE FROM alert_links WHERE from_id = ? OR to_id = ?", (alert_id, alert_id))


class SqlMisusedIdentities(Tables):
    """``port.MisusedIdentities`` in SQL: the sealed identity, as given, per alert."""

    def get(self, alert_id: str) -> bytes | None:
        self._exec("SELECT body FROM misused_identities WHERE alert_id = ?", (alert_id,))
        row = self._cur.fetchone()
        return None if row is None else bytes(row[0])

    def put(self, alert_id: str, body: bytes | None) -> None:
        self._exec("DELETE FROM misused_identities WHERE alert_id = ?", (alert_id,))
        if body is not None:
            self._exec(
                "INSERT INTO misused_identities (alert_id, body) VALUES (?, ?)", (alert_id, body)
            )
