"""Authentication: login and logout, sessions and client tokens, the principal behind a credential.

These are the ``AccountService`` methods that prove who is calling (its administration
half is ``service/accounts.py``); they share its account store, clock and audit.

**Authentication** builds a fresh ``Principal`` from the stored account on every
request (roles, purposes, clearance as they are now), so a change takes effect on
the next request. It refuses, with the reason:

* a user token without a live session: logged out, or idle for 15 minutes (the
  session is then ended), or of another account;
* a locked or disabled account, and an account unused for 90 days (disabled on
  the spot, as ``sweep`` would have done);
* a provider's subject that no account is linked to, or linked to an account of
  another member state; a certificate no client holds.

**Login** (users): password (Argon2id) and TOTP code, both required. Every failure
answers alike, whatever failed (the ``cause`` is kept for logs and tests). Before any
password is checked the login limits (``service/login_limits.py``) count the attempt
per client address and per username, or answer 429: exponential backoff per address,
and a guarded username checks the code first, so failures never lock the account and
its holder, who has the second factor, always gets in. A code's step is stored when
accepted and never accepted again. The slow password check runs outside the store's
write lock; the write that follows re-checks the state and the step, so two racing
logins cannot both use one code. A session ends after 15 idle minutes and, whatever
its use, ``session_lifetime`` (12 hours by default) after the login that opened it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from limes.audit.record import Actor
from limes.clock import Clock
from limes.domain.accounts import (
    IDLE_TIMEOUT,
    TOUCH_INTERVAL,
    Account,
    AccountKind,
    AccountState,
    Session,
)
from limes.domain.ids import new_id
from limes.errors import FieldError, InvalidInput, Unauthenticated
from limes.identity import totp
from limes.identity.certificates import normalise_fingerprint
from limes.identity.oidc import OidcIdentity
from limes.identity.passwords import Passwords
from limes.identity.tokens import IssuedToken, TokenIssuer, TokenRefused
from limes.policy.permissions import Principal
from limes.service.account_records import AccountStore, AccountTransaction
from limes.service.audited import Description, Refs, about, audited
from limes.service.login_limits import LoginLimits
from limes.service.recorder import Recorder

LOGIN_REFUSED = (
    "the username, password or code is not accepted, or the account is locked or disabled"
)
SESSION_LIFETIME = timedelta(hours=12)


class LoginRefused(Unauthenticated):
    """A refused login. ``detail`` is the same whatever failed; ``cause`` says what did."""

    def __init__(self, cause: str) -> None:
        super().__init__(LOGIN_REFUSED)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Login:
    account: Account
    session: Session

    def audit_refs(self) -> Refs:
        return (), {"account_id": self.account.id, "session": self.session.id}

    def audit_actor(self) -> Actor:
        """The account now proven, as the record names who acted."""
        a = self.account
        return Actor(a.username, a.authority, a.member_state, tuple(sorted(a.roles)))


@dataclass(frozen=True, slots=True)
class ClientToken:
    """A token minted for a system client; its record names the token, never the token."""

    account: Account
    issued: IssuedToken

    def audit_refs(self) -> tuple[tuple[()], dict[str, object]]:
        a = self.issued
        refs = {"account": self.account.username, "account_id": self.account.id}
        return (), {**refs, "token_id": a.token_id, "expires_at": a.expires_at}


def _login_attempt(
    _service: object, username: str, password: str, code: str, client: str | None
) -> Description:
    """Who says they are and where from; never the password or the code."""
    return about(actor=Actor(user_id=username), account=username, client=client)


def _session_of(who: Principal) -> str:
    if who.session_id is None:
        raise InvalidInput(
            "only a user's session is refreshed or ended; a system client has none "
            "(it gets a new token from 'limes token issue', and is revoked by disabling it)",
            [FieldError("/header/Authorization", "is not a user's session token")],
        )
    return who.session_id


def with_state(a: Account, state: AccountState, now: datetime, reason: str | None) -> Account:
    return replace(a, state=state, state_changed_at=now, state_reason=reason)


class Authentication:
    """Login, sessions and credentials; mixed into ``AccountService``, which sets these."""

    accounts: AccountStore
    passwords: Passwords
    clock: Clock
    audit: Recorder
    limits: LoginLimits
    session_lifetime: timedelta

    def login(self, username: str, password: str, code: str, client: str | None = None) -> Login:
        """A new session for a user who gives the right password and a fresh TOTP code.

        ``client`` is the address the attempt comes from. The login limits admit the
        attempt first, or raise ``RateLimited`` before any password is checked; that
        refusal is recorded by the door, which folds floods (``service/refusals.py``).
        """
        self.limits.admit(username, client, lambda: self._code_holds(username, code))
        with self.limits.gate.slot():
            done = self._login(username, password, code, client)
        self.limits.succeeded(username, client)
        return done

    def _code_holds(self, username: str, code: str) -> bool:
        """True if ``code`` is a fresh TOTP code of the active user ``username`` (no hash)."""
        with self.accounts.read() as tx:
            account = tx.by_username(username)
        if account is None or account.kind is not AccountKind.USER:
            return False
        if account.state is not AccountState.ACTIVE or account.totp_secret is None:
            return False
        step = totp.accepted_step(account.totp_secret, code, self.clock(), account.totp_last_step)
        return step is not None

    @audited("auth:login", write=True, describe=_login_attempt)
    def _login(self, username: str, password: str, code: str, client: str | None) -> Login:
        now = self.clock()
        with self.accounts.read() as tx:
            account = tx.by_username(username)
        if account is None or account.kind is not AccountKind.USER:
            self.passwords.verify(None, password)  # the same cost as for a real user
            raise LoginRefused("no such user")
        if account.state is not AccountState.ACTIVE:
            self.passwords.verify(None, password)
            raise LoginRefused(f"the account is {account.state}")
        if account.unused_at(now):
            self._disable_unused(account.id, now)
            raise LoginRefused("the account was unused for 90 days and is now disabled")
        good = self.passwords.verify(account.password_hash, password)
        step = None
        if good and account.totp_secret is not None:
            step = totp.accepted_step(account.totp_secret, code, now, account.totp_last_step)
        if step is None:
            raise LoginRefused("wrong password" if not good else "wrong, old or reused TOTP code")
        rehashed = None
        if account.password_hash is not None and self.passwords.needs_rehash(account.password_hash):
            rehashed = self.passwords.hash(password)
        with self.accounts.write() as tx:
            current = tx.get(account.id, for_update=True)
            if current is None or current.state is not AccountState.ACTIVE:
                raise LoginRefused("the account changed state during the login")
            if current.totp_last_step is not None and step <= current.totp_last_step:
                raise LoginRefused("wrong, old or reused TOTP code")  # used meanwhile
            tx.replace(
                replace(
                    current,
                    totp_last_step=step,
                    last_used_at=now,
                    password_hash=rehashed or current.password_hash,
                )
            )
            tx.clear_failures(current.id)
            session = Session(new_id(int(now.timestamp() * 1000)), current.id, now, now)
            tx.insert_session(session)
            return Login(current, session)

    def _disable_unused(self, account_id: str, now: datetime) -> None:
        with self.accounts.write() as tx:
            account = tx.get(account_id, for_update=True)
            if account is not None and account.state is not AccountState.DISABLED:
                if account.unused_at(now):
                    reason = "unused for 90 days"
                    tx.replace(with_state(account, AccountState.DISABLED, now, reason))
                    tx.end_sessions(account.id, now, "disabled")

    def _usable(self, find: Callable[[AccountTransaction], Account | None], what: str) -> Account:
        """The account ``find`` returns, if it may act now; its use is recorded."""
        now = self.clock()
        with self.accounts.read() as tx:
            account = find(tx)
        if account is None:
            raise TokenRefused(f"{what} is not known here")
        self._check_usable(account, now)
        self._touch(account, None, now)
        return account

    def _check_usable(self, account: Account, now: datetime) -> None:
        if account.state is not AccountState.ACTIVE:
            raise TokenRefused(f"the account {account.username} is {account.state}")
        if account.unused_at(now):
            self._disable_unused(account.id, now)
            raise TokenRefused(f"the account {account.username} was unused for 90 days")

    def _touch(self, account: Account, session: Session | None, now: datetime) -> None:
        """Record use, at most once per 30 s (see ``TOUCH_INTERVAL``)."""
        session_due = session is not None and now - session.last_seen_at >= TOUCH_INTERVAL
        if not session_due and now - account.last_used_at < TOUCH_INTERVAL:
            return
        with self.accounts.write() as tx:
            tx.touch(account.id, now)
            if session is not None:
                tx.touch_session(session.id, now)

    def _live_session(self, account: Account, session: Session | None, now: datetime) -> Session:
        if session is None or session.account_id != account.id:
            raise TokenRefused("the token's session is not known here")
        if session.ended_at is not None:
            raise TokenRefused(f"the session has ended ({session.end_reason}); log in again")
        if now - session.created_at >= self.session_lifetime:
            with self.accounts.write() as tx:
                tx.end_session(session.id, now, "lifetime")
            hours = self.session_lifetime.total_seconds() / 3600
            raise TokenRefused(f"the session reached its limit of {hours:g} hours; log in again")
        if session.idle_at(now):
            with self.accounts.write() as tx:
                tx.end_session(session.id, now, "idle")
            minutes = int(IDLE_TIMEOUT.total_seconds() // 60)
            raise TokenRefused(f"the session ended after {minutes} minutes without a request")
        return session

    def principal_for_token(self, account_id: str, session_id: str | None) -> Principal:
        """The principal a verified Limes token stands for, as the account is now."""
        now = self.clock()
        with self.accounts.read() as tx:
            account = tx.get(account_id)
            session = tx.session(session_id) if session_id is not None else None
        if account is None:
            raise TokenRefused("the token names no account known here")
        if account.kind is AccountKind.USER:
            if session_id is None:
                raise TokenRefused("a user's token must name its session")
            session = self._live_session(account, session, now)
        elif session_id is not None:
            raise TokenRefused("a system client's token names no session")
        self._check_usable(account, now)
        self._touch(account, session, now)
        return Principal.of(account, session_id)

    def principal_for_oidc(self, identity: OidcIdentity) -> Principal:
        """The account linked to a provider's subject; it must be of the provider's state."""
        account = self._usable(
            lambda tx: tx.by_oidc(identity.issuer, identity.subject),
            f"the subject {identity.subject!r} of {identity.issuer} (no account is linked)",
        )
        if account.member_state != identity.member_state:
            raise TokenRefused(
                f"the account linked to that subject belongs to {account.member_state}, "
                f"not to the provider's {identity.member_state}"
            )
        return Principal.of(account)

    def client_for_certificate(self, fingerprint: str) -> Principal:
        """The system client holding the certificate with this SHA-256 fingerprint."""
        value = normalise_fingerprint(fingerprint)
        account = self._usable(lambda tx: tx.by_certificate(value), "the client certificate")
        if account.kind is not AccountKind.CLIENT:  # the schema already forbids this
            raise TokenRefused("certificates identify system clients only")
        return Principal.of(account)

    def client_for_token(self, username: str) -> Account:
        """The active system client a token is about to be issued for (``limes token``)."""
        account = self._usable(lambda tx: tx.by_username(username), f"account {username}")
        if account.kind is not AccountKind.CLIENT:
            raise InvalidInput(
                f"{username} is a user; users log in (POST /v1/auth/login)",
                [FieldError("/client", "is not a system client")],
            )
        return account

    def live_session(self, session_id: str) -> Session:
        """A session that is live now (for refresh): not ended, not idle."""
        now = self.clock()
        with self.accounts.read() as tx:
            session = tx.session(session_id)
            account = tx.get(session.account_id) if session is not None else None
        if account is None:
            raise TokenRefused("the token's session is not known here")
        return self._live_session(account, session, now)

    @audited("auth:refresh")
    def refresh(self, who: Principal) -> Login:
        """The caller's session, if it is live now, for a new token (``POST /v1/auth/refresh``)."""
        session = self.live_session(_session_of(who))
        with self.accounts.read() as tx:
            account = tx.get(session.account_id)
        if account is None:
            raise TokenRefused("the token's session is not known here")
        return Login(account, session)

    @audited("auth:logout", write=True)
    def logout(self, who: Principal) -> None:
        """End the caller's session; tokens naming it are refused from now on."""
        with self.accounts.write() as tx:
            tx.end_session(_session_of(who), self.clock(), "logout")

    @audited(
        "token:issue",
        write=True,
        describe=lambda _, client, signer, minutes: about(client=client, minutes=minutes),
    )
    def issue_client_token(self, client: str, signer: TokenIssuer, minutes: int) -> ClientToken:
        """A token of ``minutes`` (at most 15) for an active system client (``limes token``).

        Minting is recorded like any change: the client, the token's id and expiry.
        """
        account = self.client_for_token(client)
        lifetime = timedelta(minutes=minutes)
        return ClientToken(account, signer.issue(account.id, self.clock(), lifetime=lifetime))
