"""The identities the external systems submitted, for the multiple-identity links
(migration 0018): sealed bodies and bookkeeping; the service seals and opens them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.dialect import Tables

_COLUMNS = "id, system, profile, body, registered_at, expires_at, compared_at"


@dataclass(frozen=True, slots=True)
class ExternalIdentityRow:
    """One submitted identity: its sealed body (identity and the system's reference),
    the system and profile it came through, when it goes, when the link job compared it."""

    id: str
    system: str
    profile: str
    body: bytes
    registered_at: datetime
    expires_at: datetime
    compared_at: datetime | None = None


class SqlExternalIdentities(Tables):
    """``port.ExternalIdentities`` in SQL."""

    def _row(self, row: Any) -> ExternalIdentityRow:
        d = self._d
        return ExternalIdentityRow(
            str(row[0]),
            str(row[1]),
            str(row[2]),
            bytes(row[3]),
            d.ts(row[4]),
            d.ts(row[5]),
            d.ts_out(row[6]),
        )

    def put(self, row: ExternalIdentityRow) -> None:
        d = self._d
        self.run(
            f"INSERT INTO external_identities ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns  # nosec B608
            (
                row.id,
                row.system,
                row.profile,
                row.body,
                d.ts_in(row.registered_at),
                d.ts_in(row.expires_at),
                d.ts_in(row.compared_at),
            ),
        )

    def get(self, identity_id: str) -> ExternalIdentityRow | None:
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM external_identities WHERE id = ?",  # noqa: S608 - constant columns  # nosec B608
            (identity_id,),
        )
        return self._row(rows[0]) if rows else None

    def pending(self, limit: int) -> list[ExternalIdentityRow]:
        """Identities the link job has not compared yet, the oldest first."""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM external_identities WHERE compared_at IS NULL "  # noqa: S608 - constant columns  # nosec B608
            "ORDER BY registered_at, id LIMIT ?",
            (limit,),
        )
        return [self._row(r) for r in rows]

    def compared(self, identity_id: str, at: datetime) -> None:
        self.run(
            "UPDATE external_identities SET compared_at = ? WHERE id = ?",
            (self._d.ts_in(at), identity_id),
        )

    def live(self, now: datetime, after: str, limit: int) -> list[ExternalIdentityRow]:
        """Unexpired identities with an id after ``after``, in id order (a page)."""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM external_identities WHERE expires_at > ? AND id > ? "  # noqa: S608 - constant columns  # nosec B608
            "ORDER BY id LIMIT ?",
            (self._d.ts_in(now), after, limit),
        )
        return [self._row(r) for r in rows]

    def expired(self, now: datetime, limit: int) -> list[str]:
        rows = self.rows(
            "SELECT id FROM external_identities WHERE expires_at <= ? ORDER BY id LIMIT ?",
            (self._d.ts_in(now), limit),
        )
        return [str(r[0]) for r in rows]

    def erase(self, identity_ids: Sequence[str]) -> int:
        """Forget identities past their retention, and their links (history included)."""
        erased = 0
        for identity_id in identity_ids:
            self.run(
                "DELETE FROM identity_links WHERE other_kind = 'external' AND other_id = ?",
                (identity_id,),
            )
            erased += self.run("DELETE FROM external_identities WHERE id = ?", (identity_id,))
        return erased
