"""The policy: decides every action against the table, deny by default, with a reason.

``Policy.decide(ctx, permission, category, alert_id)`` answers, in this order:

1. **purpose** — the principal must hold the purpose it acts for
   (``ctx.purpose in principal.purposes``);
2. **clearance** — a permission in ``CONTENT_PERMISSIONS`` needs a security clearance
   valid at the policy clock's *now*, whatever the roles: an expiry takes effect on
   the very next call, as nothing is cached between calls;
3. **table** — some rule of one of the principal's roles grants the permission for the
   purpose on the alert's category (``table.py``); the decision names the rules and
   carries the field groups their views let the principal see;
4. **temporary grants** — failing the table, an active break-glass grant of the
   principal (from the ``grants`` hook) for this permission, and for this alert if the
   grant names one, allows; the reason names the grant. Grants never lift 1 and 2.

Anything else is denied, with the reason. Roles, purposes and clearance are read from
the principal on every call, so a change to any of them applies to the next request.

Every decision is told to the policy's ``observer`` if it has one (the audit trail
notes them, ``service/audited_policy.py``), and so is every refusal ``require`` raises;
``evaluate`` answers the same without telling it.

Ownership (only the issuing state writes its alerts) is not a row of the table: it is
a rule about the record, checked by the service with ``require_owner`` for the
permissions in ``OWNER_ONLY``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from limes.clock import Clock, utc_now
from limes.domain.categories import CategoryCode
from limes.domain.roles import Role
from limes.errors import Forbidden
from limes.policy.fields import CONTENT_GROUPS, FieldGroup
from limes.policy.permissions import CONTENT_PERMISSIONS, WRITES, Context, Permission, Principal
from limes.policy.table import Rule, default_table

OWNER_ONLY: frozenset[Permission] = frozenset(
    {
        Permission.ALERT_UPDATE,
        Permission.ALERT_DELETE,
        Permission.ALERT_EXTEND,
        Permission.ALERT_LINK,
        Permission.MISUSED_IDENTITY_WRITE,
        Permission.FLAG_DECIDE,
        Permission.BIOMETRIC_ENROL,
    }
)
"""Permissions exercised only on alerts of the principal's own member state."""


class ActiveGrant(Protocol):
    """A temporary grant as the ``grants`` hook returns it (break-glass).

    ``alert_id`` None: the permissions on every alert; otherwise on that one only.
    The grant allows until ``until`` (exclusive) and shows the whole content, and the
    misused-identity data if it grants reading those.
    """

    @property
    def id(self) -> str: ...

    @property
    def permissions(self) -> Collection[str]: ...

    @property
    def alert_id(self) -> str | None: ...

    @property
    def until(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class TemporaryGrant:
    """A plain ``ActiveGrant``."""

    id: str
    permissions: frozenset[str]
    until: datetime
    alert_id: str | None = None


Grants = Callable[[Principal, datetime], Iterable[ActiveGrant]]
"""``grants(principal, now)``: the principal's grants in force at ``now``."""


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, and why: ``rules`` names what allowed it (table rule ids, or
    ``break-glass grant <id>``); ``fields`` is what the principal may see under it."""

    allowed: bool
    reason: str
    rules: tuple[str, ...] = ()
    fields: frozenset[FieldGroup] = frozenset()


def _grant_fields(grant: ActiveGrant) -> frozenset[FieldGroup]:
    if Permission.MISUSED_IDENTITY_READ in grant.permissions:
        return CONTENT_GROUPS | {FieldGroup.MISUSED_IDENTITY}
    return CONTENT_GROUPS


def _on(category: CategoryCode | None, alert_id: str | None) -> str:
    where = f" on {category}" if category else ""
    return where + (f" alert {alert_id}" if alert_id else "")


@dataclass(frozen=True, slots=True)
class Asked:
    """One question put to the policy."""

    ctx: Context
    permission: Permission
    category: CategoryCode | None = None
    alert_id: str | None = None


class Observer(Protocol):
    """Told what the policy decides (the audit trail is one)."""

    def decided(self, asked: Asked, decision: Decision) -> None: ...

    def refused(self, asked: Asked, refusal: Forbidden) -> None:
        """``require`` is about to raise ``refusal``; raising instead replaces it."""


def _never() -> bool:
    return False


class Policy:
    """Evaluates the table (deny unless a rule or an active grant allows)."""

    def __init__(
        self,
        rules: Iterable[Rule] | None = None,
        clock: Clock = utc_now,
        grants: Grants | None = None,
        *,
        observer: Observer | None = None,
    ) -> None:
        """``rules`` default to the shipped table (``policy.toml``); ``clock`` is the
        one the services use (clearance expiry is judged by it); ``grants`` is the
        break-glass hook; ``observer`` is told every decision and refusal."""
        self.rules = tuple(default_table().rules if rules is None else rules)
        if not self.rules:
            raise ValueError("an empty policy would deny everything; refusing to start with one")
        self.clock = clock
        self.grants = grants
        self.observer = observer
        # a national copy (service/copies.py) refuses every write; bootstrap binds it
        self.read_only: Callable[[], bool] = _never
        self._by_role: dict[Role, tuple[Rule, ...]] = {
            role: tuple(r for r in self.rules if r.role is role) for role in Role
        }

    def decide(
        self,
        ctx: Context,
        permission: Permission,
        category: CategoryCode | None = None,
        alert_id: str | None = None,
    ) -> Decision:
        decision = self.evaluate(ctx, permission, category, alert_id)
        if self.observer is not None:
            self.observer.decided(Asked(ctx, permission, category, alert_id), decision)
        return decision

    def evaluate(
        self,
        ctx: Context,
        permission: Permission,
        category: CategoryCode | None = None,
        alert_id: str | None = None,
    ) -> Decision:
        """``decide`` without telling the observer: a question about other alerts an
        answer mentions (``disclosure.could_read``), not a decision of the use case."""
        who, purpose = ctx.principal, ctx.purpose
        if permission in WRITES and self.read_only():
            return Decision(
                False,
                f"{permission} changes the register and this installation is a national copy, "
                "which accepts no writes: write to the centre",
            )
        if purpose not in who.purposes:
            held = ", ".join(sorted(who.purposes)) or "none"
            return Decision(
                False,
                f"no rule lets {who} act for the purpose {purpose}: it does not hold that "
                f"purpose (it holds: {held})",
            )
        now = self.clock()
        if permission in CONTENT_PERMISSIONS:
            clearance = who.clearance
            if clearance is None:
                return Decision(
                    False,
                    f"{permission} touches alert content and {who} holds no security clearance",
                )
            if not clearance.valid_at(now):
                return Decision(
                    False,
                    f"{permission} touches alert content and the security clearance of {who} "
                    f"({clearance.vetting_reference}) ended at {clearance.valid_until.isoformat()}",
                )
        matched = [
            rule
            for role in sorted(who.roles)
            for rule in self._by_role.get(role, ())
            if rule.covers(permission, purpose, category)
        ]
        what = f"{permission}{_on(category, None)} for {purpose}"
        if matched:
            fields = frozenset().union(*(r.fields for r in matched))
            names = ", ".join(f"rule {r.id!r} ({r.role})" for r in matched)
            return Decision(True, f"{names} allows {what}", tuple(r.id for r in matched), fields)
        if self.grants is not None:
            for grant in self.grants(who, now):
                if (
                    permission in grant.permissions
                    and now < grant.until
                    and (grant.alert_id is None or grant.alert_id == alert_id)
                ):
                    label = f"break-glass grant {grant.id}"
                    reason = (
                        f"{label} allows {permission}{_on(category, alert_id)} for {purpose} "
                        f"until {grant.until.isoformat()}"
                    )
                    return Decision(True, reason, (label,), _grant_fields(grant))
        roles = ", ".join(sorted(who.roles)) or "no role"
        if alert_id is not None:
            # a refusal to read one alert does not tell its category (policy/disclosure.py:
            # no oracle); the audit record keeps the category the policy was asked about
            what = f"{permission}{_on(None, alert_id)} for {purpose}"
        return Decision(False, f"no rule lets {roles} {what}")

    def require(
        self,
        ctx: Context,
        permission: Permission,
        category: CategoryCode | None = None,
        alert_id: str | None = None,
    ) -> Decision:
        """``decide``, raising ``Forbidden`` with the reason when it denies."""
        decision = self.decide(ctx, permission, category, alert_id)
        if not decision.allowed:
            refusal = Forbidden(decision.reason)
            if self.observer is not None:
                self.observer.refused(Asked(ctx, permission, category, alert_id), refusal)
            raise refusal
        return decision


def require_owner(ctx: Context, issuing_state: str, alert_id: str) -> None:
    """Only users of the issuing member state may modify its alert."""
    if ctx.principal.member_state != issuing_state:
        raise Forbidden(
            f"alert {alert_id} belongs to {issuing_state}; "
            f"users of {ctx.principal.member_state} may not modify it"
        )
