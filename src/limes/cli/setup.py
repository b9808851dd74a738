"""``limes init``: the var folder, the keys and the database schema."""

from __future__ import annotations

import click

from limes.cli.common import Env, pass_env
from limes.service.installation import initialise


@click.command()
@pass_env
def init(env: Env) -> None:
    """Create the var folder (mode 0700), the keys, and apply pending database migrations.

    The keyring (LIMES_KEYRING, default <var>/keys/keyring.json, mode 0600) holds the
    key-encryption key and the blind-index secret: without it no alert can be read,
    so keep a copy with the key custodians, apart from the database and its backups.
    The audit signing key (LIMES_AUDIT_SIGNING_KEY, by default in <var>.audit-key/
    beside the var folder, never inside it) belongs with the key custodians too. It is
    made only for a log no key has signed yet: for a signed log a missing or different
    key is refused, never silently replaced.

    Safe to run again: an existing key or keyring is kept, a migration already applied
    is not applied twice.
    """
    for line in initialise(env.settings, env.app):
        click.echo(line)
