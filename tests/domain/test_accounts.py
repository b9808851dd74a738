"""The rules on what an account may hold, and when an account or a session has lapsed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from limes.domain.accounts import (
    IDLE_TIMEOUT,
    UNUSED_LIMIT,
    Account,
    AccountKind,
    AccountState,
    Session,
    check_clearance,
    check_identity,
    check_roles,
    check_username,
    require,
)
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import InvalidInput
from limes.policy.permissions import Principal

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
USER, CLIENT = AccountKind.USER, AccountKind.CLIENT
GUARD, OPERATOR, CUSTODIAN = Role.BORDER_GUARD, Role.SYSTEM_OPERATOR, Role.KEY_CUSTODIAN
BORDER = frozenset({Purpose.BORDER_CHECK})


@pytest.mark.parametrize(
    ("kind", "roles", "purposes", "problems"),
    [
        (USER, {GUARD}, BORDER, 0),
        (USER, {OPERATOR}, BORDER, 0),
        (CLIENT, {Role.SYSTEM_CLIENT}, BORDER, 0),
        (USER, set(), BORDER, 1),  # no role
        (USER, {GUARD}, frozenset(), 1),  # no purpose
        (USER, {OPERATOR, GUARD}, BORDER, 1),  # runs the system and reads alerts
        (USER, {OPERATOR, CUSTODIAN}, BORDER, 1),  # runs accounts and keys
        (CLIENT, {CUSTODIAN}, BORDER, 1),  # an administrative role on a system client
        (USER, {Role.SYSTEM_CLIENT}, BORDER, 1),  # the client role on a person
    ],
)
def test_the_roles_an_account_may_hold(
    kind: AccountKind, roles: set[Role], purposes: frozenset[Purpose], problems: int
) -> None:
    errors = check_roles(kind, frozenset(roles), purposes)
    assert len(errors) == problems
    assert all(e.pointer in ("/roles", "/purposes") for e in errors)


@pytest.mark.parametrize(
    ("username", "good"),
    [
        ("jdoe", True),
        ("j.doe-2_x", True),
        ("x" * 64, True),
        ("", False),
        ("x" * 65, False),
        ("-jdoe", False),
        ("JDoe", False),
        ("jdoé", False),
    ],
)
def test_a_username(username: str, good: bool) -> None:
    assert (check_username(username) == []) is good


def test_an_identity_names_a_member_state_and_an_authority() -> None:
    assert check_identity("DE", "BPOL") == []
    pointers = [e.pointer for e in check_identity("XX", "two words")]
    assert pointers == ["/member_state", "/authority"]


def test_a_clearance_has_a_known_level_a_clean_reference_and_an_aware_end() -> None:
    assert check_clearance(Clearance("SECRET", "BfV-2025-0042", NOW)) == []
    bad = Clearance("COSMIC", " padded ", NOW.replace(tzinfo=None))
    assert [e.pointer for e in check_clearance(bad)] == [
        "/clearance/level",
        "/clearance/vetting_reference",
        "/clearance/valid_until",
    ]


def test_require_lists_every_problem() -> None:
    require([], "an account")
    with pytest.raises(InvalidInput) as raised:
        require(check_roles(USER, frozenset(), frozenset()), "an account")
    assert len(raised.value.errors) == 2


def _account(**changes: object) -> Account:
    fields: dict[str, object] = dict(
        id="A1",
        username="jdoe",
        kind=USER,
        member_state="DE",
        authority="BPOL",
        roles=frozenset({GUARD}),
        purposes=BORDER,
        state=AccountState.ACTIVE,
        state_changed_at=NOW,
        created_at=NOW,
        last_used_at=NOW,
    )
    fields.update(changes)
    return Account(**fields)  # type: ignore[arg-type]


def test_an_account_lapses_after_90_days_without_use() -> None:
    account = _account()
    assert not account.unused_at(NOW + UNUSED_LIMIT - timedelta(seconds=1))
    assert account.unused_at(NOW + UNUSED_LIMIT)
    assert not account.administrative and _account(roles=frozenset({OPERATOR})).administrative


def test_a_session_lapses_after_15_minutes_without_a_request() -> None:
    session = Session("S1", "A1", NOW, NOW)
    assert not session.idle_at(NOW + IDLE_TIMEOUT - timedelta(seconds=1))
    assert session.idle_at(NOW + IDLE_TIMEOUT)


def test_the_principal_of_an_account_is_what_it_holds_now() -> None:
    clearance = Clearance("SECRET", "BfV-2025-0042", NOW)
    principal = Principal.of(_account(clearance=clearance), "S1")
    assert principal == Principal(
        "jdoe", "DE", "BPOL", frozenset({GUARD}), BORDER, clearance, session_id="S1"
    )
    assert str(principal) == "jdoe@BPOL/DE" and Principal.of(_account()).session_id is None
