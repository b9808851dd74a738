"""Console accounts for trying Limes on a development installation (``limes dev accounts``).

``make run`` serves the console beside the API; the console needs a user who logs in
with a password and a TOTP code. ``DemoAccounts.issue`` makes one user per console
screen (``DEMO_USERS``: a border guard, SIRENE operators of two member states, a data
protection officer), or, when they exist, gives them new credentials: a generated
password and TOTP secret, returned once for the developer to read (``make run`` prints
them) and never stored in the clear (the password is hashed, the secret sealed as
every account's). Their clearance is a stand-in that says so and ends in 30 days.

Development only: ``issue`` refuses (``SettingsError``) unless the installation is a
development one, and ``bootstrap.build`` already refuses development settings on a
var folder that records it is production's. No policy grants this: like
``AccountService.bootstrap_operator`` it is done by whoever holds the store, and
recorded in the audit log like every change (no secret in the record).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from limes.config import Environment, SettingsError
from limes.domain.accounts import Account, AccountKind, AccountState
from limes.domain.ids import new_id
from limes.domain.roles import Clearance, Purpose, Role
from limes.identity import totp
from limes.service.accounts import AccountService
from limes.service.audited import Description, audited

CLEARANCE_DAYS = 30
STAND_IN_VETTING = "none: development demo account, no vetting"


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    member_state: str
    authority: str
    role: Role
    purpose: Purpose


DEMO_USERS = (
    DemoUser("demo-guard", "DE", "BPOL", Role.BORDER_GUARD, Purpose.BORDER_CHECK),
    DemoUser("demo-sirene", "DE", "SIRENE", Role.SIRENE_OPERATOR, Purpose.SIRENE),
    DemoUser("demo-sirene-fr", "FR", "SIRENE", Role.SIRENE_OPERATOR, Purpose.SIRENE),
    DemoUser("demo-dpo", "DE", "BfDI", Role.DATA_PROTECTION_OFFICER, Purpose.DATA_PROTECTION),
)


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """What a developer needs to log in as a demo user; shown once, kept nowhere."""

    user: DemoUser
    password: str
    totp_secret: str
    created: bool

    def audit_refs(self) -> tuple[tuple[()], dict[str, object]]:
        return (), {"account": self.user.username, "created": self.created}


def _issued(_service: object, user: DemoUser) -> Description:
    return Description(
        refs={"account": user.username, "member_state": user.member_state, "role": user.role}
    )


class DemoAccounts:
    """Demo console users of a development installation (this module's docstring)."""

    def __init__(self, accounts: AccountService, environment: Environment) -> None:
        self.accounts = accounts
        self.audit = accounts.audit
        self.environment = environment

    def issue_all(self) -> list[DemoCredentials]:
        """Every user of ``DEMO_USERS``, made or given new credentials."""
        return [self.issue(user) for user in DEMO_USERS]

    @audited("account:demo-credentials", write=True, describe=_issued)
    def issue(self, user: DemoUser) -> DemoCredentials:
        if self.environment is not Environment.DEVELOPMENT:
            raise SettingsError(
                "demo console accounts exist on development installations only "
                "(LIMES_ENV=development); production accounts are proposed and approved "
                "with 'limes users add'"
            )
        now = self.accounts.clock()
        password = secrets.token_urlsafe(15)
        secret = totp.new_secret()
        clearance = Clearance("SECRET", STAND_IN_VETTING, now + timedelta(days=CLEARANCE_DAYS))
        hashed = self.accounts.passwords.hash(password)
        with self.accounts.accounts.write() as tx:
            found = tx.by_username(user.username, for_update=True)
            if found is None:
                tx.insert(
                    Account(
                        id=new_id(int(now.timestamp() * 1000)),
                        username=user.username,
                        kind=AccountKind.USER,
                        member_state=user.member_state,
                        authority=user.authority,
                        roles=frozenset({user.role}),
                        purposes=frozenset({user.purpose}),
                        state=AccountState.ACTIVE,
                        state_changed_at=now,
                        created_at=now,
                        last_used_at=now,
                        clearance=clearance,
                        password_hash=hashed,
                        totp_secret=secret,
                    )
                )
            else:
                if found.member_state != user.member_state or found.roles != {user.role}:
                    raise SettingsError(
                        f"the account {user.username} exists and is not the demo's "
                        f"({user.role} of {user.member_state}); it is left as it is"
                    )
                tx.replace(
                    replace(
                        found,
                        state=AccountState.ACTIVE,
                        state_changed_at=now,
                        state_reason=None,
                        last_used_at=now,
                        clearance=clearance,
                        password_hash=hashed,
                        totp_secret=secret,
                        totp_last_step=None,
                    )
                )
                tx.clear_failures(found.id)
                tx.end_sessions(found.id, now, "new demo credentials")
        return DemoCredentials(user, password, secret, created=found is None)

    def totp_code(self, username: str) -> str:
        """The current TOTP code of a demo user (development only)."""
        if self.environment is not Environment.DEVELOPMENT:
            raise SettingsError("TOTP codes are shown on development installations only")
        if username not in {u.username for u in DEMO_USERS}:
            known = ", ".join(u.username for u in DEMO_USERS)
            raise SettingsError(f"{username} is not a demo account; they are {known}")
        with self.accounts.accounts.read() as tx:
            found = tx.by_username(username)
        if found is None or found.totp_secret is None:
            raise SettingsError(f"{username} has no demo credentials yet: run 'limes dev accounts'")
        return totp.code_at(found.totp_secret, self.accounts.clock())
