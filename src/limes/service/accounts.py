"""Account use cases: administration, login and logout, and the principal behind a credential.

**Administration** (add, roles, clearance, release, enable, disable, links, report)
takes a ``Context`` and asks, in this order: does the policy let this principal
``account:manage`` for this purpose (``Permission.ACCOUNT_MANAGE``; the table gives
it to system operators acting for ``operations``)? is the account of the
principal's own member state? Only then is anything read or written. Every change
that gives power is only *proposed* here and applied when a second operator
approves it (four eyes, ``service/approvals.py``); a new user's first secrets reach
its holder through an enrolment code (``service/enrolment.py``). Only ``disable``
acts at once. No account changes itself.

Authentication (login, sessions, tokens, the principal behind a credential) is the
``Authentication`` half this class mixes in, in ``service/sessions.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from secrets import token_bytes
from typing import Any

from limes.clock import Clock, utc_now
from limes.crypto.blind_index import BlindIndex
from limes.crypto.fields import FieldCipher
from limes.domain.accounts import (
    IDLE_TIMEOUT,
    LOCKOUT_WINDOW,
    UNUSED_LIMIT,
    Account,
    AccountKind,
    AccountState,
    NewAccount,
    check_clearance,
    check_identity,
    check_roles,
    check_username,
    require,
)
from limes.domain.ids import new_id
from limes.domain.roles import Clearance, Purpose, Role
from limes.errors import FieldError, Forbidden, InvalidInput, NotFound
from limes.identity import clearances as register
from limes.identity import totp
from limes.identity.certificates import normalise_fingerprint
from limes.identity.passwords import Passwords, check_password
from limes.policy.permissions import Context, Permission, Principal
from limes.policy.policy import Policy
from limes.service.account_audit import (
    account_refs,
    bootstrapped,
    certificate_pin,
    clearance_change,
    of_account,
    proposed,
    provider_link,
    roles_change,
)
from limes.service.account_records import AccountStore
from limes.service.approvals import (
    ChangeKind,
    PendingChange,
    clearance_json,
    create_payload,
    propose,
)
from limes.service.audited import Refs, audited
from limes.service.enrolment import Enrolment
from limes.service.login_limits import LoginLimits
from limes.service.recorder import Recorder
from limes.service.sessions import SESSION_LIFETIME, Authentication, with_state
from limes.store.port import Store

REPORT_HORIZON = timedelta(days=30)
BOOTSTRAP_OPERATORS = 2  # the two people four eyes need from the start


@dataclass(frozen=True, slots=True)
class SweepReport:
    disabled: tuple[str, ...]
    sessions_ended: int
    failures_pruned: int


@dataclass(frozen=True, slots=True)
class ReportEntry:
    username: str
    kind: AccountKind
    authority: str
    roles: tuple[Role, ...]
    state: AccountState
    clearance_level: str | None
    clearance_last_day: str | None


@dataclass(frozen=True, slots=True)
class AccountReport:
    """What ``limes users report`` lists for one member state."""

    member_state: str
    as_of: datetime
    expiring: tuple[ReportEntry, ...]
    expired: tuple[ReportEntry, ...]
    without_clearance: tuple[ReportEntry, ...]
    administrators: tuple[ReportEntry, ...]

    def audit_refs(self) -> Refs:
        return (), {"report_of": self.member_state}


def _entry(a: Account) -> ReportEntry:
    c = a.clearance
    return ReportEntry(
        a.username,
        a.kind,
        a.authority,
        tuple(sorted(a.roles)),
        a.state,
        c.level if c else None,
        register.last_day(c).isoformat() if c else None,
    )


class AccountService(Authentication):
    def __init__(
        self,
        store: Store,
        policy: Policy,
        passwords: Passwords,
        clock: Clock = utc_now,
        *,
        secrets: FieldCipher,
        audit: Recorder,
        limits: LoginLimits | None = None,
        session_lifetime: timedelta = SESSION_LIFETIME,
    ) -> None:
        self.accounts = AccountStore(store, secrets)
        self.policy = policy
        self.passwords = passwords
        self.clock = clock
        self.audit = audit
        # by hand (tests) the limits hash with a key of this process only; bootstrap.build
        # derives it from the keyring, so that every server process counts alike
        self.limits = limits or LoginLimits(store, BlindIndex(token_bytes(32)), clock)
        self.session_lifetime = session_lifetime

    # -- administration ----------------------------------------------------------------

    def _require_admin(self, ctx: Context, state: str) -> None:
        self.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        if ctx.principal.member_state != state:
            raise Forbidden(
                f"accounts of {state} are run by the operators of {state}; "
                f"{ctx.principal} acts for {ctx.principal.member_state}"
            )

    def _check_new(self, new: NewAccount) -> None:
        errors = check_username(new.username)
        errors += check_identity(new.member_state, new.authority)
        errors += check_roles(new.kind, new.roles, new.purposes)
        if new.clearance is not None:
            errors += check_clearance(new.clearance)
        require(errors, "the account")

    def _new(self, new: NewAccount, password: str | None) -> Enrolment:
        """Build (not store) the account; hash the password and make the TOTP secret."""
        self._check_new(new)
        now = self.clock()
        secret = uri = password_hash = None
        if new.kind is AccountKind.USER:
            if password is None:
                raise InvalidInput(
                    "a user needs a password", [FieldError("/password", "is required")]
                )
            check_password(password)
            password_hash = self.passwords.hash(password)
            secret = totp.new_secret()
            uri = totp.provisioning_uri(secret, new.username)
        elif password is not None:
            raise InvalidInput(
                "a system client has no password",
                [FieldError("/password", "is not accepted for a system client")],
            )
        account = Account(
            id=new_id(int(now.timestamp() * 1000)),
            username=new.username,
            kind=new.kind,
            member_state=new.member_state,
            authority=new.authority,
            roles=new.roles,
            purposes=new.purposes,
            state=AccountState.ACTIVE,
            state_changed_at=now,
            created_at=now,
            last_used_at=now,
            clearance=new.clearance,
            password_hash=password_hash,
            totp_secret=secret,
        )
        return Enrolment(account, uri)

    @audited("account:add", write=True, describe=proposed)
    def add(self, ctx: Context, new: NewAccount) -> PendingChange:
        """Propose a user or system client; it exists once a second operator approves.

        A user is then created awaiting enrolment: no password or TOTP secret is chosen
        or seen by either operator (``service/enrolment.py``).
        """
        self._check_new(new)
        self._require_admin(ctx, new.member_state)
        return propose(self, ctx, ChangeKind.CREATE, (new.username,), create_payload(new))

    @audited("account:bootstrap-operator", write=True, describe=bootstrapped)
    def bootstrap_operator(self, new: NewAccount, password: str) -> Enrolment:
        """One of the first two system operators of a member state, made without an operator.

        Four eyes need two operators, so the installation makes two; after that (two
        system-operator accounts of the state exist, in any state of their own) every
        account is proposed by one operator and approved by another. Whoever runs this
        holds the store already: it is the trust root, recorded like every change.
        """
        if new.roles != {Role.SYSTEM_OPERATOR} or new.kind is not AccountKind.USER:
            raise InvalidInput(
                "only a system operator (a user holding that role alone) can be bootstrapped",
                [FieldError("/roles", "must be exactly system_operator")],
            )
        enrolment = self._new(new, password)
        with self.accounts.write() as tx:
            operators = [
                a.username for a in tx.list(new.member_state) if Role.SYSTEM_OPERATOR in a.roles
            ]
            if len(operators) >= BOOTSTRAP_OPERATORS:
                raise Forbidden(
                    f"{new.member_state} has its system operators ({', '.join(operators)}); "
                    "accounts are now proposed by one operator and approved by another (--as)"
                )
            tx.insert(enrolment.account)
        return enrolment

    def _change(
        self, ctx: Context, username: str, change: Callable[[Account, datetime], Account]
    ) -> Account:
        """Apply ``change`` to one account in one transaction, if ``ctx`` may manage it.

        Leaving the active state ends the account's sessions; entering it forgets the
        failed logins that may have locked it.
        """
        self.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        now = self.clock()
        with self.accounts.write() as tx:
            account = tx.by_username(username, for_update=True)
            if account is None:
                raise NotFound(f"there is no account {username}")
            self._require_admin(ctx, account.member_state)
            changed = change(account, now)
            tx.replace(changed)
            if changed.state is not AccountState.ACTIVE:
                tx.end_sessions(changed.id, now, changed.state.value)
            elif account.state is not AccountState.ACTIVE:
                tx.clear_failures(changed.id)
        return changed

    def _propose(
        self, ctx: Context, kind: ChangeKind, username: str, payload: dict[str, Any]
    ) -> PendingChange:
        return propose(self, ctx, kind, (username,), payload)

    @audited("account:set-roles", write=True, describe=roles_change)
    def set_roles(
        self,
        ctx: Context,
        username: str,
        roles: frozenset[Role],
        purposes: frozenset[Purpose] | None = None,
    ) -> PendingChange:
        """Propose new roles (and purposes, if given); in force from the request after approval."""
        wanted = None if purposes is None else sorted(purposes)
        return self._propose(
            ctx, ChangeKind.ROLES, username, {"roles": sorted(roles), "purposes": wanted}
        )

    @audited("account:set-clearance", write=True, describe=clearance_change)
    def set_clearance(
        self, ctx: Context, username: str, clearance: Clearance | None
    ) -> PendingChange:
        if clearance is not None:
            require(check_clearance(clearance), "the clearance")
        payload = {"clearance": clearance_json(clearance)}
        return self._propose(ctx, ChangeKind.CLEARANCE, username, payload)

    @audited("account:release", write=True, describe=of_account)
    def release(self, ctx: Context, username: str) -> PendingChange:
        """Propose to unlock an account locked by failed logins."""
        return self._propose(ctx, ChangeKind.RELEASE, username, {})

    @audited("account:enable", write=True, describe=of_account)
    def enable(self, ctx: Context, username: str) -> PendingChange:
        """Propose to re-enable a disabled account; its 90 days of disuse start again."""
        return self._propose(ctx, ChangeKind.ENABLE, username, {})

    @audited("account:reenrol", write=True, describe=of_account)
    def reenrol(self, ctx: Context, username: str) -> PendingChange:
        """Propose new first secrets for a user (lost authenticator, forgotten password).

        When approved, the account waits for enrolment again (its sessions end) and the
        approver gets a new enrolment code for the holder.
        """
        return self._propose(ctx, ChangeKind.REENROL, username, {})

    @audited("account:disable", write=True, describe=of_account, answer=account_refs)
    def disable(self, ctx: Context, username: str, reason: str) -> Account:
        """Disable an account (a system client's tokens die with it); its sessions end."""
        if not reason.strip() or len(reason) > 500:
            raise InvalidInput("a reason is required", [FieldError("/reason", "1-500 characters")])
        if username == ctx.principal.user_id:
            raise Forbidden("an operator does not change the state of their own account")
        return self._change(
            ctx,
            username,
            lambda a, now: with_state(a, AccountState.DISABLED, now, f"{reason} ({ctx.principal})"),
        )

    @audited("account:link-oidc", write=True, describe=provider_link)
    def link_oidc(
        self, ctx: Context, username: str, issuer: str, subject: str | None
    ) -> PendingChange:
        """Propose to link an account to a provider's (issuer, subject), or to unlink it."""
        if subject is not None and not (0 < len(subject) <= 255 and 0 < len(issuer) <= 500):
            raise InvalidInput("bad link", [FieldError("/subject", "1-255 characters")])
        payload = {"issuer": issuer, "subject": subject}
        return self._propose(ctx, ChangeKind.OIDC, username, payload)

    @audited("account:set-certificate", write=True, describe=certificate_pin)
    def set_certificate(
        self, ctx: Context, username: str, fingerprint: str | None
    ) -> PendingChange:
        """Propose to pin a system client's certificate by SHA-256 fingerprint (None: remove)."""
        value = None if fingerprint is None else normalise_fingerprint(fingerprint)
        return self._propose(ctx, ChangeKind.CERTIFICATE, username, {"sha256": value})

    @audited("account:import-clearances", write=True)
    def import_clearances(self, ctx: Context, text: str) -> PendingChange:
        """Propose a clearance register (``identity.clearances``): every row, or none.

        Each row's account must exist and belong to the acting operator's member
        state. Every problem is reported with its line; nothing is proposed unless
        there is none. Applied as one change when a second operator approves it.
        """
        self.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        rows, errors = register.parse(text)
        if not rows and not errors:
            errors = [FieldError("/line/2", "the register lists no account")]
        state = ctx.principal.member_state
        with self.accounts.read() as tx:
            for row in rows:
                account = tx.by_username(row.username)
                pointer = f"/line/{row.line}/username"
                if account is None:
                    errors.append(FieldError(pointer, f"there is no account {row.username}"))
                elif account.member_state != state:
                    errors.append(
                        FieldError(pointer, f"belongs to {account.member_state}, not {state}")
                    )
        if errors:
            errors.sort(key=lambda e: int(e.pointer.split("/")[2]))
            raise InvalidInput(
                f"{len(errors)} problem(s) in the clearance register; nothing was imported",
                errors,
            )
        payload = {"rows": {r.username: clearance_json(r.clearance) for r in rows}}
        return propose(self, ctx, ChangeKind.CLEARANCES, [r.username for r in rows], payload)

    @audited("account:report")
    def report(self, ctx: Context) -> AccountReport:
        """Clearances expiring within 30 days or expired, accounts without one, administrators."""
        state = ctx.principal.member_state
        self._require_admin(ctx, state)
        now = self.clock()
        with self.accounts.read() as tx:
            accounts = tx.list(state)
        expiring, expired, without, admins = [], [], [], []
        for a in accounts:
            c = a.clearance
            if c is None:
                without.append(_entry(a))
            elif not c.valid_at(now):
                expired.append(_entry(a))
            elif c.valid_until - now <= REPORT_HORIZON:
                expiring.append(_entry(a))
            if a.administrative:
                admins.append(_entry(a))
        return AccountReport(
            state, now, tuple(expiring), tuple(expired), tuple(without), tuple(admins)
        )

    @audited("account:read", describe=of_account, answer=account_refs)
    def get(self, ctx: Context, username: str) -> Account:
        self.policy.require(ctx, Permission.ACCOUNT_MANAGE)
        with self.accounts.read() as tx:
            account = tx.by_username(username)
        if account is None:
            raise NotFound(f"there is no account {username}")
        self._require_admin(ctx, account.member_state)
        return account

    def acting(self, username: str) -> Context:
        """The context of an operator named on the command line: the stored account, now.

        Naming a real, active account makes its roles and member state, not typed ones,
        apply; outside development the CLI has the account prove itself first
        (``cli/proof.py``), and uses this only in development.
        """
        account = self._usable(lambda tx: tx.by_username(username), f"account {username}")
        return Context(Principal.of(account), Purpose.OPERATIONS)

    @audited("account:sweep", write=True)
    def sweep(self, now: datetime | None = None) -> SweepReport:
        """Disable accounts unused for 90 days, end idle sessions, forget old failures.

        Run by the server's periodic job and ``limes users sweep``; the same rules are
        also checked at each login and request, so the sweep only tidies the store.
        """
        at = now or self.clock()
        with self.accounts.write() as tx:
            disabled = []
            for account in tx.unused_since(at - UNUSED_LIMIT):
                reason = "unused for 90 days"
                tx.replace(with_state(account, AccountState.DISABLED, at, reason))
                tx.end_sessions(account.id, at, "disabled")
                disabled.append(account.username)
            ended = tx.end_idle_sessions(at - IDLE_TIMEOUT, at)
            ended += tx.end_sessions_created_before(at - self.session_lifetime, at)
            pruned = tx.prune_failures(at - LOCKOUT_WINDOW)
        pruned += self.limits.prune(at)
        return SweepReport(tuple(disabled), ended, pruned)
