"""``limes init``: the var folder and the database schema."""

from __future__ import annotations

import stat

import click

from limes.cli.common import Env, pass_env
from limes.identity.tokens import ensure_signing_key

VAR_MODE = 0o700


@click.command()
@pass_env
def init(env: Env) -> None:
    """Create the var folder (mode 0700) and apply pending database migrations.

    Safe to run again: a migration already applied is not applied twice.
    """
    var = env.settings.var_dir
    created = not var.exists()
    var.mkdir(mode=VAR_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(var.stat().st_mode)
    if mode != VAR_MODE:
        # Only the service account may read the local state (the SQLite file, keys).
        var.chmod(VAR_MODE)
        click.echo(f"var folder: {var} (mode changed from {mode:04o} to {VAR_MODE:04o})")
    else:
        click.echo(f"var folder: {var} ({'created' if created else 'exists'}, mode 0700)")
    click.echo(f"database: {env.settings.describe()['database']}")
    key_path = env.settings.token_key_path
    made = ensure_signing_key(key_path)
    click.echo(f"token signing key: {key_path} ({'created' if made else 'exists'}, mode 0600)")
    applied = env.app().store.migrate()
    if applied:
        click.echo(f"applied migrations: {', '.join(applied)}")
    else:
        click.echo("database schema is up to date; no migration applied")
