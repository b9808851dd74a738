"""The SQL of the login limits (``service/login_limits.py``), written once for both stores.

One row per (scope, subject): how many login attempts were counted and when the last
one was. The rules (how many are free, how long to wait) live in the service; these
functions run inside the caller's transaction, so "read, decide, count" is atomic
under the store's writer lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from limes.store.dialect import Tables


@dataclass(frozen=True, slots=True)
class Attempts:
    attempts: int
    last_at: datetime


class SqlLoginAttempts(Tables):
    """``port.LoginAttempts`` in SQL."""

    def read(self, scope: str, subject: str) -> Attempts | None:
        found = self.rows(
            "SELECT attempts, last_at FROM login_limits WHERE scope = ? AND subject = ?",
            (scope, subject),
        )
        if not found:
            return None
        return Attempts(int(found[0][0]), self._d.ts(found[0][1]))

    def put(self, scope: str, subject: str, attempts: int, at: datetime) -> None:
        """Store the count of ``(scope, subject)`` (replacing any row)."""
        ts = self._d.ts_in(at)
        changed = self.run(
            "UPDATE login_limits SET attempts = ?, last_at = ? WHERE scope = ? AND subject = ?",
            (attempts, ts, scope, subject),
        )
        if changed == 0:
            self.run(
                "INSERT INTO login_limits (scope, subject, attempts, last_at) VALUES (?, ?, ?, ?)",
                (scope, subject, attempts, ts),
            )

    def forget(self, scope: str, subject: str) -> None:
        self.run("DELETE FROM login_limits WHERE scope = ? AND subject = ?", (scope, subject))

    def prune(self, before: datetime) -> int:
        """Forget every row whose last attempt is at or before ``before``."""
        return self.run("DELETE FROM login_limits WHERE last_at <= ?", (self._d.ts_in(before),))
