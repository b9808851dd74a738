"""Break-glass: time-boxed elevated access under four eyes, reported to the DPO.

An operator who must, say, inspect one corrupted record asks for a grant: which
alert, which permissions (only those in ``ELEVATABLE``), for how long (at most four
hours) and why. A second, different person of the same member state who may approve
grants approves or refuses it; a self-approval is refused, and so is an approval by
an account the requester proposed or approved the creation or latest change of (a
puppet approves nothing for its maker). An approved grant lets
the requester do exactly that on exactly that alert until it ends by itself. Every
step is written as a security event for the data protection officer, in the same
transaction as the step.

The reasons (why access is needed, why it was granted or refused) name people and
documents, so they are sealed like every other personal field: AES-256-GCM under the
data key of the grant's member state (the state whose operator asked, whose officer
decides and whose DPO reads them), bound to the grant and the field. The store holds
only envelopes; the answers of this service hold the reasons opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from limes.audit.record import AlertRef
from limes.clock import Clock
from limes.crypto.fields import FieldCipher
from limes.domain.ids import is_id, new_id
from limes.domain.sealed_fields import Reason, breakglass_reason
from limes.domain.validation import reason_text
from limes.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context, Permission, Principal
from limes.service.approvals import ChangeKind
from limes.service.audited import Refs, about, audited
from limes.service.recorder import Recorder
from limes.store.port import GrantRow, SecurityEvent, Store, Transaction

MAX_MINUTES = 240
MAX_EVENTS = 1000  # security events in one answer
ELEVATABLE = frozenset({Permission.ALERT_READ, Permission.MISUSED_IDENTITY_READ})


class Status:
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Grant:
    """An active grant as the policy sees it."""

    id: str
    permissions: tuple[str, ...]
    alert_id: str
    until: datetime


def grant_refs(grant: GrantRow) -> Refs:
    """A request or grant as its record names it: id, status and the alert it is for."""
    return (AlertRef(grant.alert_id, None, grant.member_state),), {
        "grant": grant.id,
        "grant_status": grant.status,
    }


class BreakGlassService:
    def __init__(
        self,
        store: Store,
        require: Callable[[Context, Permission], object],
        clock: Clock,
        *,
        audit: Recorder,
        fields: FieldCipher,
    ) -> None:
        """``require`` is the policy's check (raises ``Forbidden``); the policy in turn
        asks ``active_grants`` of this service, so neither is built before the other.
        ``fields`` seals and opens the reasons."""
        self.store = store
        self.require = require
        self.clock = clock
        self.audit = audit
        self.fields = fields

    def _seal(self, tx: Transaction, state: str, grant_id: str, field: str, text: str) -> str:
        return self.fields.seal_text(state, grant_id, breakglass_reason(field), text, tx)

    def _opened(self, tx: Transaction, grant: GrantRow) -> GrantRow:
        """The grant with its reasons opened; ``IntegrityError`` if one was altered."""

        def opened(field: str, sealed: str) -> str:
            return self.fields.open_text(
                grant.member_state, grant.id, breakglass_reason(field), sealed, tx
            )

        decision = grant.decision_reason
        return replace(
            grant,
            reason=opened(Reason.REASON, grant.reason),
            decision_reason=None if decision is None else opened(Reason.DECISION_REASON, decision),
        )

    def seal_stored_plaintext(self) -> int:
        """Seal the reasons migration 0009 found stored in plaintext; how many were sealed.

        Run by ``limes init`` after the migrations, so the upgrade that marks them is the
        one that seals them; again, it finds nothing to do.
        """
        with self.store.transaction() as tx:
            found = tx.grants.unsealed_reasons()
            for grant_id, state, field, text in found:
                sealed = self._seal(tx, state, grant_id, field, text)
                tx.grants.set_reason(grant_id, field, sealed)
        return len(found)

    def _event(self, kind: str, ctx: Context, grant: GrantRow, now: datetime) -> SecurityEvent:
        return SecurityEvent(
            kind=kind,
            member_state=grant.member_state,
            principal=str(ctx.principal),
            at=now,
            detail={
                "grant": grant.id,
                "alert_id": grant.alert_id,
                "requester": grant.requester,
                "permissions": ",".join(grant.permissions),
                "minutes": str(grant.minutes),
            },
        )

    @audited(
        Permission.BREAKGLASS_REQUEST,
        write=True,
        describe=lambda _, ctx, alert_id, permissions, minutes, reason: about(
            AlertRef(alert_id), permissions=permissions, minutes=minutes
        ),
        answer=grant_refs,
    )
    def request(
        self,
        ctx: Context,
        alert_id: str,
        permissions: frozenset[str],
        minutes: int,
        reason: str,
    ) -> GrantRow:
        """Ask for elevated access to one alert; nothing is allowed until approved."""
        self.require(ctx, Permission.BREAKGLASS_REQUEST)
        problems = []
        if not is_id(alert_id):
            problems.append(FieldError("/alert_id", "is not an alert id"))
        unknown = set(permissions) - set(ELEVATABLE)
        if not permissions or unknown:
            allowed = ", ".join(sorted(ELEVATABLE))
            problems.append(FieldError("/permissions", f"must be some of: {allowed}"))
        if not 1 <= minutes <= MAX_MINUTES:
            problems.append(FieldError("/minutes", f"must be 1 to {MAX_MINUTES}"))
        if problems:
            raise InvalidInput("the break-glass request is not valid", problems)
        reason = reason_text(reason)
        now = self.clock()
        grant = GrantRow(
            id=new_id(),
            requester=str(ctx.principal),
            member_state=ctx.principal.member_state,
            alert_id=alert_id,
            permissions=tuple(sorted(permissions)),
            reason=reason,
            minutes=minutes,
            status=Status.REQUESTED,
            requested_at=now,
        )
        with self.store.transaction() as tx:
            sealed = self._seal(tx, grant.member_state, grant.id, Reason.REASON, reason)
            tx.grants.put(replace(grant, reason=sealed))
            tx.security_events.record(self._event("breakglass.requested", ctx, grant, now))
        return grant

    @audited(
        Permission.BREAKGLASS_APPROVE,
        write=True,
        describe=lambda _, ctx, grant_id, approve, reason: about(grant=grant_id, approve=approve),
        answer=grant_refs,
    )
    def decide(self, ctx: Context, grant_id: str, approve: bool, reason: str) -> GrantRow:
        """A second, different person of the same state approves or refuses."""
        self.require(ctx, Permission.BREAKGLASS_APPROVE)
        reason = reason_text(reason)
        now = self.clock()
        with self.store.transaction() as tx:
            grant = tx.grants.get(grant_id) if is_id(grant_id) else None
            if grant is None:
                raise NotFound(f"there is no break-glass request {grant_id}")
            if grant.member_state != ctx.principal.member_state:
                raise Forbidden(f"only {grant.member_state} decides its own break-glass requests")
            if grant.requester == str(ctx.principal):
                raise Forbidden(
                    "a break-glass request needs a second person: self-approval is refused"
                )
            requester, approver = grant.requester.partition("@")[0], ctx.principal.user_id
            if requester in tx.account_changes.custodians(approver, ChangeKind.CREATE):
                raise Forbidden(
                    f"{approver} was created or last changed by {requester}, the "
                    "requester: an account does not approve its maker's break-glass request"
                )
            if approver in tx.account_changes.custodians(requester, ChangeKind.CREATE):
                raise Forbidden(
                    f"{requester}, the requester, was created or last changed by {approver}: "
                    "nobody approves the break-glass request of an account they made"
                )
            if grant.status != Status.REQUESTED:
                raise Conflict(f"break-glass request {grant_id} is already {grant.status}")
            decided = replace(
                grant,
                status=Status.APPROVED if approve else Status.REFUSED,
                approver=str(ctx.principal),
                decided_at=now,
                valid_until=now + timedelta(minutes=grant.minutes) if approve else None,
                decision_reason=self._seal(
                    tx, grant.member_state, grant.id, Reason.DECISION_REASON, reason
                ),
            )
            tx.grants.put(decided)
            kind = "breakglass.granted" if approve else "breakglass.refused"
            tx.security_events.record(self._event(kind, ctx, decided, now))
            return self._opened(tx, decided)

    def active_grants(self, principal: Principal, now: datetime) -> list[Grant]:
        """Grants of this principal in force at ``now``; they end by themselves."""
        with self.store.read() as tx:
            rows = tx.grants.matching(requester=str(principal), status=Status.APPROVED)
        return [
            Grant(r.id, r.permissions, r.alert_id, r.valid_until)
            for r in rows
            if r.valid_until is not None
            and r.decided_at is not None
            and r.decided_at <= now < r.valid_until
        ]

    @audited(
        Permission.BREAKGLASS_LIST,
        describe=lambda _, ctx, status=None: about(query={"status": status}),
        answer=lambda grants: ((), {"grants": [g.id for g in grants]}),
    )
    def grants(self, ctx: Context, status: str | None = None) -> list[GrantRow]:
        """The member state's requests and grants (approvers and the DPO)."""
        self.require(ctx, Permission.BREAKGLASS_LIST)
        with self.store.read() as tx:
            found = tx.grants.matching(status=status, member_state=ctx.principal.member_state)
            return [self._opened(tx, grant) for grant in found]

    @audited(
        Permission.SECURITY_EVENTS_READ,
        describe=lambda _, ctx, after=None, limit=None: about(
            query={"after": after, "limit": limit}
        ),
        answer=lambda events: ((), {"security_events": [e.seq for e in events]}),
    )
    def security_events(
        self, ctx: Context, after: int = 0, limit: int = 100
    ) -> list[SecurityEvent]:
        """Security events of the principal's member state, for its DPO."""
        self.require(ctx, Permission.SECURITY_EVENTS_READ)
        if not 1 <= limit <= MAX_EVENTS:
            raise InvalidInput(f"limit must be 1 to {MAX_EVENTS}")
        with self.store.read() as tx:
            return tx.security_events.after(after, limit, ctx.principal.member_state)
