"""Shared pieces of the identity tests: accounts to create, passwords, codes.

Argon2 runs with ``TEST_ONLY_WEAK`` parameters here (``Settings`` refuses them
outside development); the production parameters are checked in ``test_passwords``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from limes.identity import totp
from limes.identity.accounts import Account, AccountKind
from limes.identity.passwords import TEST_ONLY_WEAK, Passwords
from limes.policy.permissions import Clearance, Purpose, Role
from limes.service.accounts import AccountService, NewAccount

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


def seed(service: AccountService, *, state: str = "DE") -> tuple[Account, Account]:
    """A bootstrapped operator of ``state`` and a border guard it created."""
    op = service.bootstrap_operator(operator(state), PASSWORD).account
    user = service.add(service.acting(op.username), guard(state=state), PASSWORD).account
    return op, user
