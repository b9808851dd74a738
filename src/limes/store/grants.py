"""The break-glass grants table: who asked to read which alert, and who decided.

Reasons are stored sealed (text envelopes); the service seals and opens them, the
store keeps what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.dialect import Tables


@dataclass(frozen=True, slots=True)
class GrantRow:
    """A break-glass request. In the store ``reason`` and ``decision_reason`` are sealed
    envelopes (text form); the service opens them for its answers."""

    id: str
    requester: str
    member_state: str
    alert_id: str
    permissions: tuple[str, ...]
    reason: str
    minutes: int
    status: str
    requested_at: datetime
    approver: str | None = None
    decided_at: datetime | None = None
    valid_until: datetime | None = None
    decision_reason: str | None = None


_GRANT_COLUMNS = (
    "id, requester, member_state, alert_id, permissions, reason, minutes, status, "
    "requested_at, approver, decided_at, valid_until, decision_reason"
)


UNSEALED = "unsealed:"
"""Migration 0009's mark on a reason it found in plaintext (an envelope's base64url text
never holds a colon), until ``BreakGlassService.seal_stored_plaintext`` seals it."""

_REASON_COLUMNS = ("reason", "decision_reason")


class SqlGrants(Tables):
    """``port.Grants`` in SQL."""

    def _grant(self, row: Any) -> GrantRow:
        d = self._d
        return GrantRow(
            id=row[0],
            requester=row[1],
            member_state=row[2],
            alert_id=row[3],
            permissions=tuple(p for p in row[4].split(",") if p),
            reason=row[5],
            minutes=row[6],
            status=row[7],
            requested_at=d.ts(row[8]),
            approver=row[9],
            decided_at=d.ts_out(row[10]),
            valid_until=d.ts_out(row[11]),
            decision_reason=row[12],
        )

    def put(self, g: GrantRow) -> None:
        d = self._d
        self.run("DELETE FROM breakglass_grants WHERE id = ?", (g.id,))
        self.run(
            f"INSERT INTO breakglass_grants ({_GRANT_COLUMNS}) "  # noqa: S608 - constant columns  # nosec B608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                g.id,
                g.requester,
                g.member_state,
                g.alert_id,
                ",".join(g.permissions),
                g.reason,
                g.minutes,
                g.status,
                d.ts_in(g.requested_at),
                g.approver,
                d.ts_in(g.decided_at),
                d.ts_in(g.valid_until),
                g.decision_reason,
            ),
        )

    def get(self, grant_id: str) -> GrantRow | None:
        rows = self.rows(
            f"SELECT {_GRANT_COLUMNS} FROM breakglass_grants WHERE id = ?",  # noqa: S608 - constant columns  # nosec B608
            (grant_id,),
        )
        return self._grant(rows[0]) if rows else None

    def unsealed_reasons(self) -> list[tuple[str, str, str, str]]:
        """(grant id, member state, column, plaintext) of every reason marked ``UNSEALED``."""
        found = []
        for column in _REASON_COLUMNS:
            rows = self.rows(
                f"SELECT id, member_state, {column} FROM breakglass_grants "  # noqa: S608 - a column of _REASON_COLUMNS  # nosec B608
                f"WHERE substr({column}, 1, ?) = ? ORDER BY id",
                (len(UNSEALED), UNSEALED),
            )
            found += [(i, state, column, text.removeprefix(UNSEALED)) for i, state, text in rows]
        return found

    def set_reason(self, grant_id: str, column: str, value: str) -> None:
        if column not in _REASON_COLUMNS:
            raise ValueError(f"{column} is not a reason column of breakglass_grants")
        self.run(
            f"UPDATE breakglass_grants SET {column} = ? WHERE id = ?",  # noqa: S608 - checked against _REASON_COLUMNS  # nosec B608
            (value, grant_id),
        )

    def matching(
        self,
        *,
        requester: str | None = None,
        status: str | None = None,
        member_state: str | None = None,
    ) -> list[GrantRow]:
        clauses, params = [], []
        for column, value in (
            ("requester", requester),
            ("status", status),
            ("member_state", member_state),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.rows(
            f"SELECT {_GRANT_COLUMNS} FROM breakglass_grants{where} ORDER BY requested_at, id",  # noqa: S608 - constant columns, bound values  # nosec B608
            params,
        )
        return [self._grant(r) for r in rows]
