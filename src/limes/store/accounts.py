"""The SQL for accounts, sessions and failed logins, written once for both stores.

``SqlAccounts`` runs in the caller's transaction (``tx.accounts``), so account rows
commit or roll back with whatever else that transaction writes. Account changes are
rare and small, so sharing the writer lock with alert writes costs nothing
measurable, and it makes "count the failures, then lock" and "check the TOTP step,
then store it" atomic.

The store keeps what it is given: ``totp_secret`` arrives sealed and leaves sealed
(the service seals and opens it, ``service/account_records.py``), and the rules
(lockout, idle timeout, role combinations) live in ``identity/`` and
``service/accounts.py``.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from limes.domain.accounts import Account, AccountKind, AccountState, Session
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import Conflict
from limes.store.dialect import Row, Tables

ACCOUNT_COLUMNS = (
    "id, username, kind, member_state, authority, roles, purposes, state, state_reason, "
    "state_changed_at, created_at, last_used_at, password_hash, totp_secret, totp_last_step, "
    "clearance_level, clearance_reference, clearance_valid_until, oidc_issuer, oidc_subject, "
    "certificate_sha256"
)
SESSION_COLUMNS = "id, account_id, created_at, last_seen_at, ended_at, end_reason"
_MARKS = ", ".join("?" for _ in ACCOUNT_COLUMNS.split(","))
_ASSIGN = ", ".join(f"{c.strip()} = ?" for c in ACCOUNT_COLUMNS.split(",")[1:])


def _words(values: frozenset[Any]) -> str:
    return " ".join(sorted(str(v) for v in values))


class SqlAccounts(Tables):
    """``port.Accounts`` in SQL: accounts, their sessions and their failed logins."""

    def _first(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self.rows(sql, params)
        return found[0] if found else None

    # -- accounts ----------------------------------------------------------------------

    def _row(self, a: Account) -> tuple[Any, ...]:
        d, c = self._d, a.clearance
        return (
            a.id,
            a.username,
            a.kind.value,
            a.member_state,
            a.authority,
            _words(a.roles),
            _words(a.purposes),
            a.state.value,
            a.state_reason,
            d.ts_in(a.state_changed_at),
            d.ts_in(a.created_at),
            d.ts_in(a.last_used_at),
            a.password_hash,
            a.totp_secret,
            a.totp_last_step,
            c.level if c else None,
            c.vetting_reference if c else None,
            d.ts_in(c.valid_until) if c else None,
            a.oidc_issuer,
            a.oidc_subject,
            a.certificate_sha256,
        )

    def _account(self, row: Row) -> Account:
        d = self._d
        clearance = None
        if row[15] is not None:
            clearance = Clearance(row[15], row[16], d.ts(row[17]))
        return Account(
            id=row[0],
            username=row[1],
            kind=AccountKind(row[2]),
            member_state=row[3],
            authority=row[4],
            roles=frozenset(Role(r) for r in row[5].split()),
            purposes=frozenset(Purpose(p) for p in row[6].split()),
            state=AccountState(row[7]),
            state_reason=row[8],
            state_changed_at=d.ts(row[9]),
            created_at=d.ts(row[10]),
            last_used_at=d.ts(row[11]),
            password_hash=row[12],
            totp_secret=row[13],
            totp_last_step=None if row[14] is None else int(row[14]),
            clearance=clearance,
            oidc_issuer=row[18],
            oidc_subject=row[19],
            certificate_sha256=row[20],
        )

    def _one(self, where: str, params: Sequence[Any], for_update: bool) -> Account | None:
        lock = self._d.for_update if for_update else ""
        sql = f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {where}{lock}"  # noqa: S608 - constant SQL text, values bound  # nosec B608
        row = self._first(sql, params)
        return None if row is None else self._account(row)

    def get(self, account_id: str, *, for_update: bool = False) -> Account | None:
        return self._one("id = ?", (account_id,), for_update)

    def by_username(self, username: str, *, for_update: bool = False) -> Account | None:
        return self._one("username = ?", (username,), for_update)

    def by_certificate(self, sha256: str) -> Account | None:
        return self._one("certificate_sha256 = ?", (sha256,), False)

    def by_oidc(self, issuer: str, subject: str) -> Account | None:
        return self._one("oidc_issuer = ? AND oidc_subject = ?", (issuer, subject), False)

    def list(self, member_state: str | None = None) -> list[Account]:
        where, params = ("WHERE member_state = ?", (member_state,)) if member_state else ("", ())
        sql = f"SELECT {ACCOUNT_COLUMNS} FROM accounts {where} ORDER BY username"  # noqa: S608 - constant SQL text, values bound  # nosec B608
        return [self._account(row) for row in self.rows(sql, params)]

    def unused_since(self, moment: datetime) -> builtins.list[Account]:
        """Accounts not disabled whose last use is at or before ``moment``."""
        found = self.rows(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts "  # noqa: S608 - constant column list  # nosec B608
            "WHERE state <> ? AND last_used_at <= ? ORDER BY username",
            (AccountState.DISABLED.value, self._d.ts_in(moment)),
        )
        return [self._account(row) for row in found]

    def _conflicts(self, a: Account) -> None:
        """Say which unique value is taken, before the constraint would (it backs this up)."""
        checks: builtins.list[tuple[str, tuple[str, ...], str]] = [
            ("username = ?", (a.username,), f"the username {a.username} is taken")
        ]
        if a.certificate_sha256:
            checks.append(
                (
                    "certificate_sha256 = ?",
                    (a.certificate_sha256,),
                    "that certificate is already another client's",
                )
            )
        if a.oidc_issuer and a.oidc_subject:
            checks.append(
                (
                    "oidc_issuer = ? AND oidc_subject = ?",
                    (a.oidc_issuer, a.oidc_subject),
                    "that provider subject is already linked to another account",
                )
            )
        for where, params, message in checks:
            sql = f"SELECT 1 FROM accounts WHERE ({where}) AND id <> ?"  # noqa: S608 - constant SQL text, values bound  # nosec B608
            if self.rows(sql, (*params, a.id)):
                raise Conflict(message)

    def insert(self, account: Account) -> None:
        self._conflicts(account)
        sql = f"INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES ({_MARKS})"  # noqa: S608 - constant SQL text, values bound  # nosec B608
        self.run(sql, self._row(account))

    def replace(self, account: Account) -> None:
        """Store every column of ``account`` over the row with its id."""
        self._conflicts(account)
        row = self._row(account)
        sql = f"UPDATE accounts SET {_ASSIGN} WHERE id = ?"  # noqa: S608 - constant column names, values bound  # nosec B608
        if self.run(sql, (*row[1:], row[0])) != 1:
            raise LookupError(f"no account {account.id}")

    def touch(self, account_id: str, at: datetime) -> None:
        """Record a use, unless a later one is already recorded."""
        ts = self._d.ts_in(at)
        self.run(
            "UPDATE accounts SET last_used_at = ? WHERE id = ? AND last_used_at < ?",
            (ts, account_id, ts),
        )

    # -- failed logins -----------------------------------------------------------------

    def add_failure(self, account_id: str, at: datetime) -> None:
        self.run(
            "INSERT INTO login_failures (account_id, at) VALUES (?, ?)",
            (account_id, self._d.ts_in(at)),
        )

    def failures_after(self, account_id: str, moment: datetime) -> int:
        (count,) = self._first(
            "SELECT count(*) FROM login_failures WHERE account_id = ? AND at > ?",
            (account_id, self._d.ts_in(moment)),
        )
        return int(count)

    def clear_failures(self, account_id: str) -> None:
        self.run("DELETE FROM login_failures WHERE account_id = ?", (account_id,))

    def prune_failures(self, before: datetime) -> int:
        return self.run("DELETE FROM login_failures WHERE at <= ?", (self._d.ts_in(before),))

    # -- sessions ----------------------------------------------------------------------

    def _session(self, row: Row) -> Session:
        d = self._d
        return Session(row[0], row[1], d.ts(row[2]), d.ts(row[3]), d.ts_out(row[4]), row[5])

    def session(self, session_id: str) -> Session | None:
        sql = f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?"  # noqa: S608 - constant SQL text, values bound  # nosec B608
        row = self._first(sql, (session_id,))
        return None if row is None else self._session(row)

    def sessions(self, account_id: str) -> builtins.list[Session]:
        sql = f"SELECT {SESSION_COLUMNS} FROM sessions WHERE account_id = ? ORDER BY created_at, id"  # noqa: S608 - constant SQL text, values bound  # nosec B608
        return [self._session(row) for row in self.rows(sql, (account_id,))]

    def insert_session(self, session: Session) -> None:
        d = self._d
        self.run(
            f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant SQL text, values bound  # nosec B608
            (
                session.id,
                session.account_id,
                d.ts_in(session.created_at),
                d.ts_in(session.last_seen_at),
                d.ts_in(session.ended_at),
                session.end_reason,
            ),
        )

    def touch_session(self, session_id: str, at: datetime) -> None:
        ts = self._d.ts_in(at)
        self.run(
            "UPDATE sessions SET last_seen_at = ? "
            "WHERE id = ? AND ended_at IS NULL AND last_seen_at < ?",
            (ts, session_id, ts),
        )

    def end_session(self, session_id: str, at: datetime, reason: str) -> bool:
        """End a live session; False if it had already ended (or does not exist)."""
        changed = self.run(
            "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
            (self._d.ts_in(at), reason, session_id),
        )
        return changed == 1

    def end_sessions(self, account_id: str, at: datetime, reason: str) -> int:
        return self.run(
            "UPDATE sessions SET ended_at = ?, end_reason = ? "
            "WHERE account_id = ? AND ended_at IS NULL",
            (self._d.ts_in(at), reason, account_id),
        )

    def end_sessions_created_before(self, created_before: datetime, at: datetime) -> int:
        """End live sessions opened at or before ``created_before`` (absolute lifetime)."""
        return self.run(
            "UPDATE sessions SET ended_at = ?, end_reason = ? "
            "WHERE ended_at IS NULL AND created_at <= ?",
            (self._d.ts_in(at), "lifetime", self._d.ts_in(created_before)),
        )

    def end_idle_sessions(self, seen_before: datetime, at: datetime) -> int:
        """End live sessions last seen at or before ``seen_before``."""
        return self.run(
            "UPDATE sessions SET ended_at = ?, end_reason = ? "
            "WHERE ended_at IS NULL AND last_seen_at <= ?",
            (self._d.ts_in(at), "idle", self._d.ts_in(seen_before)),
        )
