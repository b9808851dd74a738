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
    code,
    enrol,
    founders,
    guard,
    operator,
)

from limes.domain.accounts import AccountKind, AccountState, NewAccount
from limes.domain.ids import new_id
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, NotFound
from limes.policy.permissions import Context, Principal
from limes.service.accounts import AccountService
from limes.service.approvals import PROPOSAL_LIFETIME, ApprovalService
from limes.service.enrolment import CODE_LIFETIME, EnrolmentRefused, EnrolmentService
from limes.service.sessions import LoginRefused

REGISTER = "username,level,vetting_reference,valid_until\n"


def holder(username: str, authority: str, role: Role, purpose: Purpose) -> NewAccount:
    return guard(
        username,
        authority=authority,
        roles=frozenset({role}),
        purposes=frozenset({purpose}),
        clearance=None,
    )


def sirene(username: str = "sirene-1") -> NewAccount:
    return holder(username, "SIRENE", Role.SIRENE_OPERATOR, Purpose.SIRENE)


def dpo(username: str) -> NewAccount:
    return holder(username, "BfDI", Role.DATA_PROTECTION_OFFICER, Purpose.DATA_PROTECTION)


def approvals(service: AccountService) -> ApprovalService:
    return ApprovalService(service)


def stored_or_none(service: AccountService, username: str) -> object:
    with service.accounts.read() as tx:
        return tx.by_username(username)


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


def test_the_creator_never_sees_the_new_users_secrets(
    each_store: AccountService, clock: FixedClock
) -> None:
    founders(each_store)
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    assert "secret" not in repr(proposed) and "otpauth" not in repr(proposed)
    approved = approvals(each_store).approve(each_store.acting("op-de-2"), proposed.id)
    created = approved.accounts[0]
    assert created.state is AccountState.DISABLED  # awaiting its holder
    code_given = approved.enrolment_codes["sirene-1"]
    # whatever secret existed before enrolment, nobody can log in with it
    with pytest.raises(LoginRefused):
        each_store.login("sirene-1", PASSWORD, code(created, clock.now))

    done = EnrolmentService(each_store).enrol("sirene-1", code_given, PASSWORD)
    assert done.account.state is AccountState.ACTIVE
    assert done.totp_uri is not None and done.account.totp_secret is not None
    assert done.account.totp_secret != created.totp_secret  # made at enrolment, for the holder
    clock.advance(seconds=30)
    each_store.login("sirene-1", PASSWORD, code(done.account, clock.now))
    with pytest.raises(EnrolmentRefused):  # the code works once
        EnrolmentService(each_store).enrol("sirene-1", code_given, "another password 1234")


def test_an_enrolment_code_expires_and_must_match(
    each_store: AccountService, clock: FixedClock
) -> None:
    founders(each_store)
    made = admit(each_store, "op-de", "op-de-2", sirene())
    given = made.enrolment_codes["sirene-1"]
    enrolling = EnrolmentService(each_store)
    for username, attempt in (("sirene-1", "AAAAA-AAAAA-AAAAA-AAAAA"), ("nobody", given)):
        with pytest.raises(EnrolmentRefused) as refused:
            enrolling.enrol(username, attempt, PASSWORD)
        assert "not accepted" in refused.value.detail
    clock.advance(CODE_LIFETIME)
    with pytest.raises(EnrolmentRefused) as late:
        enrolling.enrol("sirene-1", given.lower(), PASSWORD)
    assert late.value.cause == "the code has expired"


def test_a_proposal_expires(each_store: AccountService, clock: FixedClock) -> None:
    founders(each_store)
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    clock.advance(PROPOSAL_LIFETIME)
    with pytest.raises(Conflict, match="expired"):
        approvals(each_store).approve(each_store.acting("op-de-2"), proposed.id)
    assert [c.status for c in approvals(each_store).changes(each_store.acting("op-de"), None)] == [
        "expired"
    ]


def test_approvers_are_of_the_same_state(each_store: AccountService) -> None:
    founders(each_store)
    founders(each_store, "FR")
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    with pytest.raises(NotFound):
        approvals(each_store).approve(each_store.acting("op-fr"), proposed.id)
    with pytest.raises(Forbidden):  # an operator acting for another purpose
        approvals(each_store).approve(
            Context(
                Principal.of(each_store.get(each_store.acting("op-de"), "op-de")),
                Purpose.BORDER_CHECK,
            ),
            proposed.id,
        )


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


def test_a_system_client_needs_no_enrolment(each_store: AccountService) -> None:
    founders(each_store)
    client = NewAccount(
        "gw-1",
        AccountKind.CLIENT,
        "DE",
        "BPOL",
        frozenset({Role.SYSTEM_CLIENT}),
        frozenset({Purpose.BORDER_CHECK}),
    )
    made = admit(each_store, "op-de", "op-de-2", client)
    assert made.enrolment_codes == {}
    assert made.accounts[0].state is AccountState.ACTIVE
