"""Shared pieces of the identity tests: accounts to create, passwords, codes.

Argon2 runs with ``TEST_ONLY_WEAK`` parameters here (``Settings`` refuses them
outside development); the production parameters are checked in ``test_passwords``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from limes.domain.accounts import Account, AccountKind, NewAccount
from limes.domain.roles import Clearance, Purpose, Role
from limes.identity import totp
from limes.identity.passwords import TEST_ONLY_WEAK, Passwords
from limes.service.accounts import AccountService
from limes.service.approvals import Approval, ApprovalService, PendingChange
from limes.service.enrolment import EnrolmentService
from limes.service.sessions import LoginRefused

PASSWORD = "correct horse battery staple"
CLEARANCE = Clearance("SECRET", "BfV-2026-0042", datetime(2027, 1, 1, tzinfo=UTC))
WEAK = Passwords(TEST_ONLY_WEAK)


def operator(state: str = "DE", username: str | None = None) -> NewAccount:
    return NewAccount(
        username or f"op-{state.lower()}",
        AccountKind.USER,
        state,
        "OPS",
        frozenset({Role.SYSTEM_OPERATOR}),
        frozenset({Purpose.OPERATIONS}),
    )


def guard(username: str = "guard-1", state: str = "DE", **changes: object) -> NewAccount:
    base = NewAccount(
        username,
        AccountKind.USER,
        state,
        "BPOL",
        frozenset({Role.BORDER_GUARD}),
        frozenset({Purpose.BORDER_CHECK}),
        CLEARANCE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def client(username: str = "eu-lisa-gw", state: str = "DE") -> NewAccount:
    return NewAccount(
        username,
        AccountKind.CLIENT,
        state,
        "BPOL",
        frozenset({Role.SYSTEM_CLIENT}),
        frozenset({Purpose.BORDER_CHECK}),
        CLEARANCE,
    )


def code(account: Account, moment: datetime) -> str:
    """The TOTP code the account's authenticator app shows at ``moment``."""
    assert account.totp_secret is not None
    return totp.code_at(account.totp_secret, moment)


def admit(service: AccountService, proposer: str, approver: str, new: NewAccount) -> Approval:
    """``new`` proposed by one operator and approved by another (four eyes)."""
    change = service.add(service.acting(proposer), new)
    return ApprovalService(service).approve(service.acting(approver), change.id)


def enrol(service: AccountService, approval: Approval, username: str) -> Account:
    """The holder enrols with the code the approver got, choosing ``PASSWORD``."""
    code = approval.enrolment_codes[username]
    return EnrolmentService(service).enrol(username, code, PASSWORD).account


def founders(service: AccountService, state: str = "DE") -> tuple[Account, Account]:
    """The two bootstrapped operators of ``state``: op-xx and op-xx-2."""
    first = service.bootstrap_operator(operator(state), PASSWORD).account
    second = operator(state, f"op-{state.lower()}-2")
    return first, service.bootstrap_operator(second, PASSWORD).account


def seed(service: AccountService, *, state: str = "DE") -> tuple[Account, Account]:
    """A bootstrapped operator of ``state`` and an enrolled border guard it proposed
    (approved by the state's second operator)."""
    op, second = founders(service, state)
    new = guard(state=state)
    user = enrol(service, admit(service, op.username, second.username, new), new.username)
    return op, user


def agree(service: AccountService, change: PendingChange, approver: str = "op-de-2") -> Approval:
    """A proposed change approved by the second operator."""
    return ApprovalService(service).approve(service.acting(approver), change.id)


def add_client(service: AccountService, new: NewAccount | None = None) -> Account:
    """A system client of DE, proposed by op-de and approved by op-de-2."""
    return admit(service, "op-de", "op-de-2", new or client()).accounts[0]


def stored(service: AccountService, username: str) -> Account:
    with service.accounts.read() as tx:
        found = tx.by_username(username)
    assert found is not None
    return found


def fail(service: AccountService, username: str = "guard-1") -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        service.login(username, "wrong password, sorry", "000000")
    return refused.value
