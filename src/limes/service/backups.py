"""Backups as a use case: an encrypted snapshot of the store, recorded in the audit log.

A backup copies every alert (as ciphertext) and the audit log itself, so taking one is
an access like any other: ``backup:create`` is recorded write-ahead (the attempt is in
the log, and so in the backup, before the snapshot starts), with the file written and
the size of each member as its outcome. ``crypto/backup.py`` does the sealing.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from limes.crypto.backup import AUDIT, MAIN, BackupInfo, snapshot, write_backup
from limes.crypto.backup import BackupError as BackupError  # the refusal a door reports
from limes.crypto.backup import restore as restore_members
from limes.crypto.keyring import FILE_MODE
from limes.crypto.keys import KeyEncryptionKey
from limes.service.audited import about, audited
from limes.service.recorder import Recorder


@dataclass(frozen=True, slots=True)
class BackupDone:
    info: BackupInfo

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        members = {name: size for name, size in self.info.members}
        return (), {"members": members, "kek": self.info.kek_id}


class BackupService:
    def __init__(self, audit: Recorder, kek: KeyEncryptionKey) -> None:
        self.audit = audit
        self.kek = kek  # the installation's key-encryption key, which wraps each backup's key

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
