"""The tables of the key hierarchy: ``data_keys`` (wrapped data keys) and ``key_jobs``.

The store keeps wrapped keys as it is given them; wrapping, unwrapping and choosing
versions happen in ``crypto/keys.py``, resuming a re-encryption in
``crypto/rotation.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from limes.store.dialect import Tables


class KeyStatus(StrEnum):
    ACTIVE = "active"
    RETIRING = "retiring"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class KeyRow:
    """A data key as ``limes keys status`` shows it (never its bytes)."""

    scope: str
    version: int
    status: KeyStatus
    kek_id: str | None
    created_at: datetime
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key as stored: wrapped by the KEK ``kek_id`` (both None once retired)."""

    scope: str
    version: int
    status: KeyStatus
    kek_id: str | None
    wrapped: bytes | None


_ROW = "scope, version, status, kek_id, created_at, changed_at"


class SqlDataKeys(Tables):
    """``port.DataKeys`` in SQL."""

    def active_version(self, scope: str) -> int | None:
        found = self.rows(
            "SELECT version FROM data_keys WHERE scope = ? AND status = ?",
            (scope, KeyStatus.ACTIVE.value),
        )
        return int(found[0][0]) if found else None

    def latest_version(self, scope: str) -> int:
        """The highest version ``scope`` ever had (retired ones count), 0 for none."""
        (latest,) = self.rows("SELECT max(version) FROM data_keys WHERE scope = ?", (scope,))[0]
        return int(latest or 0)

    def insert_active(
        self, scope: str, version: int, kek_id: str, wrapped: bytes, at: datetime
    ) -> None:
        ts = self._d.ts_in(at)
        self.run(
            f"INSERT INTO data_keys ({_ROW}, wrapped) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns  # nosec B608
            (scope, version, KeyStatus.ACTIVE.value, kek_id, ts, ts, wrapped),
        )

    def all(self) -> list[KeyRow]:
        d = self._d
        found = self.rows(f"SELECT {_ROW} FROM data_keys ORDER BY scope, version")  # noqa: S608 - constant columns  # nosec B608
        return [
            KeyRow(s, int(v), KeyStatus(st), k, d.ts(c), d.ts(ch)) for s, v, st, k, c, ch in found
        ]

    def wrapped(self, scope: str, version: int) -> WrappedKey | None:
        rows = self.rows(
            "SELECT status, kek_id, wrapped FROM data_keys WHERE scope = ? AND version = ?",
            (scope, version),
        )
        if not rows:
            return None
        status, kek_id, wrapped = rows[0]
        return WrappedKey(scope, version, KeyStatus(status), kek_id, self._d.bytes_out(wrapped))

    def active_scopes(self) -> list[str]:
        rows = self.rows(
            "SELECT scope FROM data_keys WHERE status = ? ORDER BY scope",
            (KeyStatus.ACTIVE.value,),
        )
        return [scope for (scope,) in rows]

    def mark_retiring(self, scope: str, at: datetime) -> None:
        """The active version of ``scope`` becomes ``retiring``."""
        self.run(
            "UPDATE data_keys SET status = ?, changed_at = ? WHERE scope = ? AND status = ?",
            (KeyStatus.RETIRING.value, self._d.ts_in(at), scope, KeyStatus.ACTIVE.value),
        )

    def wrapped_by_other(self, kek_id: str) -> list[tuple[str, int, str, bytes]]:
        """(scope, version, KEK id, wrapped key) of every live data key wrapped by a KEK
        other than ``kek_id``."""
        rows = self.rows(
            "SELECT scope, version, kek_id, wrapped FROM data_keys "
            "WHERE status <> ? AND kek_id <> ? ORDER BY scope, version",
            (KeyStatus.RETIRED.value, kek_id),
        )
        return [(s, int(v), k, bytes(w)) for s, v, k, w in rows]

    def rewrapped(self, scope: str, version: int, kek_id: str, wrapped: bytes) -> None:
        self.run(
            "UPDATE data_keys SET kek_id = ?, wrapped = ? WHERE scope = ? AND version = ?",
            (kek_id, wrapped, scope, version),
        )

    def retire(self, scope: str, version: int, at: datetime) -> bool:
        """Erase a retiring key's wrapped bytes; False if it was not retiring."""
        changed = self.run(
            "UPDATE data_keys SET status = ?, kek_id = NULL, wrapped = NULL, changed_at = ? "
            "WHERE scope = ? AND version = ? AND status = ?",
            (
                KeyStatus.RETIRED.value,
                self._d.ts_in(at),
                scope,
                version,
                KeyStatus.RETIRING.value,
            ),
        )
        return changed == 1

    def put_delivered(
        self,
        scope: str,
        version: int,
        status: KeyStatus,
        kek_id: str | None,
        wrapped: bytes | None,
        at: datetime,
    ) -> None:
        """Insert or replace a data key delivered from the centre (a national copy)."""
        ts = self._d.ts_in(at)
        changed = self.run(
            "UPDATE data_keys SET status = ?, kek_id = ?, wrapped = ?, changed_at = ? "
            "WHERE scope = ? AND version = ?",
            (status.value, kek_id, wrapped, ts, scope, version),
        )
        if not changed:
            self.run(
                f"INSERT INTO data_keys ({_ROW}, wrapped) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns  # nosec B608
                (scope, version, status.value, kek_id, ts, ts, wrapped),
            )


class SqlKeyJobs(Tables):
    """``port.KeyJobs`` in SQL: where a resumable key job (re-encryption) has come to."""

    def position(self, name: str) -> str | None:
        found = self.rows("SELECT position FROM key_jobs WHERE name = ?", (name,))
        return str(found[0][0]) if found else None

    def save(self, name: str, position: str, at: datetime) -> None:
        ts = self._d.ts_in(at)
        update = "UPDATE key_jobs SET position = ?, updated_at = ? WHERE name = ?"
        if self.run(update, (position, ts, name)):
            return
        self.run(
            "INSERT INTO key_jobs (name, position, started_at, updated_at) VALUES (?, ?, ?, ?)",
            (name, position, ts, ts),
        )

    def drop(self, name: str) -> None:
        self.run("DELETE FROM key_jobs WHERE name = ?", (name,))
