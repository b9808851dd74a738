"""Re-encryption after a data-key rotation: in batches, resumable, while the service runs.

Every sealed column of the schema is listed in ``SEALED`` (a new sealed column must be
added here, or rotation would leave it under a retired key: ``tests/crypto`` checks
the list against what the services seal). The job walks each table in primary-key
order, ``batch`` rows per write transaction; a row whose envelope names a version
other than its scope's active one is opened and sealed again. A value that fails its
integrity check stops the job with ``IntegrityError``: nothing altered is ever sealed
anew, and the operator sees which record it is. The position reached is
written in ``key_jobs`` in the same transaction, so an interrupted run resumes there,
and nothing is ever half re-encrypted. Writers are serialised, so a batch never
races a service write; readers are never blocked.

A retiring version is **retired** (its wrapped key erased) only when no row names it
any more, counted in SQL from the envelopes' key ids, and at least ``grace`` after it
stopped being active: a server re-reads which version is active every
``DataKeys.refresh_seconds``, so by then none seals new rows under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from limes.crypto.fields import (
    KEY_ID_BYTES,
    OVERHEAD,
    TEXT_KEY_ID_CHARS,
    FieldCipher,
    from_text,
    key_id,
    text_key_id,
    to_text,
)
from limes.crypto.keys import DataKeys, IntegrityError, KeyRow, KeyStatus
from limes.crypto.sealed_fields import Reason, SealedField, breakglass_reason, flag_reason
from limes.store.port import Store, Transaction

JOB = "reencrypt"
Row = Sequence[Any]


def job_position(tx: Transaction) -> tuple[int, tuple[str, ...]] | None:
    """(table index, last key done) of a pending re-encryption, or None if there is none."""
    found = tx.rows("SELECT position FROM key_jobs WHERE name = ?", (JOB,))
    if not found:
        return None
    index, _, rest = str(found[0][0]).partition("\x1f")
    return int(index), tuple(rest.split("\x1f")) if rest else ()


@dataclass(frozen=True, slots=True)
class SealedColumn:
    """One column holding envelopes: where its scope comes from and how its AD is named."""

    column: str
    text: bool
    field: Callable[[Row], str]


@dataclass(frozen=True, slots=True)
class SealedTable:
    table: str
    keys: tuple[str, ...]
    scope: str  # an expression over ``t`` (and ``a``, the alert, when ``joins_alert``)
    columns: tuple[SealedColumn, ...]
    joins_alert: bool = False

    @property
    def record_id(self) -> Callable[[Row], str]:
        return lambda row: str(row[0])


def _fixed(name: str) -> Callable[[Row], str]:
    return lambda row: name


def _per_flag(reason: str) -> Callable[[Row], str]:
    """A flag's reason is sealed per flagging state (the row's second key)."""
    return lambda row: flag_reason(row[1], reason)


SEALED: tuple[SealedTable, ...] = (
    SealedTable(
        "alerts",
        ("id",),
        "t.issuing_state",
        (
            SealedColumn("body", False, _fixed(SealedField.BODY)),
            SealedColumn("extensions", False, _fixed(SealedField.EXTENSIONS)),
        ),
    ),
    SealedTable(
        "misused_identities",
        ("alert_id",),
        "a.issuing_state",
        (SealedColumn("body", False, _fixed(SealedField.MISUSED_IDENTITY)),),
        joins_alert=True,
    ),
    SealedTable(
        "alert_flags",
        ("alert_id", "state"),
        "a.issuing_state",
        tuple(SealedColumn(name, True, _per_flag(name)) for name in Reason),
        joins_alert=True,
    ),
    SealedTable(
        "sirene_hits", ("id",), "t.scope", (SealedColumn("report", False, _fixed(SealedField.HIT)),)
    ),
    SealedTable(
        "sirene_messages",
        ("id",),
        "t.scope",
        (SealedColumn("body", False, _fixed(SealedField.MESSAGE)),),
    ),
    SealedTable(
        "sirene_attachments",
        ("id",),
        "t.scope",
        (SealedColumn("content", False, _fixed(SealedField.ATTACHMENT)),),
    ),
    SealedTable(
        "accounts",
        ("id",),
        "t.member_state",
        (SealedColumn("totp_secret", True, _fixed(SealedField.TOTP_SECRET)),),
    ),
    # appended, never inserted: a pending job's position is an index into this tuple
    SealedTable(
        "breakglass_grants",
        ("id",),
        "t.member_state",
        tuple(SealedColumn(name, True, _fixed(breakglass_reason(name))) for name in Reason),
    ),
)


def _present(value: object) -> bool:
    return value is not None and value != "" and value != b""


def count_by_key(tx: Transaction) -> dict[tuple[str, int], int]:
    """Sealed values per (scope, version), over every sealed column, counted in SQL."""
    counts: dict[tuple[str, int], int] = {}
    for spec in SEALED:
        for col in spec.columns:
            width = TEXT_KEY_ID_CHARS if col.text else KEY_ID_BYTES
            # an erased flag reason is '' (text columns); the store never writes empty bytes
            empty = f" AND {col.column} <> ''" if col.text else ""
            sql = (
                f"SELECT substr({col.column}, 1, {width}), count(*) FROM {spec.table} "  # noqa: S608 - names from the SEALED table only  # nosec B608
                f"WHERE {col.column} IS NOT NULL{empty} GROUP BY 1"
            )
            for prefix, count in tx.rows(sql):
                try:
                    found = text_key_id(prefix) if col.text else key_id(_padded(bytes(prefix)))
                except IntegrityError:
                    found = UNREADABLE
                counts[found] = counts.get(found, 0) + int(count)
    return counts


UNREADABLE = ("??", 0)
"""The key id counted for values that are no envelope at all (altered in the database)."""


def _padded(prefix: bytes) -> bytes:
    return prefix + bytes(OVERHEAD)


def _after(spec: SealedTable, last: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The WHERE clause for rows after ``last`` in primary-key order (none if empty)."""
    if not last:
        return "", []
    if len(spec.keys) == 1:
        return f"WHERE t.{spec.keys[0]} > ?", [last[0]]
    first, second = spec.keys
    return f"WHERE t.{first} > ? OR (t.{first} = ? AND t.{second} > ?)", [last[0], *last[:2]]


@dataclass(frozen=True, slots=True)
class Pass:
    """What one run of the job did."""

    examined: int
    resealed: int


class Reencryption:
    """The re-encryption job over a store's sealed columns."""

    def __init__(self, store: Store, keys: DataKeys, fields: FieldCipher) -> None:
        self.store = store
        self.keys = keys
        self.fields = fields

    # -- the job's position ----------------------------------------------------------------

    def position(self, tx: Transaction) -> tuple[int, tuple[str, ...]] | None:
        return job_position(tx)

    def _save(self, tx: Transaction, index: int, last: tuple[str, ...], now: datetime) -> None:
        text = "\x1f".join((str(index), *last))
        ts = tx.dialect.ts_in(now)
        update = "UPDATE key_jobs SET position = ?, updated_at = ? WHERE name = ?"
        if tx.run(update, (text, ts, JOB)):
            return
        tx.run(
            "INSERT INTO key_jobs (name, position, started_at, updated_at) VALUES (?, ?, ?, ?)",
            (JOB, text, ts, ts),
        )

    def start(self, tx: Transaction) -> None:
        """(Re)start the job from the first row (after new data-key versions were made)."""
        self._save(tx, 0, (), self.keys.clock())

    def remaining(self) -> int:
        """Rows the pending job has still to look at (0 when none is pending)."""
        with self.store.read() as tx:
            where = job_position(tx)
            if where is None:
                return 0
            index, last = where
            total = 0
            for spec in SEALED[index:]:
                condition, params = _after(spec, last if spec is SEALED[index] else ())
                sql = f"SELECT count(*) FROM {spec.table} t {condition}"  # noqa: S608 - names from the SEALED table only  # nosec B608
                total += int(tx.rows(sql, params)[0][0])
            return total

    # -- one batch -------------------------------------------------------------------------

    def _select(
        self, spec: SealedTable, last: tuple[str, ...], batch: int
    ) -> tuple[str, list[Any]]:
        keys = ", ".join(f"t.{k}" for k in spec.keys)
        cols = ", ".join(f"t.{c.column}" for c in spec.columns)
        join = " JOIN alerts a ON a.id = t.alert_id" if spec.joins_alert else ""
        where, params = _after(spec, last)
        sql = (
            f"SELECT {keys}, {spec.scope}, {cols} FROM {spec.table} t{join} {where} "  # noqa: S608 - names from the SEALED table only  # nosec B608
            f"ORDER BY {keys} LIMIT ?"
        )
        return sql, [*params, batch]

    def _reseal(self, tx: Transaction, spec: SealedTable, row: Row) -> int:
        n = len(spec.keys)
        scope = str(row[n])
        active = self.keys.current(scope, tx).version
        changes: dict[str, object] = {}
        for col, value in zip(spec.columns, row[n + 1 :], strict=True):
            if not _present(value):
                continue
            envelope = from_text(value) if col.text else bytes(value)
            if key_id(envelope)[1] == active:
                continue
            field = col.field(row)
            plain = self.fields.open(scope, spec.record_id(row), field, envelope, tx)
            sealed = self.fields.seal(scope, spec.record_id(row), field, plain, tx)
            changes[col.column] = to_text(sealed) if col.text else sealed
        if changes:
            assign = ", ".join(f"{c} = ?" for c in changes)
            match = " AND ".join(f"{k} = ?" for k in spec.keys)
            tx.run(
                f"UPDATE {spec.table} SET {assign} WHERE {match}",  # noqa: S608 - names from the SEALED table only  # nosec B608
                (*changes.values(), *row[:n]),
            )
        return 1 if changes else 0

    def step(self, batch: int = 1000) -> tuple[int, int, bool]:
        """One batch in one write transaction: (rows examined, rows resealed, finished)."""
        with self.store.transaction() as tx:
            where = self.position(tx)
            if where is None:
                return 0, 0, True
            index, last = where
            if index >= len(SEALED):
                tx.run("DELETE FROM key_jobs WHERE name = ?", (JOB,))
                return 0, 0, True
            spec = SEALED[index]
            sql, params = self._select(spec, last, batch)
            rows = tx.rows(sql, params)
            resealed = sum(self._reseal(tx, spec, row) for row in rows)
            if len(rows) < batch:
                self._save(tx, index + 1, (), self.keys.clock())
            else:
                last_keys = tuple(str(v) for v in rows[-1][: len(spec.keys)])
                self._save(tx, index, last_keys, self.keys.clock())
            return len(rows), resealed, False

    def run(self, batch: int = 1000, progress: Callable[[int], None] | None = None) -> Pass:
        """Run (or resume) the job to its end."""
        examined = resealed = 0
        while True:
            seen, changed, finished = self.step(batch)
            examined += seen
            resealed += changed
            if progress is not None and seen:
                progress(seen)
            if finished:
                return Pass(examined, resealed)

    # -- retirement ------------------------------------------------------------------------

    def retire(self, grace: timedelta) -> tuple[list[tuple[str, int]], list[tuple[str, int, int]]]:
        """Retire every retiring version no row names, ``grace`` after it stopped being active.

        Returns (retired now, still waiting as (scope, version, rows naming it)). When
        rows still name a retiring version (a server sealed under it before it noticed
        the rotation), the job is started again so that a next pass re-seals them.
        """
        now = self.keys.clock()
        retired, waiting = [], []
        with self.store.transaction() as tx:
            counts = count_by_key(tx)
            for row in self.keys.rows(tx):
                if row.status is not KeyStatus.RETIRING:
                    continue
                left = counts.get((row.scope, row.version), 0)
                if left == 0 and now - row.changed_at >= grace:
                    self.keys.retire(tx, row.scope, row.version)
                    retired.append((row.scope, row.version))
                else:
                    waiting.append((row.scope, row.version, left))
            if any(left for *_, left in waiting) and job_position(tx) is None:
                self.start(tx)
        return retired, waiting


@dataclass(frozen=True, slots=True)
class KeyReport:
    """``limes keys status``: every data key with the sealed values naming it."""

    keys: tuple[tuple[KeyRow, int], ...]
    kek: str
    job: tuple[str, list[str]] | None
    unknown: tuple[tuple[str, int, int], ...]


def report(store: Store, keys: DataKeys) -> KeyReport:
    with store.read() as tx:
        counts = count_by_key(tx)
        rows = keys.rows(tx)
        where = job_position(tx)
    known = {(r.scope, r.version) for r in rows}
    unknown = tuple((s, v, n) for (s, v), n in sorted(counts.items()) if (s, v) not in known)
    job = None
    if where is not None:
        index, last = where
        table = SEALED[index].table if index < len(SEALED) else "done"
        job = (table, list(last))
    return KeyReport(
        tuple((r, counts.get((r.scope, r.version), 0)) for r in rows),
        keys.kek.active_id(),
        job,
        unknown,
    )
