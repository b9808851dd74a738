"""Accounts: users and system clients, and the rules on what an account may hold.

An account belongs to one member state and one authority, holds roles, the purposes
it may act for, and a security clearance (or none). Users prove themselves with a
password and a TOTP code; system clients with a token issued by Limes, a token of
their member state's OpenID Connect provider, or a client certificate (``identity/``
checks those). The principal an account acts as is ``Principal.of(account)``.

Rules that hold for every account (``check_roles``):

* at least one role and one purpose;
* an administrative role (system operator, key custodian) is held alone: those who
  run accounts, keys and the service never also hold a role that reads alert
  content, and no one runs both accounts and keys (no superuser);
* administrative roles belong to persons (a password and a second factor), never
  to a system client; the system-client role belongs to system clients only.

States: ``active``; ``locked`` until an operator of the same member state releases it
(failed logins no longer lock: ``service/login_limits.py`` guards the username
instead, which its holder's second factor gets through); ``disabled`` by an
operator, or after 90 days without use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from limes.domain.countries import CountryError, member_state
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import FieldError, InvalidInput

LOCKOUT_WINDOW = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=15)
# A session's last_seen (and an account's last_used) is written at most this often,
# so that a busy user costs one write per half minute, not one per request. The
# idle timeout therefore counts from up to 30 s before the last request: it errs short.
TOUCH_INTERVAL = timedelta(seconds=30)
UNUSED_LIMIT = timedelta(days=90)

ADMIN_ROLES = frozenset({Role.SYSTEM_OPERATOR, Role.KEY_CUSTODIAN})

# EU classified information levels (Council Decision 2013/488/EU, Article 2):
# RESTREINT UE/EU RESTRICTED … TRÈS SECRET UE/EU TOP SECRET.
CLEARANCE_LEVELS = ("RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET")

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_AUTHORITY = re.compile(r"[A-Za-z0-9._-]{1,64}")
_REFERENCE = re.compile(r"[^\x00-\x1f\x7f]{1,100}")


class AccountKind(StrEnum):
    USER = "user"
    CLIENT = "client"


class AccountState(StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Account:
    """One account as stored. Secrets are kept out of ``repr``."""

    id: str
    username: str
    kind: AccountKind
    member_state: str
    authority: str
    roles: frozenset[Role]
    purposes: frozenset[Purpose]
    state: AccountState
    state_changed_at: datetime
    created_at: datetime
    last_used_at: datetime
    state_reason: str | None = None
    clearance: Clearance | None = None
    password_hash: str | None = field(default=None, repr=False)
    totp_secret: str | None = field(default=None, repr=False)
    totp_last_step: int | None = None
    oidc_issuer: str | None = None
    oidc_subject: str | None = None
    certificate_sha256: str | None = None

    def unused_at(self, now: datetime) -> bool:
        """True once 90 days have passed since the account was last used (or created)."""
        return now - self.last_used_at >= UNUSED_LIMIT

    @property
    def administrative(self) -> bool:
        return bool(self.roles & ADMIN_ROLES)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """An account as an operator proposes it, before it has an id and credentials."""

    username: str
    kind: AccountKind
    member_state: str
    authority: str
    roles: frozenset[Role]
    purposes: frozenset[Purpose]
    clearance: Clearance | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A user's login: it ends at logout, or after 15 minutes without a request."""

    id: str
    account_id: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    end_reason: str | None = None

    def idle_at(self, now: datetime) -> bool:
        return now - self.last_seen_at >= IDLE_TIMEOUT


# -- checks ----------------------------------------------------------------------------


def check_username(value: str, pointer: str = "/username") -> list[FieldError]:
    if _USERNAME.fullmatch(value) is None:
        return [
            FieldError(pointer, "must be 1-64 characters a-z 0-9 . _ -, starting with a-z or 0-9")
        ]
    return []


def check_identity(state: str, authority: str) -> list[FieldError]:
    errors = []
    try:
        member_state(state)
    except CountryError as exc:
        errors.append(FieldError("/member_state", str(exc)))
    if _AUTHORITY.fullmatch(authority) is None:
        errors.append(FieldError("/authority", "must be 1-64 characters A-Z a-z 0-9 . _ -"))
    return errors


def check_roles(
    kind: AccountKind, roles: frozenset[Role], purposes: frozenset[Purpose]
) -> list[FieldError]:
    """Every rule on the roles and purposes an account may hold (see the module text)."""
    errors = []
    if not roles:
        errors.append(FieldError("/roles", "an account holds at least one role"))
    if not purposes:
        errors.append(FieldError("/purposes", "an account may act for at least one purpose"))
    admin = roles & ADMIN_ROLES
    if admin and len(roles) > 1:
        held = ", ".join(sorted(roles))
        errors.append(
            FieldError(
                "/roles",
                f"an administrative role ({', '.join(sorted(admin))}) is held alone, "
                f"so that no account both runs the system and reads alerts, and no one "
                f"runs both accounts and keys; asked for {held}",
            )
        )
    if kind is AccountKind.CLIENT and admin:
        errors.append(
            FieldError("/roles", "administrative roles belong to persons, not system clients")
        )
    if kind is AccountKind.USER and Role.SYSTEM_CLIENT in roles:
        errors.append(FieldError("/roles", "the system_client role belongs to system clients"))
    return errors


def check_clearance(clearance: Clearance) -> list[FieldError]:
    errors = []
    if clearance.level not in CLEARANCE_LEVELS:
        errors.append(
            FieldError("/clearance/level", "must be one of: " + ", ".join(CLEARANCE_LEVELS))
        )
    if _REFERENCE.fullmatch(clearance.vetting_reference) is None or (
        clearance.vetting_reference != clearance.vetting_reference.strip()
    ):
        errors.append(
            FieldError(
                "/clearance/vetting_reference",
                "must be 1-100 characters, no control characters or outer spaces",
            )
        )
    if clearance.valid_until.tzinfo is None:
        errors.append(FieldError("/clearance/valid_until", "must be an aware UTC time"))
    return errors


def require(errors: list[FieldError], what: str) -> None:
    """Raise ``InvalidInput`` listing every problem, if there is any."""
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s) in {what}", errors)
