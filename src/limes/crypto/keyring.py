"""The keyring file: the key-encryption key and the blind-index secret, never in the database.

A keyring is a small JSON file, by default ``<var>/keys/keyring.json``::

    {"format": "limes-keyring/1",
     "active_kek": "kek-3f2a…",
     "keks": {"kek-3f2a…": "<base64, 32 bytes>"},
     "index_secret": "<base64, 32 bytes>"}

* ``keks`` holds the 256-bit key-encryption key (KEK) that wraps the data keys
  stored in the database. It holds two only while ``limes keys rotate --kek`` is
  re-wrapping them; the old one is dropped when that is done. With HashiCorp Vault's
  transit engine (``LIMES_VAULT_ADDR``) the KEK stays in Vault and ``keks`` is empty.
* ``index_secret`` is the root of the blind-index keys: one HMAC key per purpose is
  derived from it with HKDF-SHA-256, so no HMAC key is ever stored anywhere.

The file and its folder must belong to the service's user with modes 0600 and 0700;
anything looser, a symbolic link or another owner is refused, as for the token
signing key. Writes go to a new file that replaces the old one atomically, so a
crash never leaves half a keyring. Secrets never appear in ``repr`` or messages.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from limes.config import SettingsError
from limes.crypto.private_files import check_private

FORMAT = "limes-keyring/1"
KEY_BYTES = 32
DIR_MODE = 0o700
FILE_MODE = 0o600


class KeyringError(SettingsError):
    """The keyring is unusable: unsafe permissions, malformed, or without a needed key."""


class KeyringMissing(KeyringError):
    """There is no keyring where the settings say; ``limes init`` makes one."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str, origin: str) -> bytes:
    if not isinstance(text, str):
        raise KeyringError(f"{origin}: {what} must be a base64 string")
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{origin}: {what} is not valid base64") from None
    if len(value) != KEY_BYTES:
        raise KeyringError(f"{origin}: {what} must be {KEY_BYTES} bytes, not {len(value)}")
    return value


def new_kek_id() -> str:
    return f"kek-{secrets.token_hex(8)}"


@dataclass(frozen=True, slots=True)
class Keyring:
    """The secrets of one installation. ``active_kek`` is None when Vault holds the KEK."""

    active_kek: str | None
    keks: Mapping[str, bytes] = field(repr=False)
    index_secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.active_kek is not None and self.active_kek not in self.keks:
            raise KeyringError(f"the active key-encryption key {self.active_kek} is not held")
        if len(self.index_secret) != KEY_BYTES:
            raise KeyringError("the blind-index secret must be 32 bytes")
        object.__setattr__(self, "keks", MappingProxyType(dict(self.keks)))

    @classmethod
    def generate(cls, *, local_kek: bool = True) -> Keyring:
        """Fresh random secrets (a local KEK unless the KEK lives in Vault)."""
        keks = {new_kek_id(): os.urandom(KEY_BYTES)} if local_kek else {}
        return cls(next(iter(keks), None), keks, os.urandom(KEY_BYTES))

    def with_new_kek(self) -> Keyring:
        """The same keyring with a new active KEK; the old ones stay until re-wrapping ends."""
        kek_id = new_kek_id()
        return replace(self, active_kek=kek_id, keks={**self.keks, kek_id: os.urandom(KEY_BYTES)})

    def only_active(self) -> Keyring:
        """Without the KEKs that are no longer active (after every data key is re-wrapped)."""
        if self.active_kek is None:
            return replace(self, keks={})
        return replace(self, keks={self.active_kek: self.keks[self.active_kek]})

    def index_key(self, purpose: str) -> bytes:
        """The HMAC key of one blind-index purpose: HKDF-SHA-256 of the index secret."""
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=None,
            info=b"limes blind index/1/" + purpose.encode("utf-8"),
        )
        return hkdf.derive(self.index_secret)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "format": FORMAT,
                "active_kek": self.active_kek,
                "keks": {k: _b64(v) for k, v in sorted(self.keks.items())},
                "index_secret": _b64(self.index_secret),
            },
            option=orjson.OPT_INDENT_2,
        )

    @classmethod
    def parse(cls, data: bytes, origin: str) -> Keyring:
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise KeyringError(f"{origin} is not a JSON keyring") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise KeyringError(f"{origin} is not a keyring of format {FORMAT}")
        if set(doc) != {"format", "active_kek", "keks", "index_secret"}:
            raise KeyringError(f"{origin}: unexpected or missing fields")
        keks = doc["keks"]
        active = doc["active_kek"]
        if not isinstance(keks, dict) or not (active is None or isinstance(active, str)):
            raise KeyringError(f"{origin}: keks must be an object and active_kek a string")
        return cls(
            active,
            {str(k): _unb64(v, f"key-encryption key {k}", origin) for k, v in keks.items()},
            _unb64(doc["index_secret"], "index_secret", origin),
        )


def test_only_fixed_keyring() -> Keyring:
    """A keyring with fixed, published secrets: for test suites and nothing else.

    Anyone can read these bytes here, so data sealed under them is not protected.
    ``Settings`` refuses ``LIMES_TEST_ONLY_FIXED_KEYRING`` unless ``LIMES_ENV=development``.
    """
    return Keyring(
        "kek-test-only",
        {"kek-test-only": bytes(range(32))},
        bytes(range(32, 64)),
    )


# -- the file ------------------------------------------------------------------------------


def _check_private(path: Path, expected: int, what: str) -> None:
    try:
        check_private(path, expected, f"the keyring {what}", KeyringError)
    except FileNotFoundError:
        raise KeyringMissing(
            f"there is no keyring {what} at {path}; run 'limes init' to create one "
            "(or restore the keyring file kept by the key custodians)"
        ) from None


def load_keyring(path: Path) -> Keyring:
    """The keyring at ``path``, refused unless only its owner can reach it and its folder."""
    _check_private(path.parent, DIR_MODE, "folder")
    _check_private(path, FILE_MODE, "file")
    if not stat.S_ISREG(path.lstat().st_mode):
        raise KeyringError(f"the keyring {path} is not a regular file")
    return Keyring.parse(path.read_bytes(), str(path))


def save_keyring(path: Path, keyring: Keyring) -> None:
    """Write the keyring atomically (new file 0600, fsync, rename over the old one)."""
    folder = path.parent
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) != DIR_MODE:
        folder.chmod(DIR_MODE)
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(temporary, flags, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(keyring.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def ensure_keyring(path: Path, *, local_kek: bool = True) -> bool:
    """Create a keyring at ``path`` unless one exists (which must then be sound).

    True if it was created now. An existing keyring is never overwritten: losing it
    loses every alert.
    """
    if path.exists() or path.is_symlink():
        load_keyring(path)
        return False
    save_keyring(path, Keyring.generate(local_kek=local_kek))
    return True
