"""``limes backup FILE`` and ``limes restore FILE``: encrypted backups of the SQLite store.

The backup is an online snapshot (SQLite's backup API: the service keeps running),
sealed under a key wrapped by the key-encryption key (``crypto/backup.py``): it
opens only with the installation's keyring (or Vault key). Restore verifies every
chunk, SQLite's integrity and the keyring before it puts anything in place, and only
into a var folder (or database path) that holds no database yet.

PostgreSQL installations are not covered: back their schema up with the server's
own tools (``pg_dump``); alert data in it is ciphertext already, and the keyring is
kept apart, as here.
"""

from __future__ import annotations

from pathlib import Path

import click

from limes.bootstrap import keys_for
from limes.cli.common import Env, pass_env
from limes.service.backups import BackupError
from limes.service.backups import restore as restore_backup


def _database(env: Env) -> Path:
    url = env.settings.store_url
    if not url.startswith("sqlite:///"):
        raise BackupError(
            "limes backup and restore cover the SQLite store only; back a PostgreSQL schema "
            "up with pg_dump (its alert data is ciphertext already)"
        )
    return Path(url.removeprefix("sqlite:///"))


def _audit(env: Env, database: Path) -> Path | None:
    """The audit log's SQLite file, if it is one (beside the database unless configured)."""
    url = env.settings.audit_database_url
    if url is None:
        return database.parent / "audit.db"
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_env
def backup(env: Env, file: Path) -> None:
    """Write an encrypted, integrity-protected backup of the database to FILE (new, 0600).

    The audit log goes in too when it is a SQLite file (beside the database by default).

    Runs while the service runs, and is recorded in the audit log (backup:create).
    FILE opens only with this installation's keyring: keep the keyring apart from the
    backups, with the key custodians.
    """
    database = _database(env)
    app = env.app()
    info = app.backups.create(file, database, _audit(env, database)).info
    sizes = ", ".join(f"{name} {size:,} bytes" for name, size in info.members)
    click.echo(f"backup {file}: {sizes}, sealed under {info.kek_id} at {info.created_at}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_env
def restore(env: Env, file: Path) -> None:
    """Restore FILE (from 'limes backup') into a var folder that holds no database yet.

    Every chunk is verified, the database is checked (SQLite's integrity check) and
    its data keys are unwrapped with the keyring at hand before anything is put in
    place; a backup that is altered, cut off or of another installation is refused.
    """
    database = _database(env)
    _, kek = keys_for(env.settings)  # no installation to build yet: its keys only
    with file.open("rb") as source:
        info = restore_backup(source, database, _audit(env, database), kek)
    click.echo(f"restored {database} from the backup of {info.created_at} ({info.kek_id})")
