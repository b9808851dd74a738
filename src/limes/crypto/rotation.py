"""Re-encryption after a data-key rotation: in batches, resumable, while the service runs.

Every sealed column of the schema is listed in ``SEALED`` (``store/sealed.py``; a new
sealed column must be added there, or rotation would leave it under a retired key:
``tests/crypto`` checks the list against what the services seal). The store hands the
job their envelopes (``tx.sealed_values``); the job walks each table in primary-key
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
from limes.crypto.keys import DataKeys, IntegrityError
from limes.store.port import SEALED, KeyRow, KeyStatus, Store, Transaction

JOB = "reencrypt"
Row = Sequence[Any]


def job_position(tx: Transaction) -> tuple[int, tuple[str, ...]] | None:
    """(table index, last key done) of a pending re-encryption, or None if there is none."""
    found = tx.key_jobs.position(JOB)
    if found is None:
        return None
    index, _, rest = found.partition("\x1f")
    return int(index), tuple(rest.split("\x1f")) if rest else ()


def _present(value: object) -> bool:
    return value is not None and value != "" and value != b""


def count_by_key(tx: Transaction) -> dict[tuple[str, int], int]:
    """Sealed values per (scope, version), over every sealed column, counted by the store."""
    counts: dict[tuple[str, int], int] = {}
    for col, prefix, count in tx.sealed_values.prefixes(TEXT_KEY_ID_CHARS, KEY_ID_BYTES):
        try:
            found = text_key_id(prefix) if col.text else key_id(_padded(bytes(prefix)))
        except IntegrityError:
            found = UNREADABLE
        counts[found] = counts.get(found, 0) + count
    return counts


UNREADABLE = ("??", 0)
"""The key id counted for values that are no envelope at all (altered in the database)."""


def _padded(prefix: bytes) -> bytes:
    return prefix + bytes(OVERHEAD)


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
        tx.key_jobs.save(JOB, "\x1f".join((str(index), *last)), now)

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
            return tx.sealed_values.remaining(index, last)

    # -- one batch -------------------------------------------------------------------------

    def _reseal(self, tx: Transaction, index: int, row: Row) -> int:
        spec = SEALED[index]
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
            tx.sealed_values.write(index, row[:n], changes)
        return 1 if changes else 0

    def step(self, batch: int = 1000) -> tuple[int, int, bool]:
        """One batch in one write transaction: (rows examined, rows resealed, finished)."""
        with self.store.transaction() as tx:
            where = self.position(tx)
            if where is None:
                return 0, 0, True
            index, last = where
            if index >= len(SEALED):
                tx.key_jobs.drop(JOB)
                return 0, 0, True
            spec = SEALED[index]
            rows = tx.sealed_values.batch(index, last, batch)
            resealed = sum(self._reseal(tx, index, row) for row in rows)
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
