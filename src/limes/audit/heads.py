"""Signed tree heads: the log's size, time and root, signed with Ed25519.

**What is signed** is exactly these 73 bytes (all integers big-endian)::

    b"limes-audit-tree-head-v1\\x00"   25 bytes: what the signature is about (a key
                                      signing heads signs nothing else by accident)
    tree_size                         8 bytes, unsigned: the number of records
    timestamp                         8 bytes, signed: microseconds since 1970-01-01 UTC
    root_hash                         32 bytes: RFC 9162 MTH of the first tree_size leaves

and the signature is Ed25519 (RFC 8032) over them, 64 bytes. Anyone holding the public
key (``limes audit public-key``: PEM, SubjectPublicKeyInfo) can check a head and then,
with the RFC 9162 proofs, that a record is in the log and that the log only grew.
``key_id`` is the first 16 hex digits of SHA-256 of the raw public key, so that heads
signed before a key rollover name the key that checks them.

**The key** is the file ``LIMES_AUDIT_SIGNING_KEY`` names (PKCS#8, mode 0600 in a
0700 folder), kept by the key custodians outside the var folder: by default in the
folder ``<var>.audit-key`` beside it, and production refuses one inside it
(``config.py``). ``limes init`` makes it with the same care as the token signing key
(it reuses ``identity.tokens.ensure_signing_key``), but never a new one for a log
whose heads another key signed: a missing key is restored, not replaced.
``KeyFileSigner`` reads it when it first signs, refusing a key file others may read.

With ``LIMES_AUDIT_VAULT_KEY`` the key is an ``ed25519`` key of Vault's transit engine
instead (``VaultSigner``): Vault signs, and no file on this host, nor the service's
memory, ever holds the private key; a head names the key version that signed it.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from limes.audit.merkle import HASH_SIZE
from limes.identity.tokens import KeyFileError, ensure_signing_key, load_signing_key

CONTEXT = b"limes-audit-tree-head-v1\x00"
SIGNATURE_SIZE = 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch (exact: no float on the way)."""
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def signed_bytes(size: int, timestamp: datetime, root: bytes) -> bytes:
    """The exact bytes a tree head's signature covers (see the module docstring)."""
    if len(root) != HASH_SIZE:
        raise ValueError("a root hash is 32 bytes")
    return CONTEXT + struct.pack(">Qq", size, micros(timestamp)) + root


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed tree head (STH)."""

    size: int
    timestamp: datetime
    root: bytes
    signature: bytes
    key_id: str

    def message(self) -> bytes:
        return signed_bytes(self.size, self.timestamp, self.root)

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        """True if ``public_key`` signed exactly this size, time and root."""
        try:
            public_key.verify(self.signature, self.message())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "tree_size": self.size,
            "timestamp": self.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
            "timestamp_us": micros(self.timestamp),
            "root_hash": self.root.hex(),
            "signature": self.signature.hex(),
            "key_id": self.key_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeHead:
        """A head as ``to_json`` wrote it (``timestamp_us`` is what was signed)."""
        try:
            return cls(
                size=int(data["tree_size"]),
                timestamp=from_micros(int(data["timestamp_us"])),
                root=bytes.fromhex(str(data["root_hash"])),
                signature=bytes.fromhex(str(data["signature"])),
                key_id=str(data["key_id"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a tree head: {exc}") from None


class Signer(Protocol):
    def sign(self, size: int, timestamp: datetime, root: bytes) -> TreeHead: ...

    def sign_message(self, message: bytes) -> tuple[bytes, str]:
        """(signature, key id) of another kind of statement (the completeness digests of
        ``service/digests.py``); one posing as a tree head is refused."""
        ...

    def public_key(self) -> Ed25519PublicKey: ...


def other_statement(message: bytes) -> bytes:
    """``message`` unless it begins as a tree head does: the same key signs both, and a
    signature over one must never read as the other."""
    if message.startswith(CONTEXT) or b"\x00" not in message[:64]:
        raise ValueError("a statement signed beside tree heads names its own context first")
    return message


class KeySigner:
    """Signs tree heads with a key held in memory (tests, and ``KeyFileSigner``)."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._id = key_id(key.public_key())

    def sign(self, size: int, timestamp: datetime, root: bytes) -> TreeHead:
        signature = self._key.sign(signed_bytes(size, timestamp, root))
        return TreeHead(size, timestamp, root, signature, self._id)

    def sign_message(self, message: bytes) -> tuple[bytes, str]:
        return self._key.sign(other_statement(message)), self._id

    def public_key(self) -> Ed25519PublicKey:
        return self._key.public_key()


def _audit_key_error(exc: KeyFileError) -> KeyFileError:
    # the checks are the token key's; their messages name that key
    return KeyFileError(str(exc).replace("token signing key", "audit signing key"))


def ensure_audit_key(path: Path, signed_by: str | None = None) -> bool:
    """Create the audit signing key unless it exists (``limes init``); True if made now.

    ``signed_by``: the key id of the log's latest head, if it has one. Then the key must
    be that key: a missing one is refused rather than replaced, since a new key could
    sign a rewritten log as readily as the real one.
    """
    if signed_by is not None and not (path.exists() or path.is_symlink()):
        raise KeyFileError(
            f"the audit log's heads are signed by key {signed_by}, and the audit signing key "
            f"{path} is missing: restore it from the key custodians; a new key is never made "
            "for a signed log"
        )
    try:
        made = ensure_signing_key(path)
    except KeyFileError as exc:
        raise _audit_key_error(exc) from None
    if signed_by is not None and not made:
        found = key_id(load_audit_key(path).public_key())
        if found != signed_by:
            raise KeyFileError(
                f"the audit signing key {path} is key {found}, but the log's heads are signed "
                f"by key {signed_by}: restore that key from the key custodians"
            )
    return made


def load_audit_key(path: Path) -> Ed25519PrivateKey:
    try:
        return load_signing_key(path)
    except KeyFileError as exc:
        raise _audit_key_error(exc) from None


class KeyFileSigner:
    """The key at ``path``, read (and checked) when first needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signer: KeySigner | None = None

    def _loaded(self) -> KeySigner:
        if self._signer is None:
            self._signer = KeySigner(load_audit_key(self.path))
        return self._signer

    def sign(self, size: int, timestamp: datetime, root: bytes) -> TreeHead:
        return self._loaded().sign(size, timestamp, root)

    def sign_message(self, message: bytes) -> tuple[bytes, str]:
        return self._loaded().sign_message(message)

    def public_key(self) -> Ed25519PublicKey:
        return self._loaded().public_key()


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (``limes audit public-key`` writes it)."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise ValueError("the file does not hold a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key is not an Ed25519 key")
    return key


class Transit(Protocol):
    """What ``VaultSigner`` needs of ``crypto.vault.VaultTransit``."""

    key: str

    def sign(self, data: bytes) -> tuple[int, bytes]: ...

    def public_keys(self) -> dict[int, bytes]: ...


class VaultSigner:
    """Signs tree heads with an ``ed25519`` key of Vault's transit engine.

    Each signature is checked here with the public key of the version that made it, so
    a key of another type, or an answer from something that is not Vault, signs nothing.
    """

    def __init__(self, transit: Transit) -> None:
        self.transit = transit
        self._keys: dict[int, Ed25519PublicKey] = {}

    def _refresh(self) -> None:
        keys = {}
        for number, raw in self.transit.public_keys().items():
            try:
                keys[number] = Ed25519PublicKey.from_public_bytes(raw)
            except ValueError:
                raise KeyFileError(f"Vault key {self.transit.key} is not an ed25519 key") from None
        if not keys:
            raise KeyFileError(f"Vault key {self.transit.key} has no public key")
        self._keys = keys

    def _key(self, version: int) -> Ed25519PublicKey:
        if version not in self._keys:
            self._refresh()
        if version not in self._keys:
            raise KeyFileError(f"Vault key {self.transit.key} has no version {version}")
        return self._keys[version]

    def public_keys(self) -> list[Ed25519PublicKey]:
        """Every version's public key (heads signed before a rotation in Vault verify)."""
        self._refresh()
        return list(self._keys.values())

    def key_ids(self) -> set[str]:
        """The key id of every version of the Vault key."""
        return {key_id(k) for k in self.public_keys()}

    def sign(self, size: int, timestamp: datetime, root: bytes) -> TreeHead:
        message = signed_bytes(size, timestamp, root)
        version, signature = self.transit.sign(message)
        key = self._key(version)
        head = TreeHead(size, timestamp, root, signature, key_id(key))
        if not head.verify(key):
            raise KeyFileError(f"Vault key {self.transit.key} signed a head its key does not check")
        return head

    def sign_message(self, message: bytes) -> tuple[bytes, str]:
        version, signature = self.transit.sign(other_statement(message))
        return signature, key_id(self._key(version))

    def public_key(self) -> Ed25519PublicKey:
        """The latest version's public key."""
        self._refresh()
        return self._keys[max(self._keys)]
