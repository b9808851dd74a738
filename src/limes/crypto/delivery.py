"""Data keys delivered to a national copy: sealed to the copy, re-wrapped by its own KEK.

A copy holds the centre's ciphertext as it is (``feed/items.py``) and opens it only
with data keys the key custodians delivered to it, never with the centre's KEK:

1. the copy makes a **recipient key** (X25519, ``recipient_key``) and its operator hands
   the public half to the centre's key custodians;
2. a custodian exports a **key package** for the member states the copy may open
   (``seal_package``): each live data key is unwrapped under the centre's KEK and sealed
   to the recipient (X25519 with a fresh ephemeral key, HKDF-SHA-256, AES-256-GCM whose
   associated data names the scope and version, as a wrapped key's does), together with
   the blind-index secret (the copy's search tokens must equal the centre's);
3. the copy opens the package (``open_package``) with its private key and wraps each
   data key under **its own** KEK (its keyring file, or its Vault) into its own
   ``data_keys``; the private key and the KEK never leave the copy.

**Rotation**: after ``limes keys rotate`` at the centre, rows sealed under the new
version reach the copy before the key does, and reading them there fails closed (no
such data key) until the custodians deliver a new package, which carries every live
version; a version retired at the centre is retired at the copy by the next package.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, replace
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from limes.crypto.keyring import KeyringError, load_keyring, save_keyring
from limes.crypto.keys import (
    NONCE_BYTES,
    DataKeys,
    IntegrityError,
    KeyEncryptionKey,
    LocalKek,
    dek_context,
)
from limes.store.port import KeyStatus, Transaction

FORMAT = "limes-key-package/1"
_INFO = b"limes key package/1"
_INDEX = b"limes index secret/1\x00"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def recipient_key() -> tuple[bytes, bytes]:
    """A new recipient key: (private PKCS#8 PEM, public PEM)."""
    key = X25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _aead(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_INFO)
    return AESGCM(hkdf.derive(shared))


def _seal(aead: AESGCM, data: bytes, context: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return _b64(nonce + aead.encrypt(nonce, data, context))


def _open(aead: AESGCM, text: str, context: bytes) -> bytes:
    raw = base64.b64decode(text, validate=True)
    try:
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context)
    except Exception:
        raise IntegrityError("a key package does not open: altered, or for another copy") from None


def seal_package(
    tx: Transaction, keys: DataKeys, scopes: set[str], index_secret: bytes, recipient_pem: bytes
) -> dict[str, Any]:
    """The package of every live data key of ``scopes`` and the index secret, sealed to
    the recipient's public key (PEM)."""
    recipient = serialization.load_pem_public_key(recipient_pem)
    if not isinstance(recipient, X25519PublicKey):
        raise ValueError("a recipient key is an X25519 public key (PEM)")
    ephemeral = X25519PrivateKey.generate()
    eph_raw, rec_raw = _raw(ephemeral.public_key()), _raw(recipient)
    aead = _aead(ephemeral.exchange(recipient), eph_raw, rec_raw)
    sealed = []
    for row in tx.data_keys.all():
        if row.scope not in scopes or row.status is KeyStatus.RETIRED:
            if row.scope in scopes:
                sealed.append({"scope": row.scope, "version": row.version, "status": "retired"})
            continue
        key = keys.version(row.scope, row.version, tx)
        context = dek_context(row.scope, row.version)
        sealed.append(
            {
                "scope": row.scope,
                "version": row.version,
                "status": row.status.value,
                "key": _seal(aead, key.raw, context),
            }
        )
    return {
        "format": FORMAT,
        "ephemeral": _b64(eph_raw),
        "recipient": _b64(rec_raw),
        "index_secret": _seal(aead, index_secret, _INDEX),
        "keys": sealed,
    }


@dataclass(frozen=True, slots=True)
class Opened:
    keys: list[tuple[str, int, KeyStatus, bytes | None]]
    index_secret: bytes


def open_package(package: dict[str, Any], recipient_private_pem: bytes) -> Opened:
    """The data keys and index secret of ``package`` (``IntegrityError`` if it does not
    open with this recipient key)."""
    private = serialization.load_pem_private_key(recipient_private_pem, password=None)
    if not isinstance(private, X25519PrivateKey) or package.get("format") != FORMAT:
        raise IntegrityError("not a key package for an X25519 recipient key")
    eph_raw = base64.b64decode(package["ephemeral"], validate=True)
    rec_raw = _raw(private.public_key())
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_raw))
    aead = _aead(shared, eph_raw, rec_raw)
    out = []
    for entry in package["keys"]:
        scope, version = str(entry["scope"]), int(entry["version"])
        status = KeyStatus(entry["status"])
        raw = None
        if status is not KeyStatus.RETIRED:
            raw = _open(aead, entry["key"], dek_context(scope, version))
        out.append((scope, version, status, raw))
    return Opened(out, _open(aead, package["index_secret"], _INDEX))


def install_index_secret(kek: KeyEncryptionKey, secret: bytes) -> None:
    """Write the centre's blind-index secret into this installation's keyring file."""
    if not isinstance(kek, LocalKek) or kek.path is None:
        raise KeyringError("the index secret goes into a keyring file; this one has none")
    current = load_keyring(kek.path)
    save_keyring(kek.path, replace(current, index_secret=secret))
