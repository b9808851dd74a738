"""The ``limes`` command: one root group, one module per command group.

The root reads the settings once (``limes.config.from_env``, with ``--var`` and
``--database-url`` taking precedence over ``LIMES_VAR`` and ``LIMES_DATABASE_URL``)
and builds the application only when a command needs the store.
"""

from __future__ import annotations

from pathlib import Path

import click

from limes.cli import (
    alerts,
    audit,
    backup,
    biometrics,
    categories,
    central,
    copy,
    demo,
    dev,
    faces,
    feed,
    gateway,
    keys,
    operations,
    reading,
    search,
    security,
    serve,
    setup,
    sirene,
    subject,
    token,
    users,
)
from limes.cli.common import EXIT_STATUS_HELP, Env, LimesGroup
from limes.config import from_env


@click.group(cls=LimesGroup, epilog=EXIT_STATUS_HELP)
@click.option(
    "--var",
    "var_dir",
    envvar="LIMES_VAR",
    default="var",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the SQLite database and other local state. [env: LIMES_VAR]",
)
@click.option(
    "--database-url",
    envvar="LIMES_DATABASE_URL",
    default=None,
    metavar="URL",
    help="sqlite:///path or postgresql://user@host:port/db; default: sqlite in --var. "
    "[env: LIMES_DATABASE_URL]",
)
@click.version_option(package_name="limes")
@click.pass_context
def cli(ctx: click.Context, var_dir: Path, database_url: str | None) -> None:
    """Limes, an alert information system: operate a store from the command line.

    The CLI is for operators with direct access to the store. Commands that act on
    alerts take the principal they act as (--as USER@AUTHORITY/STATE, --role,
    --purpose); outside development the account proves itself with its password and
    TOTP (prompted) or a token in LIMES_TOKEN, and the policy applies to it as to any
    caller. Other LIMES_* settings come from the environment (see the README).
    """
    env = Env(from_env(var_dir=var_dir, database_url=database_url or None))
    ctx.obj = env
    ctx.call_on_close(env.close)


cli.add_command(setup.init)
cli.add_command(demo.demo)
cli.add_command(dev.dev)
cli.add_command(serve.serve)
cli.add_command(gateway.gateway)
cli.add_command(alerts.alert)
cli.add_command(reading.reads)
cli.add_command(search.search)
cli.add_command(biometrics.biometrics)
biometrics.biometrics.add_command(faces.search_face)
cli.add_command(operations.expire)
cli.add_command(feed.feed)
cli.add_command(copy.copy)
cli.add_command(central.central)
cli.add_command(sirene.sirene)
cli.add_command(subject.subject)
cli.add_command(categories.categories)
cli.add_command(users.users)
cli.add_command(token.token)
cli.add_command(security.security)
cli.add_command(audit.audit)
cli.add_command(keys.keys)
cli.add_command(backup.backup)
cli.add_command(backup.restore)


if __name__ == "__main__":  # python -m limes.cli.main
    cli()
