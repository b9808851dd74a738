"""``limes backup FILE`` and ``limes restore FILE``: encrypted backups of the SQLite store.

The backup is an online snapshot (SQLite's backup API: the service keeps running),
sealed under a key wrapped by the key-encryption key (``crypto/backup.py``): it
opens only with the installation's keyring (or Vault key). Before the snapshot the
audit log is signed up to its last record, so that the log in the backup verifies
whole.

Key custody (README, "Backup and restore"): a backup holds no key. Restoring one
takes what the key custodians keep apart from it: the keyring (``--keyring``), and
the audit log's public key (``--audit-public-key``, from ``limes audit public-key``),
against which the restored log is verified end to end; the audit signing key goes
back to its place (``LIMES_AUDIT_SIGNING_KEY``) before the service starts again.

A PostgreSQL store is backed up with ``pg_dump`` (its schema and the audit log's,
sealed the same way) and restored with ``pg_restore`` into a database that holds
neither schema yet, then verified the same way.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from limes.bootstrap import keys_for
from limes.cli.common import Env, pass_env
from limes.cli.progress import step
from limes.service.backups import dumped_schemas, restore_installation

EXIT_TAMPERED = 20  # as 'limes audit verify'


def _database(env: Env) -> Path | None:
    """The SQLite database file (None: a PostgreSQL store)."""
    url = env.settings.store_url
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


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

    The audit log goes in too when it is a SQLite file (beside the database by default),
    signed up to its last record first. A PostgreSQL store is dumped with pg_dump (its
    schema, and the audit log's beside it), sealed the same way.

    Runs while the service runs, and is recorded in the audit log (backup:create).
    FILE opens only with this installation's keyring: keep the keyring, and the audit
    log's public key ('limes audit public-key'), apart from the backups, with the key
    custodians; 'limes restore' needs both.
    """
    database = _database(env)
    app = env.app()
    with step(f"backup {file}"):
        if database is None:
            url, schemas = env.settings.store_url, dumped_schemas(env.settings)
            info = app.backups.create_dump(file, url, schemas).info
        else:
            info = app.backups.create(file, database, _audit(env, database)).info
    sizes = ", ".join(f"{name} {size:,} bytes" for name, size in info.members)
    click.echo(f"backup {file}: {sizes}, sealed under {info.kek_id} at {info.created_at}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--keyring",
    "keyring_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The keyring of the installation the backup was made on, as the key custodians "
    "keep it (mode 0600 in a 0700 folder); copied to LIMES_KEYRING.",
)
@click.option(
    "--audit-public-key",
    "public_key",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The audit log's public key ('limes audit public-key' of that installation, "
    "kept by the key custodians): the restored log must verify against it.",
)
@pass_env
def restore(env: Env, file: Path, keyring_file: Path, public_key: Path) -> None:
    """Restore FILE (from 'limes backup') into a new or empty var folder (and, for a
    PostgreSQL store, with pg_restore into a database without its schemas).

    Every chunk is verified, the database is checked (SQLite's integrity check) and its
    data keys are unwrapped with --keyring before anything is put in place; a backup
    that is altered, cut off or of another installation is refused. The keyring is
    then copied into place, and the restored audit log verified end to end against
    --audit-public-key: if it fails (exit 20, as 'limes audit verify'), everything
    restored is removed again.

    Then: put the audit signing key back at LIMES_AUDIT_SIGNING_KEY (the command says
    whether it is there and the right one), and run 'limes init' (a new token
    signing key; migrations newer than the backup).
    """
    settings = env.settings
    # no installation to build yet: the keys of the keyring given
    _, kek = keys_for(dataclasses.replace(settings, keyring_path=keyring_file))
    with step(f"restore {file} into {settings.var_dir}"), file.open("rb") as source:
        done = restore_installation(settings, source, keyring_file, kek, public_key.read_bytes())
    audit = done.verified
    if audit is not None and not audit.ok:
        for finding in audit.findings:
            click.echo(str(finding))
        click.echo(
            f"the restored audit log does not verify against key {done.signed_by}: "
            f"{audit.summary()}; nothing was left in place",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_TAMPERED)
    click.echo(f"restored {done.database} from the backup of {done.info.created_at}")
    click.echo(f"keyring: {done.keyring} ({done.info.kek_id})")
    if audit is None:
        click.echo("audit log: not a SQLite file, so not in the backup; verify it where it is")
    else:
        click.echo(f"audit log: {audit.summary()} against key {done.signed_by}")
    click.echo(f"audit signing key: {done.signing_key}")
    click.echo("next: 'limes init' (a token signing key; any newer migration), then serve")
