"""How the CLI proves the account it acts as (``--as``), and says so in the audit log.

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
from dataclasses import replace

import click

from limes.cli.common import Env
from limes.config import Environment
from limes.errors import Unauthenticated
from limes.identity.tokens import TokenIssuer, load_signing_key
from limes.policy.permissions import Principal
from limes.service.accounts import AccountService

TOKEN_VARIABLE = "LIMES_TOKEN"  # noqa: S105 - the name of a variable, not a secret
BY_TOKEN = "token"  # noqa: S105 - the name of a proof, not a secret
BY_PASSWORD = "password+totp"  # noqa: S105 - the name of a proof, not a secret
IN_DEVELOPMENT = "development"


def proven(env: Env, username: str) -> Principal:
    """The principal of the account ``username``, once it has proven itself (see above)."""
    accounts = env.app().accounts
    if env.settings.environment is Environment.DEVELOPMENT:
        return replace(accounts.acting(username).principal, proof=IN_DEVELOPMENT)
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
