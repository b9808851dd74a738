"""Enrolment on every store: the holder, not the creator, sets the secrets, with a code that
works once and expires; a system client needs none."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock
from tests.identity.helpers import (
    PASSWORD,
    admit,
    code,
    founders,
)
from tests.identity.proposals import approvals, sirene

from limes.domain.accounts import AccountKind, AccountState, NewAccount
from limes.domain.roles import Purpose, Role
from limes.service.accounts import AccountService
from limes.service.enrolment import CODE_LIFETIME, EnrolmentRefused, EnrolmentService
from limes.service.sessions import LoginRefused


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
