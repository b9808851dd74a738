"""The policy table: role × permission × alert category × purpose → allow.

Whatever the table does not name is denied, and every decision carries its
reason. This is the seam every door passes through (via ``service/``); the full
table with field minimisation and clearance checks is built on it.

Ownership (only the issuing state writes its alerts) is not a row here: it is a
rule about the record, checked by the service with ``require_owner``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from limes.domain.categories import CategoryCode
from limes.errors import Forbidden
from limes.policy.permissions import Context, Permission, Purpose, Role

ANY = "*"
_P = Permission
_WRITE = frozenset(
    {_P.ALERT_ISSUE, _P.ALERT_UPDATE, _P.ALERT_DELETE, _P.ALERT_EXTEND, _P.ALERT_LINK}
)
_READ = frozenset({_P.ALERT_READ, _P.ALERT_LIST})
_FLAGS = frozenset({_P.FLAG_REQUEST, _P.FLAG_DECIDE})
_BORDER_CATEGORIES = frozenset(
    {CategoryCode.REFUSAL_OF_ENTRY, CategoryCode.TRAVEL_BAN, CategoryCode.RETURN_DECISION}
)


@dataclass(frozen=True, slots=True)
class Rule:
    role: Role
    permissions: frozenset[Permission]
    purposes: frozenset[Purpose]
    categories: frozenset[CategoryCode] | None = None  # None: every category

    def __post_init__(self) -> None:
        if not self.permissions or not self.purposes:
            raise ValueError(f"a rule for {self.role} must name permissions and purposes")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str


RULES: tuple[Rule, ...] = (
    Rule(
        Role.SIRENE_OPERATOR,
        _WRITE | _READ | _FLAGS | {_P.MISUSED_IDENTITY_READ, _P.MISUSED_IDENTITY_WRITE},
        frozenset({Purpose.SIRENE}),
    ),
    Rule(Role.POLICE_OFFICER, _WRITE | _READ, frozenset({Purpose.POLICE_CHECK})),
    Rule(Role.BORDER_GUARD, _READ, frozenset({Purpose.BORDER_CHECK})),
    Rule(
        Role.IMMIGRATION_OFFICER,
        _WRITE | _READ,
        frozenset({Purpose.RETURN}),
        _BORDER_CATEGORIES,
    ),
    Rule(Role.VISA_OFFICER, _READ, frozenset({Purpose.VISA}), _BORDER_CATEGORIES),
    Rule(Role.JUDICIAL_AUTHORITY, _READ, frozenset({Purpose.JUDICIAL})),
    Rule(
        Role.DATA_PROTECTION_OFFICER,
        _READ | {_P.MISUSED_IDENTITY_READ},
        frozenset({Purpose.DATA_PROTECTION}),
    ),
    Rule(
        Role.SYSTEM_OPERATOR,
        frozenset({_P.FEED_READ, _P.EXPIRY_RUN}),
        frozenset({Purpose.OPERATIONS}),
    ),
)


class Policy:
    """Evaluates the table. Deny unless some rule of one of the principal's roles allows."""

    def __init__(self, rules: Iterable[Rule] = RULES) -> None:
        self.rules = tuple(rules)
        if not self.rules:
            raise ValueError("an empty policy would deny everything; refusing to start with one")

    def decide(
        self, ctx: Context, permission: Permission, category: CategoryCode | None = None
    ) -> Decision:
        for rule in self.rules:
            if (
                rule.role in ctx.principal.roles
                and permission in rule.permissions
                and ctx.purpose in rule.purposes
                and (category is None or rule.categories is None or category in rule.categories)
            ):
                what = f" on {category}" if category else ""
                return Decision(True, f"{rule.role} may {permission}{what} for {ctx.purpose}")
        roles = ", ".join(sorted(ctx.principal.roles)) or "no role"
        what = f" on {category}" if category else ""
        return Decision(
            False, f"no rule lets {roles} {permission}{what} for the purpose {ctx.purpose}"
        )

    def require(
        self, ctx: Context, permission: Permission, category: CategoryCode | None = None
    ) -> Decision:
        decision = self.decide(ctx, permission, category)
        if not decision.allowed:
            raise Forbidden(decision.reason)
        return decision


def require_owner(ctx: Context, issuing_state: str, alert_id: str) -> None:
    """Only users of the issuing member state may modify its alert."""
    if ctx.principal.member_state != issuing_state:
        raise Forbidden(
            f"alert {alert_id} belongs to {issuing_state}; "
            f"users of {ctx.principal.member_state} may not modify it"
        )
