"""``limes token …``: the token signing key, and tokens for system clients.

The signing key (``<var>/keys/token-signing-key.pem``, Ed25519) is made by ``limes
init`` or ``limes token keygen``, mode 0600 in a folder of mode 0700. Whoever can
read it can mint tokens for any account, so every command here refuses a key file
or folder that others may read, and none prints the key.

``issue`` prints a token for an active system client, valid for at most 15
minutes and bound to no session: a client is revoked by disabling its account
(``limes users disable``), which every later request notices. Every token minted is
recorded in the audit log (``token:issue``: the client, the token's id and expiry).
"""

from __future__ import annotations

import click

from limes.cli.common import Env, pass_env, print_json
from limes.identity.tokens import MAX_LIFETIME, TokenIssuer, ensure_signing_key, load_signing_key

_MAX_MINUTES = int(MAX_LIFETIME.total_seconds() // 60)


@click.group()
def token() -> None:
    """The token signing key, and tokens for system clients."""


@token.command()
@pass_env
def keygen(env: Env) -> None:
    """Create the signing key if there is none (an existing key is kept and checked)."""
    path = env.settings.token_key_path
    created = ensure_signing_key(path)
    click.echo(f"token signing key: {path} ({'created' if created else 'exists'}, mode 0600)")


@token.command()
@click.option("--client", "client", required=True, metavar="NAME", help="The client's username.")
@click.option(
    "--minutes",
    type=click.IntRange(1, _MAX_MINUTES),
    default=_MAX_MINUTES,
    show_default=True,
    help=f"Lifetime, at most {_MAX_MINUTES}.",
)
@click.option("--json", "as_json", is_flag=True, help="Print {token, expires_at} as JSON.")
@pass_env
def issue(env: Env, client: str, minutes: int, as_json: bool) -> None:
    """Print a bearer token for an active system client."""
    settings = env.settings
    key = load_signing_key(settings.token_key_path)
    issuer = TokenIssuer(key, settings.token_issuer, settings.token_audience)
    issued = env.app().accounts.issue_client_token(client, issuer, minutes).issued
    if as_json:
        print_json({"token": issued.token, "expires_at": issued.expires_at})
    else:
        click.echo(issued.token)
