"""No superuser, in fact: the escalation paths of one system operator, each closed.

The finding: one operator imported a clearance for themselves, created accounts and
was shown their TOTP secrets, gave one a clearance and the SIRENE role to read every
alert, and made a data protection officer who approved the operator's own
break-glass request. Each step is a test here, on both stores.
"""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, break_glass
from tests.identity.helpers import (
    CLEARANCE,
    PASSWORD,
    admit,
    enrol,
    founders,
    operator,
)
from tests.identity.proposals import REGISTER, approvals, dpo, sirene, stored_or_none

from limes.domain.ids import new_id
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden
from limes.policy.permissions import Context
from limes.service.accounts import AccountService

# -- the escalation, step by step -----------------------------------------------------------


def test_an_operator_cannot_import_their_own_clearance(each_store: AccountService) -> None:
    founders(each_store)
    with pytest.raises(Forbidden, match="their own account"):
        each_store.import_clearances(
            each_store.acting("op-de"), REGISTER + "op-de,TOP_SECRET,self,2099-12-31\n"
        )
    assert each_store.get(each_store.acting("op-de-2"), "op-de").clearance is None
    # nor can the second operator approve a register that names them
    change = each_store.import_clearances(
        each_store.acting("op-de"), REGISTER + "op-de-2,SECRET,R-1,2099-12-31\n"
    )
    with pytest.raises(Forbidden, match="their own account"):
        approvals(each_store).approve(each_store.acting("op-de-2"), change.id)
    assert each_store.get(each_store.acting("op-de"), "op-de-2").clearance is None


def test_an_operator_cannot_change_their_own_roles_or_state(each_store: AccountService) -> None:
    founders(each_store)
    me = each_store.acting("op-de")
    for attempt in (
        lambda: each_store.set_roles(me, "op-de", frozenset({Role.SIRENE_OPERATOR})),
        lambda: each_store.set_clearance(me, "op-de", CLEARANCE),
        lambda: each_store.enable(me, "op-de"),
        lambda: each_store.release(me, "op-de"),
        lambda: each_store.reenrol(me, "op-de"),
        lambda: each_store.disable(me, "op-de", "leaving"),
    ):
        with pytest.raises(Forbidden, match="own account"):
            attempt()


def test_one_operator_alone_creates_nothing(each_store: AccountService) -> None:
    founders(each_store)
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    assert proposed.status == "pending"
    assert stored_or_none(each_store, "sirene-1") is None  # nothing exists yet
    with pytest.raises(Forbidden, match="second person"):
        approvals(each_store).approve(each_store.acting("op-de"), proposed.id)
    with pytest.raises(Forbidden, match="second person"):
        approvals(each_store).refuse(each_store.acting("op-de"), proposed.id)
    assert stored_or_none(each_store, "sirene-1") is None


def test_one_operator_alone_grants_no_clearance_or_role(each_store: AccountService) -> None:
    founders(each_store)
    made = admit(each_store, "op-de", "op-de-2", sirene())
    enrol(each_store, made, "sirene-1")
    op = each_store.acting("op-de")
    each_store.import_clearances(op, REGISTER + "sirene-1,SECRET,R-1,2099-12-31\n")
    each_store.set_clearance(op, "sirene-1", CLEARANCE)
    each_store.set_roles(
        op, "sirene-1", frozenset({Role.POLICE_OFFICER}), frozenset({Purpose.POLICE_CHECK})
    )
    now = each_store.get(op, "sirene-1")
    assert now.clearance is None and now.roles == {Role.SIRENE_OPERATOR}  # all still proposals
    pending = approvals(each_store).changes(op)
    assert [c.kind for c in pending] == ["clearances", "clearance", "roles"]
    assert all(c.proposer == "op-de" for c in pending)

    approved = approvals(each_store).approve(each_store.acting("op-de-2"), pending[0].id)
    assert approved.change.status == "applied" and approved.change.approver == "op-de-2"
    assert each_store.get(op, "sirene-1").clearance is not None
    with pytest.raises(Conflict, match="already applied"):
        approvals(each_store).approve(each_store.acting("op-de-2"), pending[0].id)


def test_a_puppet_operator_approves_nothing_for_its_maker(each_store: AccountService) -> None:
    founders(each_store)
    made = admit(each_store, "op-de", "op-de-2", operator("DE", "op-de-3"))
    enrol(each_store, made, "op-de-3")
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    with pytest.raises(Forbidden, match="created or last changed by op-de"):
        approvals(each_store).approve(each_store.acting("op-de-3"), proposed.id)
    # the approver of its creation is one of its makers too
    other = each_store.add(each_store.acting("op-de-2"), sirene("sirene-2"))
    with pytest.raises(Forbidden, match="created or last changed by op-de-2"):
        approvals(each_store).approve(each_store.acting("op-de-3"), other.id)
    # and the makers approve nothing the puppet proposes
    by_puppet = each_store.add(each_store.acting("op-de-3"), sirene("sirene-3"))
    for maker in ("op-de", "op-de-2"):
        with pytest.raises(Forbidden, match="the proposer, was created or last changed by"):
            approvals(each_store).approve(each_store.acting(maker), by_puppet.id)
    assert stored_or_none(each_store, "sirene-3") is None


def test_a_dpo_made_by_the_requester_does_not_approve_their_break_glass(
    each_store: AccountService, clock: FixedClock
) -> None:
    store = each_store.accounts.store
    glass = break_glass(store, clock)
    founders(each_store)
    # two more operators, each made by the two founders: neither made the other
    for name in ("op-de-3", "op-de-4"):
        enrol(each_store, admit(each_store, "op-de", "op-de-2", operator("DE", name)), name)
    # the requester's own DPO, and one made by others
    enrol(each_store, admit(each_store, "op-de", "op-de-2", dpo("dpo-puppet")), "dpo-puppet")
    enrol(each_store, admit(each_store, "op-de-3", "op-de-4", dpo("dpo-real")), "dpo-real")

    requester = each_store.acting("op-de")
    asked = glass.request(requester, new_id(), frozenset({"alert:read"}), 30, "record 17")
    puppet = Context(each_store.acting("dpo-puppet").principal, Purpose.DATA_PROTECTION)
    with pytest.raises(Forbidden, match="created or last changed by op-de"):
        glass.decide(puppet, asked.id, True, "approved by my maker's account")
    assert glass.active_grants(requester.principal, clock()) == []

    real = Context(each_store.acting("dpo-real").principal, Purpose.DATA_PROTECTION)
    granted = glass.decide(real, asked.id, True, "ticket checked")
    assert granted.status == "approved"

    # a later change by the requester makes a DPO theirs too
    asked = glass.request(requester, new_id(), frozenset({"alert:read"}), 30, "record 18")
    change = each_store.set_clearance(requester, "dpo-real", CLEARANCE)
    approvals(each_store).approve(each_store.acting("op-de-2"), change.id)
    with pytest.raises(Forbidden, match="created or last changed by op-de"):
        glass.decide(real, asked.id, True, "now changed by the requester")


def test_a_dpo_does_not_approve_the_break_glass_of_an_operator_it_made(
    each_store: AccountService, clock: FixedClock
) -> None:
    glass = break_glass(each_store.accounts.store, clock)
    founders(each_store)
    for name in ("op-de-3", "op-de-4"):
        enrol(each_store, admit(each_store, "op-de", "op-de-2", operator("DE", name)), name)
    enrol(each_store, admit(each_store, "op-de-3", "op-de-4", operator("DE", "op-de-5")), "op-de-5")
    # op-de-3, who proposed op-de-5, becomes a data protection officer
    to_dpo = each_store.set_roles(
        each_store.acting("op-de"),
        "op-de-3",
        frozenset({Role.DATA_PROTECTION_OFFICER}),
        frozenset({Purpose.DATA_PROTECTION}),
    )
    approvals(each_store).approve(each_store.acting("op-de-2"), to_dpo.id)

    asked = glass.request(
        each_store.acting("op-de-5"), new_id(), frozenset({"alert:read"}), 30, "record 19"
    )
    maker = Context(each_store.acting("op-de-3").principal, Purpose.DATA_PROTECTION)
    with pytest.raises(Forbidden, match="the requester, was created or last changed by op-de-3"):
        glass.decide(maker, asked.id, True, "my own operator")


def test_every_step_is_a_security_event(each_store: AccountService) -> None:
    founders(each_store)
    made = admit(each_store, "op-de", "op-de-2", sirene())
    enrol(each_store, made, "sirene-1")
    refused = each_store.add(each_store.acting("op-de"), sirene("sirene-2"))
    approvals(each_store).refuse(each_store.acting("op-de-2"), refused.id)
    with each_store.accounts.store.read() as tx:
        events = tx.security_events.after(0, 100, "DE")
    assert [(e.kind, e.detail["accounts"] if "accounts" in e.detail else e.detail["account"])
            for e in events] == [
        ("account.change-proposed", "sirene-1"),
        ("account.change-approved", "sirene-1"),
        ("account.enrolled", "sirene-1"),
        ("account.change-proposed", "sirene-2"),
        ("account.change-refused", "sirene-2"),
    ]  # fmt: skip


def test_only_the_first_two_operators_are_bootstrapped(each_store: AccountService) -> None:
    founders(each_store)
    with pytest.raises(Forbidden, match="has its system operators"):
        each_store.bootstrap_operator(operator("DE", "op-de-9"), PASSWORD)
    each_store.disable(each_store.acting("op-de"), "op-de-2", "left")  # still counts
    with pytest.raises(Forbidden, match="has its system operators"):
        each_store.bootstrap_operator(operator("DE", "op-de-9"), PASSWORD)
