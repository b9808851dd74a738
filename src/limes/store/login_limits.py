"""The SQL of the login limits (``service/login_limits.py``), written once for both stores.

One row per (scope, subject): how many login attempts were counted and when the last
one was. The rules (how many are free, how long to wait) live in the service; these
functions run inside the caller's transaction, so "read, decide, count" is atomic
under the store's writer lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from limes.store.port import Transaction


@dataclass(frozen=True, slots=True)
class Attempts:
    attempts: int
    last_at: datetime


def read(tx: Transaction, scope: str, subject: str) -> Attempts | None:
    found = tx.rows(
        "SELECT attempts, last_at FROM login_limits WHERE scope = ? AND subject = ?",
        (scope, subject),
    )
    if not found:
        return None
    return Attempts(int(found[0][0]), tx.dialect.ts(found[0][1]))


def put(tx: Transaction, scope: str, subject: str, attempts: int, at: datetime) -> None:
    """Store the count of ``(scope, subject)`` (replacing any row)."""
    ts = tx.dialect.ts_in(at)
    changed = tx.run(
        "UPDATE login_limits SET attempts = ?, last_at = ? WHERE scope = ? AND subject = ?",
        (attempts, ts, scope, subject),
    )
    if changed == 0:
        tx.run(
            "INSERT INTO login_limits (scope, subject, attempts, last_at) VALUES (?, ?, ?, ?)",
            (scope, subject, attempts, ts),
        )


def forget(tx: Transaction, scope: str, subject: str) -> None:
    tx.run("DELETE FROM login_limits WHERE scope = ? AND subject = ?", (scope, subject))


def prune(tx: Transaction, before: datetime) -> int:
    """Forget every row whose last attempt is at or before ``before``."""
    return tx.run("DELETE FROM login_limits WHERE last_at <= ?", (tx.dialect.ts_in(before),))
