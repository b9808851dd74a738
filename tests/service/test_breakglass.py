"""Break-glass under four eyes on both stores.

The read bounds that replaced extraction detection are tested in ``test_reading.py``."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.conftest import FixedClock, break_glass, make_ctx
from tests.store_peek import peek

from limes.crypto.keys import IntegrityError
from limes.domain.ids import new_id
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, InvalidInput
from limes.policy.permissions import Context
from limes.service.breakglass import MAX_MINUTES, BreakGlassService
from limes.store.port import GrantRow, Store


def operator(user: str, state: str = "DE") -> Context:
    return make_ctx(state, Role.SYSTEM_OPERATOR, user=user, purpose=Purpose.OPERATIONS)


def dpo(user: str = "dpo", state: str = "DE") -> Context:
    return make_ctx(state, Role.DATA_PROTECTION_OFFICER, user=user, purpose=Purpose.DATA_PROTECTION)


@pytest.fixture
def glass(store: Store, clock: FixedClock) -> BreakGlassService:
    """Break-glass with the real policy table: operators ask, the DPO decides."""
    return break_glass(store, clock)


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


# what the outside review found in a pg_dump: a name and a passport number in a reason
REASON = "Passport L898902C3 of Malgorzata Wojciechowska fails to open"
DECISION = "Ticket 4711 confirms Wojciechowska's record is damaged"
SECRET_WORDS = ("L898902C3", "Wojciechowska", "Malgorzata", "Ticket 4711")


def raw_grants(store: Store) -> str:
    """Every column of every stored grant, as the database holds it."""
    with store.read() as tx:
        rows = peek(tx).rows("SELECT * FROM breakglass_grants")
    return repr(rows)


def test_reasons_are_sealed_at_rest_and_the_dpo_reads_them(
    glass: BreakGlassService, store: Store
) -> None:
    asked = glass.request(operator("alice"), new_id(), frozenset({"alert:read"}), 30, REASON)
    assert asked.reason == REASON  # the requester's answer holds it opened
    decided = glass.decide(dpo(), asked.id, True, DECISION)
    assert (decided.reason, decided.decision_reason) == (REASON, DECISION)
    stored = raw_grants(store)
    assert asked.id in stored
    assert [w for w in SECRET_WORDS if w in stored] == []
    (listed,) = glass.grants(dpo())
    assert (listed.reason, listed.decision_reason) == (REASON, DECISION)

    # an envelope moved to another grant does not open there
    other = glass.request(operator("alice"), new_id(), frozenset({"alert:read"}), 5, "other")
    with store.transaction() as tx:
        moved = tx.grants.get(asked.id)
        assert moved is not None
        tx.grants.set_reason(other.id, "reason", moved.reason)
    with pytest.raises(IntegrityError):
        glass.grants(dpo())


def test_reasons_stored_in_plaintext_before_0009_are_sealed_on_upgrade(
    glass: BreakGlassService, store: Store, clock: FixedClock
) -> None:
    # a grant as the code before migration 0009 stored it, reasons in plaintext
    old = GrantRow(
        id=new_id(),
        requester="alice@OPS/DE",
        member_state="DE",
        alert_id=new_id(),
        permissions=("alert:read",),
        reason=REASON,
        minutes=30,
        status="approved",
        requested_at=clock(),
        approver="dpo@DPA/DE",
        decided_at=clock(),
        valid_until=clock() + timedelta(minutes=30),
        decision_reason=DECISION,
    )
    pending = replace(old, id=new_id(), status="requested", decision_reason=None)
    with store.transaction() as tx:
        peek(tx).run(
            "DELETE FROM schema_migrations WHERE version = ?", ("0009_sealed_breakglass_reasons",)
        )
        tx.grants.put(old)
        tx.grants.put(pending)
    assert "0009_sealed_breakglass_reasons" in store.migrate()
    assert "Wojciechowska" in raw_grants(store)  # marked, not yet sealed: SQL has no keys

    assert glass.seal_stored_plaintext() == 3
    assert [w for w in SECRET_WORDS if w in raw_grants(store)] == []
    found = {g.id: g for g in glass.grants(dpo())}
    assert (found[old.id].reason, found[old.id].decision_reason) == (REASON, DECISION)
    assert (found[pending.id].reason, found[pending.id].decision_reason) == (REASON, None)
    assert glass.seal_stored_plaintext() == 0


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
