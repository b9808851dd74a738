"""The security events table: what the security machinery reports, in order.

A grant, a block or an account change and the event that reports it are written in
one transaction, so they commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from limes.store.dialect import Tables


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    kind: str
    member_state: str
    principal: str
    at: datetime
    detail: dict[str, Any]
    seq: int = 0


class SqlSecurityEvents(Tables):
    """``port.SecurityEvents`` in SQL."""

    def record(self, event: SecurityEvent) -> int:
        d = self._d
        rows = self.rows(
            "INSERT INTO security_events (at, kind, member_state, principal, detail) "
            "VALUES (?, ?, ?, ?, ?) RETURNING seq",
            (
                d.ts_in(event.at),
                event.kind,
                event.member_state,
                event.principal,
                orjson.dumps(event.detail).decode(),
            ),
        )
        return int(rows[0][0])

    def after(
        self, after: int = 0, limit: int = 100, member_state: str | None = None
    ) -> list[SecurityEvent]:
        clause, params = ("AND member_state = ? ", [member_state]) if member_state else ("", [])
        rows = self.rows(
            "SELECT seq, at, kind, member_state, principal, detail FROM security_events "  # noqa: S608 - constant clause  # nosec B608
            f"WHERE seq > ? {clause}ORDER BY seq LIMIT ?",
            (after, *params, limit),
        )
        out = []
        for seq, at, kind, state, principal, detail in rows:
            data = orjson.loads(detail) if isinstance(detail, str) else detail
            out.append(SecurityEvent(kind, state, principal, self._d.ts(at), dict(data), seq))
        return out
