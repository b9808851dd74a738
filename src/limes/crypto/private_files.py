"""Owner-only checks for files that hold secret keys (the keyring, the token signing key)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def check_private(path: Path, expected_mode: int, name: str, error: type[Exception]) -> None:
    """Refuse ``path`` (raising ``error``) if it is a symbolic link, belongs to another user
    or is reachable by group or others. ``name`` begins each message ("the keyring file").

    A missing ``path`` raises :class:`FileNotFoundError`, for the caller to explain."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise error(f"{name} {path} is a symbolic link; refused")
    if info.st_uid != os.geteuid():
        raise error(f"{name} {path} belongs to another user; refused")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise error(
            f"{name} {path} has mode {mode:04o}: others may read it; refused "
            f"(it must be {expected_mode:04o}: chmod {expected_mode:o} {path})"
        )
