"""Four eyes on account administration: one operator proposes, a second one applies.

Every change that gives power is a **proposal** until a second person approves it:
creating an account, its roles and purposes, its clearance (one or a register
import), enabling or releasing it, linking it to a provider subject or pinning a
client certificate, and re-enrolment (new first secrets). Only disabling an account,
which takes power away, is done by one operator at once (``AccountService.disable``).

Rules, each refused with its reason (``Forbidden`` unless said otherwise):

* the proposer holds ``account:manage`` for the accounts' member state, and no
  account changes itself (not its own roles, clearance, purposes or state);
* the change is checked when proposed (the same function that applies it runs on
  the account as it is, and its result is thrown away) and again when applied;
* the approver holds ``account:manage``, is an active account of the same member
  state, is not the proposer, not one of the accounts changed, **not an account the
  proposer created or last changed, nor one that created or last changed the
  proposer** (``custodians``: who proposed or approved an account's creation or its
  latest change): a puppet approves nothing for its maker, and its maker nothing of
  the puppet's;
* a proposal expires after ``PROPOSAL_LIFETIME`` (``Conflict``), and is decided once.

A new user is created **awaiting enrolment** (``service/enrolment.py``): its one-time
enrolment code is given to the approver, never to the proposer, and the holder sets
the password and TOTP with it. Every proposal and decision is an audit record (the
use cases are ``@audited``) and a security event for the member state's data
protection officer, in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from limes.domain.accounts import (
    Account,
    AccountKind,
    AccountState,
    NewAccount,
    check_clearance,
    check_roles,
    require,
)
from limes.domain.ids import is_id, new_id
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission
from limes.service import enrolment
from limes.service.account_records import AccountParts, AccountTransaction
from limes.service.audited import about, audited
from limes.store.port import (
    APPLIED,
    EXPIRED,
    PENDING,
    REFUSED,
    ChangeRow,
    SecurityEvent,
    Transaction,
)

PROPOSAL_LIFETIME = timedelta(hours=72)


class ChangeKind(StrEnum):
    CREATE = "create"
    ROLES = "roles"
    CLEARANCE = "clearance"
    CLEARANCES = "clearances"
    ENABLE = "enable"
    RELEASE = "release"
    OIDC = "oidc"
    CERTIFICATE = "certificate"
    REENROL = "reenrol"


PendingChange = ChangeRow
"""A proposal as stored and shown (``as_of``: ``expired`` once past its time)."""


@dataclass(frozen=True, slots=True)
class Approval:
    """An applied change, the accounts as they are now, and the enrolment codes issued
    (by username) for the approver to hand to each holder. Codes are never recorded."""

    change: PendingChange
    accounts: tuple[Account, ...]
    enrolment_codes: Mapping[str, str] = field(default_factory=dict, repr=False)

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        alerts, refs = self.change.audit_refs()
        refs["account_ids"] = [a.id for a in self.accounts]
        refs["enrolment_codes_issued"] = sorted(self.enrolment_codes)
        return alerts, refs


# -- payloads: what a proposal stores, and how it is applied ------------------------------


def clearance_json(c: Clearance | None) -> dict[str, str] | None:
    if c is None:
        return None
    return {
        "level": c.level,
        "vetting_reference": c.vetting_reference,
        "valid_until": c.valid_until.isoformat(),
    }


def _clearance(value: Any) -> Clearance | None:
    if value is None:
        return None
    until = datetime.fromisoformat(value["valid_until"]).astimezone(UTC)
    return Clearance(value["level"], value["vetting_reference"], until)


def create_payload(new: NewAccount) -> dict[str, Any]:
    return {
        "username": new.username,
        "kind": new.kind.value,
        "member_state": new.member_state,
        "authority": new.authority,
        "roles": sorted(new.roles),
        "purposes": sorted(new.purposes),
        "clearance": clearance_json(new.clearance),
    }


def _new_account(payload: Mapping[str, Any], now: datetime) -> Account:
    return Account(
        id=new_id(int(now.timestamp() * 1000)),
        username=payload["username"],
        kind=AccountKind(payload["kind"]),
        member_state=payload["member_state"],
        authority=payload["authority"],
        roles=frozenset(Role(r) for r in payload["roles"]),
        purposes=frozenset(Purpose(p) for p in payload["purposes"]),
        state=AccountState.ACTIVE,
        state_changed_at=now,
        created_at=now,
        last_used_at=now,
        clearance=_clearance(payload["clearance"]),
    )


Apply = Callable[[Account, Mapping[str, Any], datetime, str], Account]


def _roles(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    roles = frozenset(Role(r) for r in p["roles"])
    purposes = a.purposes if p["purposes"] is None else frozenset(Purpose(x) for x in p["purposes"])
    require(check_roles(a.kind, roles, purposes), "the roles")
    return replace(a, roles=roles, purposes=purposes)


def _one_clearance(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    clearance = _clearance(p["clearance"])
    if clearance is not None:
        require(check_clearance(clearance), "the clearance")
    return replace(a, clearance=clearance)


def _register_row(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    return replace(a, clearance=_clearance(p["rows"][a.username]))


def _enable(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    if a.state is not AccountState.DISABLED or a.state_reason == enrolment.AWAITING:
        what = "awaiting enrolment" if a.state_reason == enrolment.AWAITING else a.state
        raise Conflict(f"{a.username} is {what}, not disabled")
    return replace(
        a,
        state=AccountState.ACTIVE,
        state_changed_at=now,
        state_reason=f"enabled by {by}",
        last_used_at=now,  # its 90 days of allowed disuse start again
    )


def _release(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    if a.state is not AccountState.LOCKED:
        raise Conflict(f"{a.username} is {a.state}, not locked")
    return replace(
        a, state=AccountState.ACTIVE, state_changed_at=now, state_reason=f"released by {by}"
    )


def _oidc(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    subject = p["subject"]
    return replace(
        a, oidc_issuer=p["issuer"] if subject is not None else None, oidc_subject=subject
    )


def _certificate(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    if a.kind is not AccountKind.CLIENT:
        raise InvalidInput(
            "only system clients authenticate with certificates",
            [FieldError("/username", "is not a system client")],
        )
    return replace(a, certificate_sha256=p["sha256"])


def _reenrol(a: Account, p: Mapping[str, Any], now: datetime, by: str) -> Account:
    if a.kind is not AccountKind.USER:
        raise InvalidInput(
            "only users enrol; a system client has no password or TOTP",
            [FieldError("/username", "is a system client")],
        )
    return a  # the credentials are replaced when applied (they need a fresh hash)


APPLY: Mapping[ChangeKind, Apply] = {
    ChangeKind.ROLES: _roles,
    ChangeKind.CLEARANCE: _one_clearance,
    ChangeKind.CLEARANCES: _register_row,
    ChangeKind.ENABLE: _enable,
    ChangeKind.RELEASE: _release,
    ChangeKind.OIDC: _oidc,
    ChangeKind.CERTIFICATE: _certificate,
    ChangeKind.REENROL: _reenrol,
}


def _event(kind: str, ctx: Context, row: ChangeRow, now: datetime) -> SecurityEvent:
    return SecurityEvent(
        kind=kind,
        member_state=row.member_state,
        principal=str(ctx.principal),
        at=now,
        detail={
            "change": row.id,
            "kind": row.kind,
            "accounts": ",".join(row.accounts),
            "proposer": row.proposer,
        },
    )


def _forbid_self(ctx: Context, targets: Sequence[str]) -> None:
    if ctx.principal.user_id in targets:
        raise Forbidden(
            f"{ctx.principal.user_id} may not change their own account (roles, clearance, "
            "purposes, state or credentials): another operator must"
        )


def propose(
    accounts: AccountParts,
    ctx: Context,
    kind: ChangeKind,
    targets: Sequence[str],
    payload: Mapping[str, Any],
) -> PendingChange:
    """Record a proposal (see the module text), after checking it as if applied now.

    ``targets`` are existing accounts, except for ``CREATE`` (the new username).
    """
    accounts.policy.require(ctx, Permission.ACCOUNT_MANAGE)
    _forbid_self(ctx, targets)
    state = ctx.principal.member_state
    now = accounts.clock()
    with accounts.accounts.store.transaction() as raw:
        tx = AccountTransaction(raw, accounts.accounts.secrets)
        for username in targets:
            found = tx.by_username(username)
            if kind is ChangeKind.CREATE:
                if found is not None:
                    raise Conflict(f"the username {username} is taken")
                continue
            if found is None:
                raise NotFound(f"there is no account {username}")
            if found.member_state != state:
                raise Forbidden(
                    f"accounts of {found.member_state} are run by the operators of "
                    f"{found.member_state}; {ctx.principal} acts for {state}"
                )
            APPLY[kind](found, payload, now, str(ctx.principal))
        row = ChangeRow(
            id=new_id(int(now.timestamp() * 1000)),
            member_state=state,
            kind=kind.value,
            accounts=tuple(sorted(set(targets))),
            payload=dict(payload),
            proposer=ctx.principal.user_id,
            proposed_at=now,
            expires_at=now + PROPOSAL_LIFETIME,
        )
        raw.account_changes.insert(row)
        raw.security_events.record(_event("account.change-proposed", ctx, row, now))
    return row.as_of(now)


class ApprovalService:
    """The second person's side: list, approve, refuse proposals of one's member state."""

    def __init__(self, accounts: AccountParts) -> None:
        self.accounts = accounts
        self.audit = accounts.audit

    def _pending(self, raw: Transaction, ctx: Context, change_id: str) -> ChangeRow:
        """The change to decide, if ``ctx`` may decide it: pending, in time, not its own."""
        self.accounts.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        row = raw.account_changes.get(change_id, for_update=True) if is_id(change_id) else None
        if row is None or row.member_state != ctx.principal.member_state:
            raise NotFound(
                f"there is no proposed change {change_id} of {ctx.principal.member_state}"
            )
        if row.status != PENDING:
            raise Conflict(f"change {change_id} is already {row.status}")
        if row.expires_at <= self.accounts.clock():
            raise Conflict(
                f"change {change_id} expired at {row.expires_at.isoformat()}; propose it again"
            )
        if row.proposer == ctx.principal.user_id:
            raise Forbidden("a change needs a second person: its proposer cannot decide it")
        return row

    @audited(
        "account:approve", write=True, describe=lambda _, ctx, change_id: about(change=change_id)
    )
    def approve(self, ctx: Context, change_id: str) -> Approval:
        """Apply a proposed change as its second person (see the module text)."""
        accounts = self.accounts
        placeholder = enrolment.unusable_password_hash(accounts.passwords)  # slow: before the lock
        now = accounts.clock()
        by = ctx.principal.user_id
        with accounts.accounts.store.transaction() as raw:
            tx = AccountTransaction(raw, accounts.accounts.secrets)
            row = self._pending(raw, ctx, change_id)
            approver = tx.by_username(by)
            if approver is None or approver.state is not AccountState.ACTIVE:
                raise Forbidden(f"{ctx.principal} is not an active account: it approves nothing")
            _forbid_self(ctx, row.accounts)
            if row.proposer in raw.account_changes.custodians(by, ChangeKind.CREATE):
                raise Forbidden(
                    f"{by} was created or last changed by {row.proposer}, the proposer: "
                    "an account does not approve what the person who made it proposes"
                )
            if by in raw.account_changes.custodians(row.proposer, ChangeKind.CREATE):
                raise Forbidden(
                    f"{row.proposer}, the proposer, was created or last changed by {by}: "
                    "nobody approves what an account they made proposes"
                )
            kind = ChangeKind(row.kind)
            stated = f"{row.proposer}, approved by {by}"
            codes: dict[str, str] = {}
            done: list[Account] = []
            if kind is ChangeKind.CREATE:
                account = _new_account(row.payload, now)
                require(check_roles(account.kind, account.roles, account.purposes), "the account")
                if account.kind is AccountKind.USER:
                    account = enrolment.awaiting_enrolment(account, placeholder, now)
                tx.insert(account)
                done.append(account)
            else:
                for username in row.accounts:
                    before = tx.by_username(username, for_update=True)
                    if before is None:
                        raise Conflict(f"the account {username} no longer exists")
                    after = APPLY[kind](before, row.payload, now, stated)
                    if kind is ChangeKind.REENROL:
                        after = enrolment.awaiting_enrolment(after, placeholder, now)
                    tx.replace(after)
                    if after.state is not AccountState.ACTIVE:
                        tx.end_sessions(after.id, now, after.state.value)
                    elif before.state is not AccountState.ACTIVE:
                        tx.clear_failures(after.id)
                    done.append(after)
            for account in done:
                if account.state_reason == enrolment.AWAITING:
                    codes[account.username] = enrolment.issue_code(raw, account, row.id, now)
            raw.account_changes.decide(row.id, APPLIED, by, now)
            decided = replace(row, status=APPLIED, approver=by, decided_at=now)
            raw.security_events.record(_event("account.change-approved", ctx, decided, now))
        return Approval(decided.as_of(now), tuple(done), codes)

    @audited(
        "account:refuse", write=True, describe=lambda _, ctx, change_id: about(change=change_id)
    )
    def refuse(self, ctx: Context, change_id: str) -> PendingChange:
        """Refuse a proposed change (a second person; the proposal then expires unused)."""
        now = self.accounts.clock()
        with self.accounts.accounts.store.transaction() as raw:
            row = self._pending(raw, ctx, change_id)
            raw.account_changes.decide(row.id, REFUSED, ctx.principal.user_id, now)
            decided = replace(row, status=REFUSED, approver=ctx.principal.user_id, decided_at=now)
            raw.security_events.record(_event("account.change-refused", ctx, decided, now))
        return decided.as_of(now)

    @audited(
        "account:changes",
        describe=lambda _, ctx, status=None: about(query={"status": status}),
    )
    def changes(self, ctx: Context, status: str | None = "pending") -> list[PendingChange]:
        """The proposals of one's member state (``status`` None: every one), oldest first."""
        self.accounts.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        now = self.accounts.clock()
        stored = None if status in (None, EXPIRED) else status
        with self.accounts.accounts.store.read() as raw:
            rows = raw.account_changes.of_state(ctx.principal.member_state, stored)
        found = [r.as_of(now) for r in rows]
        return [c for c in found if status is None or c.status == status]
