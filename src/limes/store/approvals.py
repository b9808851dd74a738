"""Tables of four-eyes account administration: proposed changes and enrolment codes.

The queries are written once for both dialects and run inside the caller's
transaction, so a change, the account rows it writes and the security event that
reports it commit together. The rules (who may approve what) live in
``service/approvals.py``; this module keeps what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson

from limes.store.dialect import Tables

PENDING = "pending"
APPLIED = "applied"
REFUSED = "refused"
EXPIRED = "expired"  # shown for a pending change past its time; never stored

_COLUMNS = (
    "id, member_state, kind, payload, proposer, proposed_at, expires_at, status, "
    "approver, decided_at"
)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One proposed change to one or more ``accounts`` (by username)."""

    id: str
    member_state: str
    kind: str
    accounts: tuple[str, ...]
    payload: dict[str, Any]
    proposer: str
    proposed_at: datetime
    expires_at: datetime
    status: str = PENDING
    approver: str | None = None
    decided_at: datetime | None = None

    def as_of(self, now: datetime) -> ChangeRow:
        """The change as shown at ``now``: a pending one past its time is ``expired``."""
        if self.status == PENDING and self.expires_at <= now:
            return replace(self, status=EXPIRED)
        return self

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        """What an audit record of a use case answering this change names (no alerts)."""
        refs = {"change": self.id, "change_kind": self.kind, "change_status": self.status}
        return (), {**refs, "accounts": list(self.accounts)}


class SqlAccountChanges(Tables):
    """``port.AccountChanges`` in SQL."""

    def _targets(self, change_id: str) -> tuple[str, ...]:
        rows = self.rows(
            "SELECT username FROM account_change_targets WHERE change_id = ? ORDER BY username",
            (change_id,),
        )
        return tuple(r[0] for r in rows)

    def _change(self, row: Any) -> ChangeRow:
        d = self._d
        return ChangeRow(
            id=row[0],
            member_state=row[1],
            kind=row[2],
            accounts=self._targets(row[0]),
            payload=dict(orjson.loads(row[3])),
            proposer=row[4],
            proposed_at=d.ts(row[5]),
            expires_at=d.ts(row[6]),
            status=row[7],
            approver=row[8],
            decided_at=d.ts_out(row[9]),
        )

    def insert(self, c: ChangeRow) -> None:
        d = self._d
        self.run(
            f"INSERT INTO account_changes ({_COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "  # noqa: S608 - constant columns  # nosec B608
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM account_changes))",
            (
                c.id,
                c.member_state,
                c.kind,
                orjson.dumps(c.payload, option=orjson.OPT_SORT_KEYS).decode(),
                c.proposer,
                d.ts_in(c.proposed_at),
                d.ts_in(c.expires_at),
                c.status,
                c.approver,
                d.ts_in(c.decided_at),
            ),
        )
        for username in sorted(set(c.accounts)):
            self.run(
                "INSERT INTO account_change_targets (change_id, username) VALUES (?, ?)",
                (c.id, username),
            )

    def decide(self, change_id: str, status: str, approver: str, at: datetime) -> None:
        """Record the decision on a pending change (only a pending one changes)."""
        changed = self.run(
            "UPDATE account_changes SET status = ?, approver = ?, decided_at = ?, "
            "decision_seq = (SELECT COALESCE(MAX(decision_seq), 0) + 1 FROM account_changes) "
            "WHERE id = ? AND status = ?",
            (status, approver, self._d.ts_in(at), change_id, PENDING),
        )
        if changed != 1:
            raise LookupError(f"no pending change {change_id}")

    def get(self, change_id: str, *, for_update: bool = False) -> ChangeRow | None:
        lock = self._d.for_update if for_update else ""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM account_changes WHERE id = ?{lock}",  # noqa: S608 - constant columns  # nosec B608
            (change_id,),
        )
        return self._change(rows[0]) if rows else None

    def of_state(self, member_state: str, status: str | None = None) -> list[ChangeRow]:
        clause, params = (" AND status = ?", [status]) if status else ("", [])
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM account_changes WHERE member_state = ?{clause} "  # noqa: S608 - constant columns and clause  # nosec B608
            "ORDER BY seq",
            (member_state, *params),
        )
        return [self._change(r) for r in rows]

    def custodians(self, username: str, creation_kind: str) -> frozenset[str]:
        """Who proposed or approved the account's creation (``creation_kind``) or its
        latest applied change: the people who made the account what it is now."""
        rows = self.rows(
            "SELECT c.kind, c.proposer, c.approver FROM account_changes c "
            "JOIN account_change_targets t ON t.change_id = c.id "
            "WHERE t.username = ? AND c.status = ? ORDER BY c.decision_seq DESC",
            (username, APPLIED),
        )
        found: set[str] = set()
        for index, (kind, proposer, approver) in enumerate(rows):
            if index == 0 or kind == creation_kind:
                found.update(p for p in (proposer, approver) if p)
        return frozenset(found)


# -- enrolment codes ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeRow:
    account_id: str
    code_sha256: str
    change_id: str
    issued_at: datetime
    expires_at: datetime


class SqlEnrolmentCodes(Tables):
    """``port.EnrolmentCodes`` in SQL."""

    def put(self, code: CodeRow) -> None:
        """Store an account's enrolment code, replacing any earlier one."""
        d = self._d
        self.run("DELETE FROM enrolment_codes WHERE account_id = ?", (code.account_id,))
        self.run(
            "INSERT INTO enrolment_codes "
            "(account_id, code_sha256, change_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (
                code.account_id,
                code.code_sha256,
                code.change_id,
                d.ts_in(code.issued_at),
                d.ts_in(code.expires_at),
            ),
        )

    def of(self, account_id: str) -> CodeRow | None:
        lock = self._d.for_update
        rows = self.rows(
            "SELECT account_id, code_sha256, change_id, issued_at, expires_at "  # noqa: S608 - constant lock clause  # nosec B608
            f"FROM enrolment_codes WHERE account_id = ?{lock}",
            (account_id,),
        )
        if not rows:
            return None
        r, d = rows[0], self._d
        return CodeRow(r[0], r[1], r[2], d.ts(r[3]), d.ts(r[4]))

    def drop(self, account_id: str) -> None:
        self.run("DELETE FROM enrolment_codes WHERE account_id = ?", (account_id,))
