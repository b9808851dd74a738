"""Policy decisions: purpose, clearance, table, temporary grants; deny by default, with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.conftest import CLEARANCE, FixedClock, make_ctx

from limes.domain.categories import CategoryCode
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import Forbidden
from limes.policy.fields import CONTENT_GROUPS, FieldGroup
from limes.policy.permissions import CONTENT_PERMISSIONS, Context, Permission
from limes.policy.policy import ActiveGrant, Policy, TemporaryGrant, require_owner
from limes.policy.table import NO_CONTENT_ROLES, default_table

ARREST, REFUSAL = CategoryCode.ARREST, CategoryCode.REFUSAL_OF_ENTRY
US = timedelta(microseconds=1)


@pytest.fixture
def policy(clock: FixedClock) -> Policy:
    return Policy(clock=clock)


def guard(**kw: object) -> Context:
    return make_ctx("FR", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK, **kw)  # type: ignore[arg-type]


def nobody() -> Context:
    """A principal with every purpose and no role."""
    principal = replace(make_ctx().principal, roles=frozenset(), purposes=frozenset(Purpose))
    return Context(principal, Purpose.SIRENE)


# -- deny by default, and reasons ------------------------------------------------------------


def test_what_the_table_names_is_allowed_with_the_rule_as_reason(policy: Policy) -> None:
    decision = policy.decide(guard(), Permission.ALERT_READ, ARREST)
    assert decision.allowed
    assert decision.rules == ("border-check",)
    assert decision.reason == (
        "rule 'border-check' (border_guard) allows alert:read on arrest for border_check"
    )


@pytest.mark.parametrize(
    ("ctx", "permission", "category", "why"),
    [
        # a role the table does not give that permission
        (guard(), Permission.ALERT_ISSUE, ARREST, "no rule lets border_guard alert:issue"),
        # a role restricted to some categories, on another
        (
            make_ctx("DE", Role.IMMIGRATION_OFFICER, purpose=Purpose.RETURN),
            Permission.ALERT_READ,
            ARREST,
            "no rule lets immigration_officer alert:read on arrest for return",
        ),
        # no role at all
        (nobody(), Permission.ALERT_READ, None, "no rule lets no role alert:read for sirene"),
        # a permission nobody holds for that purpose
        (
            make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS),
            Permission.KEYS_ROTATE,
            None,
            "no rule lets system_operator keys:rotate for operations",
        ),
    ],
)
def test_what_the_table_does_not_name_is_denied_with_the_reason(
    policy: Policy,
    ctx: Context,
    permission: Permission,
    category: CategoryCode | None,
    why: str,
) -> None:
    decision = policy.decide(ctx, permission, category)
    assert not decision.allowed
    assert decision.rules == () and decision.fields == frozenset()
    assert why in decision.reason
    with pytest.raises(Forbidden, match=why):
        policy.require(ctx, permission, category)


def test_every_permission_is_denied_to_a_role_without_rules() -> None:
    policy = Policy([r for r in default_table().rules if r.role is not Role.JUDICIAL_AUTHORITY])
    ctx = make_ctx("DE", Role.JUDICIAL_AUTHORITY, purpose=Purpose.JUDICIAL)
    ctx = Context(replace(ctx.principal, purposes=frozenset(Purpose)), Purpose.JUDICIAL)
    for permission in Permission:
        for category in (None, *CategoryCode):
            decision = policy.decide(ctx, permission, category)
            assert not decision.allowed
            assert decision.reason.startswith(f"no rule lets {Role.JUDICIAL_AUTHORITY} ")


def test_an_empty_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="empty policy"):
        Policy([])


# -- purpose ---------------------------------------------------------------------------------


def test_a_purpose_the_principal_does_not_hold_is_refused(policy: Policy) -> None:
    both = frozenset({Role.BORDER_GUARD, Role.POLICE_OFFICER})
    principal = replace(guard().principal, roles=both, purposes=frozenset({Purpose.BORDER_CHECK}))
    held = Context(principal, Purpose.BORDER_CHECK)
    not_held = Context(principal, Purpose.POLICE_CHECK)  # its police role would allow it

    assert policy.decide(held, Permission.ALERT_READ, ARREST).allowed
    decision = policy.decide(not_held, Permission.ALERT_READ, ARREST)
    assert not decision.allowed
    assert "does not hold that purpose (it holds: border_check)" in decision.reason


def test_a_principal_without_purposes_may_do_nothing(policy: Policy) -> None:
    ctx = make_ctx("DE", purposes=frozenset())
    for permission in Permission:
        decision = policy.decide(ctx, permission)
        assert not decision.allowed
        assert decision.reason.endswith("(it holds: none)")


# -- clearance -------------------------------------------------------------------------------


def test_clearance_expiry_takes_effect_at_the_exact_instant(
    policy: Policy, clock: FixedClock
) -> None:
    ends = clock.now + timedelta(hours=1)
    ctx = guard(clearance=Clearance("SECRET", "VET-7", ends))

    clock.set(ends - US)
    assert policy.decide(ctx, Permission.ALERT_READ, ARREST).allowed
    clock.set(ends)
    decision = policy.decide(ctx, Permission.ALERT_READ, ARREST)
    assert not decision.allowed
    assert decision.reason == (
        "alert:read touches alert content and the security clearance of "
        f"officer-1@SIRENE FR/FR (VET-7) ended at {ends.isoformat()}"
    )


@pytest.mark.parametrize("permission", sorted(CONTENT_PERMISSIONS))
def test_no_content_without_a_clearance_whatever_the_roles(
    policy: Policy, permission: Permission
) -> None:
    everything = frozenset(Role)
    principal = replace(make_ctx().principal, roles=everything, purposes=frozenset(Purpose))
    for purpose in Purpose:
        ctx = Context(replace(principal, clearance=None), purpose)
        decision = policy.decide(ctx, permission, ARREST)
        assert not decision.allowed
        assert decision.reason.endswith("holds no security clearance")


def test_permissions_that_touch_no_content_need_no_clearance(policy: Policy) -> None:
    ctx = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS, clearance=None)
    for permission in (Permission.EXPIRY_RUN, Permission.FEED_READ, Permission.ACCOUNT_MANAGE):
        assert policy.decide(ctx, permission).allowed


def test_the_clearance_is_judged_by_the_policy_clock(clock: FixedClock) -> None:
    ctx = guard(clearance=Clearance("SECRET", "VET-8", clock.now + timedelta(days=1)))
    assert Policy(clock=clock).decide(ctx, Permission.ALERT_READ, ARREST).allowed
    clock.advance(days=1)
    assert not Policy(clock=clock).decide(ctx, Permission.ALERT_READ, ARREST).allowed


# -- role changes ----------------------------------------------------------------------------


def test_a_role_change_takes_effect_on_the_next_call(policy: Policy) -> None:
    before = guard()
    assert policy.decide(before, Permission.ALERT_READ, ARREST).allowed
    demoted = replace(before.principal, roles=frozenset({Role.VISA_OFFICER}))
    after = Context(demoted, Purpose.BORDER_CHECK)
    assert not policy.decide(after, Permission.ALERT_READ, ARREST).allowed
    promoted = replace(before.principal, roles=frozenset({Role.BORDER_GUARD, Role.SIRENE_OPERATOR}))
    decision = policy.decide(Context(promoted, Purpose.BORDER_CHECK), Permission.ALERT_READ)
    assert decision.allowed and decision.rules == ("border-check",)


def test_views_of_several_roles_add_up() -> None:
    # each rule that allows adds its view: here two that agree on an identity check
    principal = replace(
        guard().principal,
        roles=frozenset({Role.BORDER_GUARD, Role.SYSTEM_CLIENT}),
        purposes=frozenset({Purpose.BORDER_CHECK}),
    )
    decision = Policy().decide(Context(principal, Purpose.BORDER_CHECK), Permission.ALERT_READ)
    assert decision.rules == ("border-check", "system-client-check")
    assert FieldGroup.MISUSED_IDENTITY in decision.fields
    assert FieldGroup.NATIONAL_DECISION not in decision.fields


# -- no superuser ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(NO_CONTENT_ROLES))
def test_operators_get_no_content_for_any_purpose_or_category(role: Role) -> None:
    policy = Policy()
    principal = replace(make_ctx("DE", role).principal, purposes=frozenset(Purpose))
    for purpose in Purpose:
        ctx = Context(principal, purpose)
        for permission in CONTENT_PERMISSIONS:
            for category in (None, *CategoryCode):
                decision = policy.decide(ctx, permission, category)
                assert not decision.allowed
                assert decision.reason.startswith(f"no rule lets {role} ")


# -- temporary grants (break-glass) ----------------------------------------------------------


def operator_with(grants: list[ActiveGrant], clock: FixedClock) -> tuple[Policy, Context]:
    policy = Policy(clock=clock, grants=lambda principal, now: grants)
    ctx = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)
    return policy, ctx


def test_a_grant_allows_its_permissions_on_its_alert_until_it_ends(clock: FixedClock) -> None:
    until = clock.now + timedelta(hours=4)
    grant = TemporaryGrant("G1", frozenset({"alert:read"}), until, alert_id="A1")
    policy, ctx = operator_with([grant], clock)

    decision = policy.decide(ctx, Permission.ALERT_READ, ARREST, alert_id="A1")
    assert decision.allowed
    assert decision.rules == ("break-glass grant G1",)
    assert decision.reason.startswith("break-glass grant G1 allows alert:read on arrest alert A1")
    assert decision.fields == CONTENT_GROUPS  # no misused identity unless granted
    assert not policy.decide(ctx, Permission.ALERT_READ, ARREST, alert_id="A2").allowed
    assert not policy.decide(ctx, Permission.ALERT_READ, ARREST).allowed  # e.g. a list
    assert not policy.decide(ctx, Permission.ALERT_UPDATE, ARREST, alert_id="A1").allowed
    clock.set(until - US)
    assert policy.decide(ctx, Permission.ALERT_READ, ARREST, alert_id="A1").allowed
    clock.set(until)
    assert not policy.decide(ctx, Permission.ALERT_READ, ARREST, alert_id="A1").allowed


def test_a_grant_lifts_neither_purpose_nor_clearance(clock: FixedClock) -> None:
    grant = TemporaryGrant("G2", frozenset({"alert:read"}), clock.now + timedelta(hours=1))
    policy, ctx = operator_with([grant], clock)
    assert policy.decide(ctx, Permission.ALERT_READ, ARREST, alert_id="A1").allowed
    unvetted = Context(replace(ctx.principal, clearance=None), Purpose.OPERATIONS)
    assert "no security clearance" in policy.decide(unvetted, Permission.ALERT_READ).reason
    other_purpose = Context(ctx.principal, Purpose.SIRENE)
    assert "does not hold" in policy.decide(other_purpose, Permission.ALERT_READ).reason


def test_a_grant_of_misused_identity_shows_that_group(clock: FixedClock) -> None:
    grant = TemporaryGrant(
        "G3", frozenset({"alert:read", "misused-identity:read"}), clock.now + timedelta(hours=1)
    )
    policy, ctx = operator_with([grant], clock)
    decision = policy.decide(ctx, Permission.MISUSED_IDENTITY_READ, ARREST, alert_id="A1")
    assert decision.allowed and FieldGroup.MISUSED_IDENTITY in decision.fields


def test_the_table_is_asked_before_grants(clock: FixedClock) -> None:
    calls: list[object] = []

    def grants(principal: object, now: object) -> list[ActiveGrant]:
        calls.append(principal)
        return []

    policy = Policy(clock=clock, grants=grants)
    assert policy.decide(guard(), Permission.ALERT_READ, ARREST).allowed
    assert calls == []
    assert not policy.decide(guard(), Permission.ALERT_ISSUE, ARREST).allowed
    assert calls == [guard().principal]


# -- ownership -------------------------------------------------------------------------------


def test_only_the_issuing_state_modifies_its_alert() -> None:
    require_owner(make_ctx("DE"), "DE", "A1")
    with pytest.raises(Forbidden, match="alert A1 belongs to DE; users of FR may not modify it"):
        require_owner(make_ctx("FR"), "DE", "A1")


def test_the_test_clearance_is_valid_for_the_suite(clock: FixedClock) -> None:
    assert CLEARANCE.valid_at(clock.now)
