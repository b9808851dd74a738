"""Enrolment: a new user's first secrets reach the holder, never the operators.

An approved account creation (or re-enrolment) leaves the user **awaiting
enrolment**: disabled, with a password hash and a TOTP secret that nobody knows, and
a one-time **enrolment code** handed to the approving operator, who passes it to the
holder. The holder enrols (``limes users enrol``): the code, with the username,
sets the password the holder chooses and a fresh TOTP secret, which is shown to the
holder only, once; the account becomes active. Nobody who proposed or approved the
account ever sees its password or TOTP secret.

The code has 100 random bits (20 characters of RFC 4648 base32, grouped by five),
is stored as its SHA-256 only, works once, and expires after ``CODE_LIFETIME``. A
wrong, spent or expired code, an unknown username and an account not awaiting
enrolment are refused alike (``EnrolmentRefused``). 100 bits cannot be guessed, so
failures do not lock anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from limes.audit.record import Actor
from limes.domain.accounts import Account, AccountKind, AccountState
from limes.errors import Unauthenticated
from limes.identity import totp
from limes.identity.passwords import Passwords, check_password
from limes.policy.permissions import Principal
from limes.service.account_audit import account_refs
from limes.service.account_records import AccountParts, AccountTransaction
from limes.service.audited import Refs, about, audited
from limes.store.port import CodeRow, SecurityEvent, Transaction

CODE_LIFETIME = timedelta(hours=24)
AWAITING = "awaiting enrolment by its holder"
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LENGTH = 20
ENROLMENT_REFUSED = (
    "the username or enrolment code is not accepted: the code may be wrong, used, "
    "or older than 24 hours; ask an operator of your member state for a new one"
)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A new account, and for a user the TOTP provisioning URI, shown this once."""

    account: Account
    totp_uri: str | None

    def audit_refs(self) -> Refs:
        return account_refs(self.account)


class EnrolmentRefused(Unauthenticated):
    """A refused enrolment; ``cause`` says why (for the audit record and tests)."""

    def __init__(self, cause: str) -> None:
        super().__init__(ENROLMENT_REFUSED)
        self.cause = cause


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, _LENGTH, 5))


def code_digest(code: str) -> str:
    """SHA-256 of the code as typed, ignoring case, spaces and hyphens."""
    canonical = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def unusable_password_hash(passwords: Passwords) -> str:
    """The hash of 32 random bytes that are thrown away: no password matches it, and a
    login against it costs what any wrong password costs."""
    return passwords.hash(secrets.token_urlsafe(32))


def awaiting_enrolment(account: Account, password_hash: str, now: datetime) -> Account:
    """The account with credentials nobody knows (``unusable_password_hash``, a TOTP
    secret that is never shown), disabled until its holder enrols."""
    return replace(
        account,
        state=AccountState.DISABLED,
        state_reason=AWAITING,
        state_changed_at=now,
        password_hash=password_hash,
        totp_secret=totp.new_secret(),
        totp_last_step=None,
    )


def issue_code(tx: Transaction, account: Account, change_id: str, now: datetime) -> str:
    """A fresh enrolment code for ``account`` (any earlier one stops working)."""
    code = new_code()
    tx.enrolment_codes.put(
        CodeRow(account.id, code_digest(code), change_id, now, now + CODE_LIFETIME),
    )
    return code


class EnrolmentService:
    """``enrol``: the holder's side. Issuing codes is part of approving a change."""

    def __init__(self, accounts: AccountParts) -> None:
        self.accounts = accounts
        self.audit = accounts.audit

    @audited(
        "account:enrol",
        write=True,
        describe=lambda _, username, code, password: about(
            actor=Actor(user_id=username), account=username
        ),
    )
    def enrol(self, username: str, code: str, password: str) -> Enrolment:
        """Set the password and a new TOTP secret of an account awaiting enrolment."""
        check_password(password)
        password_hash = self.accounts.passwords.hash(password)  # the slow part, outside the lock
        digest = code_digest(code)
        now = self.accounts.clock()
        store = self.accounts.accounts
        with store.store.transaction() as raw:
            tx = AccountTransaction(raw, store.secrets)
            account = tx.by_username(username, for_update=True)
            issued = raw.enrolment_codes.of(account.id) if account is not None else None
            if account is None or issued is None:
                raise EnrolmentRefused("no code was issued for this username")
            if not hmac.compare_digest(issued.code_sha256, digest):
                raise EnrolmentRefused("wrong code")
            if issued.expires_at <= now:
                raise EnrolmentRefused("the code has expired")
            if account.kind is not AccountKind.USER or account.state_reason != AWAITING:
                raise EnrolmentRefused(f"the account is {account.state}, not awaiting enrolment")
            raw.enrolment_codes.drop(account.id)
            secret = totp.new_secret()
            enrolled = replace(
                account,
                state=AccountState.ACTIVE,
                state_reason="enrolled by its holder",
                state_changed_at=now,
                last_used_at=now,
                password_hash=password_hash,
                totp_secret=secret,
                totp_last_step=None,
            )
            tx.replace(enrolled)
            tx.clear_failures(account.id)
            raw.security_events.record(
                SecurityEvent(
                    kind="account.enrolled",
                    member_state=account.member_state,
                    principal=str(Principal.of(account)),
                    at=now,
                    detail={"account": account.username, "change": issued.change_id},
                ),
            )
        return Enrolment(enrolled, totp.provisioning_uri(secret, username))
