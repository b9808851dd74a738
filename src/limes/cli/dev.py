"""``limes dev``: helpers for trying Limes on a development installation (``make run``).

``dev accounts`` makes the console's demo users (``service/demo_accounts.py``) or
gives them new credentials, and prints them once; ``dev totp USERNAME`` prints a demo
user's current TOTP code, for a developer without an authenticator app. Both refuse
(exit status 12) unless ``LIMES_ENV=development``, and development settings never
open a var folder that records it is production's.
"""

from __future__ import annotations

import click

from limes.cli.common import Env, pass_env, print_json
from limes.cli.output import JSON, chosen, format_option
from limes.config import Environment, SettingsError
from limes.service.demo_accounts import DEMO_USERS, DemoAccounts


def _demo(env: Env) -> DemoAccounts:
    if env.settings.environment is not Environment.DEVELOPMENT:
        raise SettingsError(
            "'limes dev' is for development installations only (LIMES_ENV=development)"
        )
    app = env.app()
    return DemoAccounts(app.accounts, env.settings.environment)


@click.group()
def dev() -> None:
    """Development helpers: demo console accounts and their TOTP codes (never production)."""


@dev.command()
@format_option
@pass_env
def accounts(env: Env, fmt: str | None) -> None:
    """Make the console's demo users, or give them new credentials, and print them once.

    One user per console screen: a border guard (DE), SIRENE operators (DE, FR) and a
    data protection officer (DE). Passwords and TOTP secrets are generated anew each
    time and shown only here; 'limes dev totp USERNAME' prints a current code.
    """
    issued = _demo(env).issue_all()
    if chosen(fmt) == JSON:
        print_json(
            [
                {
                    "username": c.user.username,
                    "member_state": c.user.member_state,
                    "role": c.user.role,
                    "password": c.password,
                    "totp_secret": c.totp_secret,
                }
                for c in issued
            ]
        )
        return
    click.echo("Demo console accounts (development only; new credentials at every start):")
    for c in issued:
        click.echo(
            f"  {c.user.username:<15} {c.user.role} of {c.user.member_state}: "
            f"password {c.password}  TOTP secret {c.totp_secret}"
        )
    click.echo(
        "Log in at /console/login; the TOTP code: an authenticator app with the secret, "
        "or 'limes --var <var> dev totp USERNAME' (LIMES_ENV=development)."
    )


@dev.command()
@click.argument("username", type=click.Choice([u.username for u in DEMO_USERS]))
@pass_env
def totp(env: Env, username: str) -> None:
    """Print a demo user's current TOTP code (each code logs in once)."""
    click.echo(_demo(env).totp_code(username))
