"""Break-glass under four eyes on both stores, and the rate limit.

The read bounds that replaced extraction detection are tested in ``test_reading.py``."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import FixedClock, make_ctx, memory_audit

from limes.domain.ids import new_id
from limes.errors import Conflict, Forbidden, InvalidInput, RateLimited
from limes.policy.permissions import Context, Purpose, Role
from limes.policy.policy import Policy
from limes.service.abuse import Limits, UsageMonitor
from limes.service.breakglass import MAX_MINUTES, BreakGlassService
from limes.store.port import Store


def operator(user: str, state: str = "DE") -> Context:
    return make_ctx(state, Role.SYSTEM_OPERATOR, user=user, purpose=Purpose.OPERATIONS)


def dpo(user: str = "dpo", state: str = "DE") -> Context:
    return make_ctx(state, Role.DATA_PROTECTION_OFFICER, user=user, purpose=Purpose.DATA_PROTECTION)


@pytest.fixture
def glass(store: Store, clock: FixedClock) -> BreakGlassService:
    """Break-glass with the real policy table: operators ask, the DPO decides."""
    return BreakGlassService(store, Policy(clock=clock).require, clock, audit=memory_audit(clock))


def test_four_eyes_grant_lasts_its_time_and_is_reported(
    glass: BreakGlassService, store: Store, clock: FixedClock
) -> None:
    alice, bob = operator("alice"), dpo()
    alert = new_id()
    asked = glass.request(alice, alert, frozenset({"alert:read"}), 60, "record 17 is corrupted")
    assert glass.active_grants(alice.principal, clock()) == []  # nothing before approval
    glass.decide(bob, asked.id, True, "checked the ticket")
    grants = glass.active_grants(alice.principal, clock())
    assert [(g.alert_id, g.permissions) for g in grants] == [(alert, ("alert:read",))]
    assert glass.active_grants(bob.principal, clock()) == []  # the approver gains nothing
    assert glass.active_grants(operator("carl").principal, clock()) == []
    clock.advance(minutes=59, seconds=59)
    assert glass.active_grants(alice.principal, clock())
    clock.advance(seconds=1)
    assert glass.active_grants(alice.principal, clock()) == []  # ends by itself
    kinds = [e.kind for e in glass.security_events(dpo())]
    assert kinds == ["breakglass.requested", "breakglass.granted"]
    assert glass.security_events(dpo("x", "FR")) == []


def test_self_approval_and_foreign_approval_are_refused(glass: BreakGlassService) -> None:
    # one person holding both roles still cannot approve their own request
    both = make_ctx(
        "DE",
        Role.SYSTEM_OPERATOR,
        Role.DATA_PROTECTION_OFFICER,
        user="alice",
        purpose=Purpose.OPERATIONS,
    )
    asked = glass.request(both, new_id(), frozenset({"alert:read"}), 30, "inspect one record")
    with pytest.raises(Forbidden, match="self-approval"):
        glass.decide(replace(both, purpose=Purpose.DATA_PROTECTION), asked.id, True, "me")
    with pytest.raises(Forbidden):
        glass.decide(dpo("pierre", "FR"), asked.id, True, "not mine")
    with pytest.raises(Forbidden):
        glass.decide(operator("bob"), asked.id, True, "operators do not approve")
    glass.decide(dpo(), asked.id, False, "no ticket")
    with pytest.raises(Conflict):
        glass.decide(dpo("dpo-2"), asked.id, True, "too late")


@pytest.mark.parametrize(
    ("permissions", "minutes", "pointer"),
    [
        (frozenset({"alert:update"}), 30, "/permissions"),
        (frozenset(), 30, "/permissions"),
        (frozenset({"alert:read"}), MAX_MINUTES + 1, "/minutes"),
        (frozenset({"alert:read"}), 0, "/minutes"),
    ],
)
def test_requests_are_bounded(
    glass: BreakGlassService, permissions: frozenset[str], minutes: int, pointer: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        glass.request(operator("alice"), new_id(), permissions, minutes, "why")
    assert pointer in [e.pointer for e in exc.value.errors]


def test_rate_limit_refills_over_time(clock: FixedClock) -> None:
    monitor = UsageMonitor(clock, Limits(rate_per_second=2, burst=3))
    ctx = make_ctx("DE", Role.BORDER_GUARD)
    for _ in range(3):
        monitor.admit(ctx)
    with pytest.raises(RateLimited) as exc:
        monitor.admit(ctx)
    assert exc.value.retry_after >= 1
    clock.advance(seconds=1)
    monitor.admit(ctx)
    monitor.admit(ctx)
    monitor.admit(
        make_ctx("DE", Role.BORDER_GUARD, user="someone-else")
    )  # buckets are per principal
