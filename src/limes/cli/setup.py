"""``limes init``: the var folder, the keys and the database schema."""

from __future__ import annotations

import stat

import click

from limes.audit.heads import VaultSigner, ensure_audit_key
from limes.cli.common import Env, pass_env
from limes.crypto.keyring import ensure_keyring
from limes.identity.tokens import KeyFileError, ensure_signing_key

VAR_MODE = 0o700


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
    if env.settings.test_only_fixed_keyring:
        click.echo("keyring: published test-only keys (LIMES_TEST_ONLY_FIXED_KEYRING)")
    else:
        keyring = env.settings.keyring_file
        made = ensure_keyring(keyring, local_kek=env.settings.vault_addr is None)
        state = "created" if made else "exists"
        click.echo(f"keyring: {keyring} ({state}, mode 0600; keep a copy with the key custodians)")
    applied = env.app().store.migrate()
    if applied:
        click.echo(f"applied migrations: {', '.join(applied)}")
    else:
        click.echo("database schema is up to date; no migration applied")
    sealed = env.app().breakglass.seal_stored_plaintext()
    if sealed:
        click.echo(f"sealed {sealed} break-glass reason(s) stored in plaintext before 0009")
    audit_log = env.app().audit
    applied = audit_log.store.migrate()
    done = f"applied {', '.join(applied)}" if applied else "up to date"
    click.echo(f"audit log: {audit_log.store!r} ({done})")
    head = audit_log.latest_head()
    signed_by = None if head is None else head.key_id
    signer = audit_log.signer
    if isinstance(signer, VaultSigner):
        if signed_by is not None and signed_by not in signer.key_ids():
            raise KeyFileError(
                f"the log's heads are signed by key {signed_by}, not by a version of Vault "
                f"key {signer.transit.key}: configure the key that signed them"
            )
        click.echo(f"audit signing key: Vault transit key {signer.transit.key} (never here)")
        return
    audit_key = env.settings.audit_key_path
    made = ensure_audit_key(audit_key, signed_by)
    state = "created" if made else "exists"
    click.echo(
        f"audit signing key: {audit_key} ({state}, mode 0600; keep it with the key "
        "custodians, apart from the var folder and its backups)"
    )
