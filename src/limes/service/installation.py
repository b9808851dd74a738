"""Setting an installation up (``limes init``): its private folder, its keys, its schemas.

``initialise`` does each step in order and tells what it did as it goes (a line for
the operator per step), so that a failure part-way shows how far it got. Safe to run
again: an existing key or keyring is kept, a migration already applied is not applied
twice, and a signed audit log's key is never silently replaced.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from typing import Protocol

from limes.audit.heads import VaultSigner, ensure_audit_key
from limes.audit.log import AuditLog
from limes.config import Environment, Settings, SettingsError
from limes.crypto.keyring import ensure_keyring
from limes.identity.tokens import KeyFileError, ensure_signing_key
from limes.service.breakglass import BreakGlassService
from limes.store.port import Store

VAR_MODE = 0o700
ENVIRONMENT_FILE = "environment"
"""In the var folder: ``production`` or ``development``, written once by the first
``limes init`` (or ``limes restore``), so that a development setting never opens a
production installation's state (``check_environment``)."""


class Installed(Protocol):
    """What ``initialise`` needs of the installation once its keys exist (``Limes``)."""

    @property
    def store(self) -> Store: ...

    @property
    def breakglass(self) -> BreakGlassService: ...

    @property
    def audit(self) -> AuditLog: ...


def _private_folder(settings: Settings) -> str:
    var = settings.var_dir
    created = not var.exists()
    var.mkdir(mode=VAR_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(var.stat().st_mode)
    if mode != VAR_MODE:
        # Only the service account may read the local state (the SQLite file, keys).
        var.chmod(VAR_MODE)
        return f"var folder: {var} (mode changed from {mode:04o} to {VAR_MODE:04o})"
    return f"var folder: {var} ({'created' if created else 'exists'}, mode 0700)"


def recorded_environment(settings: Settings) -> Environment | None:
    """What the var folder records it is (None: nothing recorded, an older folder)."""
    try:
        text = (settings.var_dir / ENVIRONMENT_FILE).read_text("ascii").strip()
    except FileNotFoundError:
        return None
    try:
        return Environment(text)
    except ValueError:
        raise SettingsError(
            f"{settings.var_dir / ENVIRONMENT_FILE} reads {text[:20]!r}, not production or "
            "development"
        ) from None


def check_environment(settings: Settings) -> None:
    """Refuse development settings (``LIMES_ENV=development``: principals taken as
    named, test-only keys) on a var folder that records it is production's."""
    if (
        settings.environment is Environment.DEVELOPMENT
        and recorded_environment(settings) is Environment.PRODUCTION
    ):
        raise SettingsError(
            f"the var folder {settings.var_dir} is a production installation's "
            f"({ENVIRONMENT_FILE} there says so): LIMES_ENV=development is refused on it; "
            "use another --var for development"
        )


def record_environment(settings: Settings) -> str:
    """Write the settings' environment into the var folder unless it records one."""
    check_environment(settings)
    recorded = recorded_environment(settings)
    if recorded is not None:
        return f"environment: {recorded.value} (recorded in {ENVIRONMENT_FILE})"
    path = settings.var_dir / ENVIRONMENT_FILE
    path.write_text(settings.environment.value + "\n", "ascii")
    return f"environment: {settings.environment.value} (recorded now in {path})"


def _keys(settings: Settings) -> Iterator[str]:
    key_path = settings.token_key_path
    made = ensure_signing_key(key_path)
    yield f"token signing key: {key_path} ({'created' if made else 'exists'}, mode 0600)"
    if settings.test_only_fixed_keyring:
        yield "keyring: published test-only keys (LIMES_TEST_ONLY_FIXED_KEYRING)"
    else:
        keyring = settings.keyring_file
        made = ensure_keyring(keyring, local_kek=settings.vault_addr is None)
        state = "created" if made else "exists"
        yield f"keyring: {keyring} ({state}, mode 0600; keep a copy with the key custodians)"


def _audit_log(settings: Settings, log: AuditLog) -> Iterator[str]:
    applied = log.store.migrate()
    done = f"applied {', '.join(applied)}" if applied else "up to date"
    yield f"audit log: {log.store!r} ({done})"
    head = log.latest_head()
    signed_by = None if head is None else head.key_id
    signer = log.signer
    if isinstance(signer, VaultSigner):
        if signed_by is not None and signed_by not in signer.key_ids():
            raise KeyFileError(
                f"the log's heads are signed by key {signed_by}, not by a version of Vault "
                f"key {signer.transit.key}: configure the key that signed them"
            )
        yield f"audit signing key: Vault transit key {signer.transit.key} (never here)"
        return
    audit_key = settings.audit_key_path
    made = ensure_audit_key(audit_key, signed_by)
    state = "created" if made else "exists"
    yield (
        f"audit signing key: {audit_key} ({state}, mode 0600; keep it with the key "
        "custodians, apart from the var folder and its backups)"
    )


def initialise(settings: Settings, installed: Callable[[], Installed]) -> Iterator[str]:
    """Make the var folder (mode 0700) and the keys, then apply pending migrations to the
    store and the audit log of ``installed()`` (built once the keys exist), seal
    break-glass reasons stored in plaintext before 0009, and make the audit signing
    key for a log no key has signed yet. Yields a line per step."""
    check_environment(settings)
    yield _private_folder(settings)
    yield record_environment(settings)
    yield f"database: {settings.describe()['database']}"
    yield from _keys(settings)
    app = installed()
    applied = app.store.migrate()
    if applied:
        yield f"applied migrations: {', '.join(applied)}"
    else:
        yield "database schema is up to date; no migration applied"
    sealed = app.breakglass.seal_stored_plaintext()
    if sealed:
        yield f"sealed {sealed} break-glass reason(s) stored in plaintext before 0009"
    yield from _audit_log(settings, app.audit)
