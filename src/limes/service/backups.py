"""Backups as a use case: an encrypted snapshot of the store, recorded in the audit log.

A backup copies every alert (as ciphertext) and the audit log itself, so taking one is
an access like any other: ``backup:create`` is recorded write-ahead (the attempt is in
the log, and so in the backup, before the snapshot starts), with the file written and
the size of each member as its outcome. ``crypto/backup.py`` does the sealing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from limes.audit.heads import key_id, load_audit_key, load_public_key
from limes.audit.verify import Report
from limes.audit.wiring import DEFAULT_SCHEMA as AUDIT_SCHEMA
from limes.config import Settings
from limes.crypto.backup import AUDIT, DUMP, MAIN, BackupInfo, snapshot, write_backup
from limes.crypto.backup import BackupError as BackupError  # the refusal a door reports
from limes.crypto.backup import restore as restore_members
from limes.crypto.keyring import FILE_MODE, load_keyring, save_keyring
from limes.crypto.keys import KeyEncryptionKey
from limes.identity.tokens import KeyFileError
from limes.service.audit_custody import verify_installation
from limes.service.audited import about, audited
from limes.service.installation import (
    ENVIRONMENT_FILE,
    VAR_MODE,
    check_environment,
    record_environment,
)
from limes.service.recorder import Recorder
from limes.setting_texts import redacted
from limes.store import pg_dump
from limes.store.postgres import DEFAULT_SCHEMA as STORE_SCHEMA


@dataclass(frozen=True, slots=True)
class BackupDone:
    info: BackupInfo

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        members = {name: size for name, size in self.info.members}
        return (), {"members": members, "kek": self.info.kek_id}


class BackupService:
    def __init__(
        self,
        audit: Recorder,
        kek: KeyEncryptionKey,
        checkpoint: Callable[[], object] | None = None,
    ) -> None:
        self.audit = audit
        self.kek = kek  # the installation's key-encryption key, which wraps each backup's key
        # signs a tree head over every record so far (the audit log's), so that the log
        # in the backup, this backup's own record included, verifies to its last record
        self.checkpoint = checkpoint

    @audited(
        "backup:create",
        write=True,
        describe=lambda _, backup_file, database, audit_file: about(backup_file=str(backup_file)),
    )
    def create(self, backup_file: Path, database: Path, audit_file: Path | None) -> BackupDone:
        """Seal online snapshots of ``database`` (and ``audit_file``) into a new file, 0600."""
        if not database.exists():
            raise BackupError(f"there is no database at {database}; run 'limes init' first")
        sources = [(MAIN, database)]
        if audit_file is not None and audit_file.exists():
            sources.append((AUDIT, audit_file))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(backup_file, flags, FILE_MODE)
        token = secrets.token_hex(4)
        staged = [(name, path.parent / f".{path.name}.backup-{token}") for name, path in sources]
        try:
            if self.checkpoint is not None:
                self.checkpoint()
            for (_, path), (_, copy) in zip(sources, staged, strict=True):
                snapshot(path, copy)
            with os.fdopen(fd, "wb") as out:
                info = write_backup(out, staged, self.kek)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            backup_file.unlink(missing_ok=True)
            raise
        finally:
            for _, copy in staged:
                copy.unlink(missing_ok=True)
        return BackupDone(info)

    @audited(
        "backup:create",
        write=True,
        describe=lambda _, backup_file, url, schemas: about(backup_file=str(backup_file)),
    )
    def create_dump(self, backup_file: Path, url: str, schemas: tuple[str, ...]) -> BackupDone:
        """Seal a ``pg_dump`` of ``schemas`` of the PostgreSQL database at ``url`` into a
        new file, 0600 (``store/pg_dump.py``)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(backup_file, flags, FILE_MODE)
        staged = backup_file.parent / f".{backup_file.name}.dump-{secrets.token_hex(4)}"
        try:
            if self.checkpoint is not None:
                self.checkpoint()
            os.close(os.open(staged, flags, FILE_MODE))  # private before pg_dump writes it
            try:
                pg_dump.dump(url, schemas, staged)
            except pg_dump.DumpError as exc:
                raise BackupError(str(exc)) from None
            with os.fdopen(fd, "wb") as out:
                info = write_backup(out, [(DUMP, staged)], self.kek)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            backup_file.unlink(missing_ok=True)
            raise
        finally:
            staged.unlink(missing_ok=True)
        return BackupDone(info)


def dumped_schemas(settings: Settings) -> tuple[str, ...]:
    """The schemas a PostgreSQL backup holds: the store's, and its audit log's when the
    log is beside it (no LIMES_AUDIT_DATABASE_URL)."""
    if settings.audit_database_url is None:
        return (STORE_SCHEMA, AUDIT_SCHEMA)
    return (STORE_SCHEMA,)


def restore(
    source: BinaryIO, database: Path, audit_file: Path | None, kek: KeyEncryptionKey
) -> BackupInfo:
    """Verify the backup read from ``source``, then put its database at ``database`` and
    its audit log at ``audit_file`` (when one is given), neither of which may exist.

    Not recorded: there is no log to record it in until the restore has put it back.
    """
    targets = {MAIN: database}
    if audit_file is not None:
        targets[AUDIT] = audit_file
    return restore_members(source, targets, kek)


# -- restoring an installation -------------------------------------------------------------


class NotEmpty(BackupError):
    """The var folder to restore into holds something already."""


@dataclass(frozen=True, slots=True)
class Restored:
    """What ``restore_installation`` put in place, and what it found."""

    info: BackupInfo
    database: str  # the file, or the PostgreSQL URL (password redacted)
    keyring: Path
    verified: Report | None  # the audit log checked; None: not a SQLite file, not backed up
    signed_by: str  # the key id of the public key the log was verified against
    signing_key: str  # where the audit signing key must be, and whether it is there


def _empty_var(settings: Settings) -> None:
    check_environment(settings)
    var = settings.var_dir
    held = var.exists() and (
        not var.is_dir()
        or any(p.name != ENVIRONMENT_FILE for p in var.rglob("*") if not p.is_dir())
    )
    if held:
        raise NotEmpty(
            f"the var folder {var} is not empty: restore only into a new or empty folder "
            "(give another with --var), so that nothing of another installation mixes in"
        )
    var.mkdir(mode=VAR_MODE, parents=True, exist_ok=True)
    var.chmod(VAR_MODE)
    record_environment(settings)


def _signing_key_state(settings: Settings, signed_by: str) -> str:
    """Whether the audit signing key the settings name is the one the log was signed by."""
    if settings.audit_vault_key:
        return f"Vault transit key {settings.audit_vault_key} (checked by 'limes init')"
    path = settings.audit_key_path
    if not path.exists():
        return (
            f"{path} is missing: put the key custodians' audit signing key (key {signed_by}) "
            "there before 'limes init' and 'limes serve'; a new key is never made for a "
            "signed log"
        )
    try:
        found = key_id(load_audit_key(path).public_key())
    except KeyFileError as exc:
        return f"{path}: {exc}"
    if found != signed_by:
        return f"{path} is key {found}, not key {signed_by}: put the right one there"
    return f"{path} (key {found}, the log's)"


def restore_installation(
    settings: Settings,
    source: BinaryIO,
    keyring_file: Path,
    kek: KeyEncryptionKey,
    public_key_pem: bytes,
) -> Restored:
    """Restore a backup into the new or empty var folder of ``settings``, with the keyring
    the key custodians kept (``keyring_file``, whose key-encryption key is ``kek``) and
    the audit log's public key they kept (``public_key_pem``).

    The backup is verified whole and put in place (``restore``), the keyring copied to
    where the settings expect it (mode 0600), and the restored audit log verified from
    end to end against the public key. If the log does not verify, everything restored
    is removed again and the report says why (``Restored.verified.ok`` is false): a backup
    whose log was altered is not an installation to run.
    """
    try:
        public_key = load_public_key(public_key_pem)
    except ValueError as exc:
        raise BackupError(f"the audit public key is not one: {exc}") from None
    keyring = load_keyring(keyring_file)  # refused unless private, as the installation's
    _empty_var(settings)
    target = settings.keyring_file
    copy_keyring = target.resolve() != keyring_file.resolve()
    if copy_keyring and target.exists():
        raise BackupError(f"{target} exists: a keyring is never overwritten")
    url = settings.store_url
    placed: list[Path] = []
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        audit_file = _audit_file(settings, database)
        info = restore(source, database, audit_file, kek)
        placed += [p for p in (database, audit_file) if p is not None and p.exists()]
        where, has_log = str(database), audit_file is not None

        def undo() -> None:
            _remove(placed)
    else:
        schemas = dumped_schemas(settings)
        info = _restore_dump(settings, source, kek, schemas)
        where, has_log = redacted(url), AUDIT_SCHEMA in schemas

        def undo() -> None:
            pg_dump.drop(url, schemas)
            _remove(placed)

    try:
        if copy_keyring:
            save_keyring(target, keyring)
            placed.append(target)
        report = None
        if has_log:
            report = verify_installation(settings, [public_key], list, witness=False).report
    except BaseException:
        undo()
        raise
    if report is not None and not report.ok:
        undo()
    signed_by = key_id(public_key)
    return Restored(info, where, target, report, signed_by, _signing_key_state(settings, signed_by))


def _restore_dump(
    settings: Settings, source: BinaryIO, kek: KeyEncryptionKey, schemas: tuple[str, ...]
) -> BackupInfo:
    """Verify a PostgreSQL backup whole, then ``pg_restore`` it into a database that holds
    none of ``schemas`` yet (a failed load is dropped again)."""
    url = settings.store_url
    found = pg_dump.present(url, schemas)
    if found:
        raise NotEmpty(
            f"{redacted(url)} holds the schema {', '.join(found)} already: restore only into "
            "a database without it"
        )
    staged = settings.var_dir / ".postgres.dump.restoring"
    try:
        info = restore_members(source, {DUMP: staged}, kek)
        try:
            pg_dump.load(url, staged)
        except pg_dump.DumpError as exc:
            pg_dump.drop(url, schemas)
            raise BackupError(str(exc)) from None
    finally:
        staged.unlink(missing_ok=True)
    return info


def _audit_file(settings: Settings, database: Path) -> Path | None:
    """The audit log's SQLite file, if it is one (beside the database unless configured)."""
    url = settings.audit_database_url
    if url is None:
        return database.parent / "audit.db"
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _remove(paths: list[Path]) -> None:
    for path in paths:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
