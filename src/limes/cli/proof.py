"""The principal a command acts as (``--as``, ``--role``, ``--purpose``): how the CLI
proves that account, and says so in the audit log.

Outside development, naming an account is not enough: the command needs that
account's own proof, one of

* ``LIMES_TOKEN``: a bearer token Limes issued to it (``POST /v1/auth/login`` for a
  user, ``limes token issue`` for a system client), checked as the API checks it:
  signature, issuer, audience, time, and for a user a live session; or
* the account's password and a fresh TOTP code, prompted for (on stderr, the
  password hidden). This is a login like any other: failures count towards the
  lockout, a code is accepted once, and the session it opens ends with the command.

In development (``LIMES_ENV=development``) the account is taken as named. Every
audit record of the command carries the proof used as ``refs.proof``:
``token``, ``password+totp`` or ``development``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import click

from limes.cli.common import Env
from limes.config import Environment
from limes.domain.countries import CountryError, member_state
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, Unauthenticated
from limes.identity.tokens import TokenIssuer, TokenRefused, load_signing_key
from limes.policy.permissions import Context, Principal
from limes.policy.standins import purposes_for, unsafe_stand_in_clearance
from limes.service.accounts import AccountService

TOKEN_VARIABLE = "LIMES_TOKEN"  # noqa: S105 - the name of a variable, not a secret
BY_TOKEN = "token"  # noqa: S105 - the name of a proof, not a secret
BY_PASSWORD = "password+totp"  # noqa: S105 - the name of a proof, not a secret
IN_DEVELOPMENT = "development"

F = TypeVar("F", bound=Callable[..., Any])

UNKNOWN_ACCOUNT_ADVICE = (
    "commands on accounts act as a stored account, even in development; make a member "
    "state's first two operators with 'limes users add --bootstrap', then others with "
    "'limes users add' (see 'limes users add --help'). Commands on alerts, searches and "
    "the like take --as as named when LIMES_ENV=development"
)


# -- the principal named ----------------------------------------------------------------

_PRINCIPAL = re.compile(
    r"(?P<user>[A-Za-z0-9._-]{1,64})@(?P<authority>[A-Za-z0-9._-]{1,64})/(?P<state>[A-Z]{2})"
)


def parse_principal(value: str, roles: tuple[str, ...]) -> Principal:
    """``USER@AUTHORITY/STATE`` and role names as a ``Principal`` (``BadParameter`` if not)."""
    m = _PRINCIPAL.fullmatch(value)
    if m is None:
        raise click.BadParameter(
            "must read USER@AUTHORITY/STATE, e.g. jdoe@BKA/DE (user and authority of 1-64 "
            "characters A-Z a-z 0-9 . _ -, STATE a member state's ISO 3166-1 alpha-2 code)",
            param_hint="'--as'",
        )
    try:
        state = member_state(m["state"])
    except CountryError as exc:
        raise click.BadParameter(str(exc), param_hint="'--as'") from None
    held = frozenset(Role(r) for r in roles)
    # asserted like the principal itself (see the module docstring): a stand-in clearance
    return Principal(
        m["user"],
        state,
        m["authority"],
        held,
        purposes=purposes_for(held),
        clearance=unsafe_stand_in_clearance("a principal asserted with --as"),
    )


def acting(command: F) -> F:
    """Add ``--as``, ``--role`` and ``--purpose``: the principal a command acts as."""
    command = click.option(
        "--purpose",
        required=True,
        envvar="LIMES_PURPOSE",
        type=click.Choice([p.value for p in Purpose]),
        help="Why you act; the policy checks it. [env: LIMES_PURPOSE]",
    )(command)
    command = click.option(
        "--role",
        "roles",
        required=True,
        multiple=True,
        envvar="LIMES_ROLE",
        type=click.Choice([r.value for r in Role]),
        help="A role of yours (repeatable). [env: LIMES_ROLE, space-separated]",
    )(command)
    return click.option(
        "--as",
        "principal",
        required=True,
        envvar="LIMES_AS",
        metavar="USER@AUTHORITY/STATE",
        help="Who you are, e.g. jdoe@BKA/DE; outside development proven by the account's "
        "password and TOTP (prompted) or LIMES_TOKEN. [env: LIMES_AS]",
    )(command)


def context(env: Env, principal: str, roles: tuple[str, ...], purpose: str) -> Context:
    """The context a command acts in.

    In development the asserted principal stands as given (with a stand-in clearance).
    Otherwise it must name an active account of that member state and authority that
    holds the roles, and prove it is that account (``proven``, below): roles, purposes
    and clearance then come from the stored account, as they are now, so an expired
    clearance refuses alert content here too. Either way the command counts against
    the principal's rate limit, as a request does (``Limes.enter``).
    """
    asserted = parse_principal(principal, roles)
    if env.settings.environment is Environment.DEVELOPMENT:
        return env.app().enter(replace(asserted, proof=IN_DEVELOPMENT), Purpose(purpose))
    stored = proven(env, asserted.user_id)
    if (stored.member_state, stored.authority) != (asserted.member_state, asserted.authority):
        raise Unauthenticated(
            f"account {asserted.user_id} belongs to {stored.authority}/{stored.member_state}, "
            f"not {asserted.authority}/{asserted.member_state}"
        )
    missing = asserted.roles - stored.roles
    if missing:
        raise Forbidden(f"account {asserted.user_id} does not hold {', '.join(sorted(missing))}")
    return env.app().enter(replace(stored, roles=asserted.roles), Purpose(purpose))


# -- its proof ---------------------------------------------------------------------------


def proven(env: Env, username: str) -> Principal:
    """The principal of the account ``username``, once it has proven itself (see above)."""
    accounts = env.app().accounts
    if env.settings.environment is Environment.DEVELOPMENT:
        try:
            return replace(accounts.acting(username).principal, proof=IN_DEVELOPMENT)
        except TokenRefused as exc:
            if not exc.detail.endswith("is not known here"):
                raise
            raise TokenRefused(f"{exc.detail}: {UNKNOWN_ACCOUNT_ADVICE}") from None
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return _by_token(env, accounts, username, token)
    return _by_password(accounts, username)


def _by_token(env: Env, accounts: AccountService, username: str, token: str) -> Principal:
    settings = env.settings
    key = load_signing_key(settings.token_key_path)
    verifier = TokenIssuer(key, settings.token_issuer, settings.token_audience).verifier()
    claims = verifier.verify(token, accounts.clock())
    principal = accounts.principal_for_token(claims.subject, claims.session_id)
    if principal.user_id != username:
        raise Unauthenticated(
            f"{TOKEN_VARIABLE} is a token of {principal.user_id}, not of {username} (--as)"
        )
    return replace(principal, proof=BY_TOKEN)


def _by_password(accounts: AccountService, username: str) -> Principal:
    try:
        password = click.prompt(f"Password of {username}", hide_input=True, err=True)
        code = click.prompt("TOTP code", hide_input=True, err=True)
    except click.exceptions.Abort:  # end of input: nothing to prove it with
        raise Unauthenticated(
            f"acting as {username} outside development needs its password and TOTP code "
            f"(prompted) or a token of it in {TOKEN_VARIABLE}"
        ) from None
    login = accounts.login(username, password, code)
    principal = replace(Principal.of(login.account, login.session.id), proof=BY_PASSWORD)
    click.get_current_context().call_on_close(lambda: accounts.logout(principal))
    return principal
