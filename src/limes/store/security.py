"""Tables of the security machinery: break-glass grants, security events, usage counters.

The queries are written once for both dialects and run inside the caller's
``SqlTransaction``, so a grant and the security event that reports it commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from limes.store.port import Transaction


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


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    kind: str
    member_state: str
    principal: str
    at: datetime
    detail: dict[str, Any]
    seq: int = 0


_GRANT_COLUMNS = (
    "id, requester, member_state, alert_id, permissions, reason, minutes, status, "
    "requested_at, approver, decided_at, valid_until, decision_reason"
)


def _grant(tx: Transaction, row: Any) -> GrantRow:
    d = tx.dialect
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


def put_grant(tx: Transaction, g: GrantRow) -> None:
    d = tx.dialect
    tx.run("DELETE FROM breakglass_grants WHERE id = ?", (g.id,))
    tx.run(
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


def get_grant(tx: Transaction, grant_id: str) -> GrantRow | None:
    rows = tx.rows(
        f"SELECT {_GRANT_COLUMNS} FROM breakglass_grants WHERE id = ?",  # noqa: S608 - constant columns  # nosec B608
        (grant_id,),
    )
    return _grant(tx, rows[0]) if rows else None


UNSEALED = "unsealed:"
"""Migration 0009's mark on a reason it found in plaintext (an envelope's base64url text
never holds a colon), until ``BreakGlassService.seal_stored_plaintext`` seals it."""

_REASON_COLUMNS = ("reason", "decision_reason")


def unsealed_reasons(tx: Transaction) -> list[tuple[str, str, str, str]]:
    """(grant id, member state, column, plaintext) of every reason marked ``UNSEALED``."""
    found = []
    for column in _REASON_COLUMNS:
        rows = tx.rows(
            f"SELECT id, member_state, {column} FROM breakglass_grants "  # noqa: S608 - a column of _REASON_COLUMNS  # nosec B608
            f"WHERE substr({column}, 1, ?) = ? ORDER BY id",
            (len(UNSEALED), UNSEALED),
        )
        found += [(i, state, column, text.removeprefix(UNSEALED)) for i, state, text in rows]
    return found


def set_reason(tx: Transaction, grant_id: str, column: str, value: str) -> None:
    if column not in _REASON_COLUMNS:
        raise ValueError(f"{column} is not a reason column of breakglass_grants")
    tx.run(
        f"UPDATE breakglass_grants SET {column} = ? WHERE id = ?",  # noqa: S608 - checked against _REASON_COLUMNS  # nosec B608
        (value, grant_id),
    )


def grants(
    tx: Transaction,
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
    rows = tx.rows(
        f"SELECT {_GRANT_COLUMNS} FROM breakglass_grants{where} ORDER BY requested_at, id",  # noqa: S608 - constant columns, bound values  # nosec B608
        params,
    )
    return [_grant(tx, r) for r in rows]


def record_event(tx: Transaction, event: SecurityEvent) -> int:
    d = tx.dialect
    rows = tx.rows(
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


def events(
    tx: Transaction, after: int = 0, limit: int = 100, member_state: str | None = None
) -> list[SecurityEvent]:
    clause, params = ("AND member_state = ? ", [member_state]) if member_state else ("", [])
    rows = tx.rows(
        "SELECT seq, at, kind, member_state, principal, detail FROM security_events "  # noqa: S608 - constant clause  # nosec B608
        f"WHERE seq > ? {clause}ORDER BY seq LIMIT ?",
        (after, *params, limit),
    )
    out = []
    for seq, at, kind, state, principal, detail in rows:
        data = orjson.loads(detail) if isinstance(detail, str) else detail
        out.append(SecurityEvent(kind, state, principal, tx.dialect.ts(at), dict(data), seq))
    return out


def add_reads(tx: Transaction, counts: dict[tuple[str, str], int]) -> None:
    """Add read counts per (principal, day) — an upsert both dialects understand."""
    for (principal, day), reads in sorted(counts.items()):
        changed = tx.run(
            "UPDATE usage_counters SET reads = reads + ? WHERE principal = ? AND day = ?",
            (reads, principal, day),
        )
        if changed == 0:
            tx.run(
                "INSERT INTO usage_counters (principal, day, reads) VALUES (?, ?, ?)",
                (principal, day, reads),
            )


def daily_reads(tx: Transaction, principal: str, since_day: str) -> dict[str, int]:
    rows = tx.rows(
        "SELECT day, reads FROM usage_counters WHERE principal = ? AND day >= ? ORDER BY day",
        (principal, since_day),
    )
    return {day: int(reads) for day, reads in rows}
