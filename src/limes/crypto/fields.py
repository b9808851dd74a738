"""Field sealing: AES-256-GCM per field, bound to its record, field, scope and key version.

Envelope format 1 (what a sealed column holds; binary columns hold it as is, text
columns as unpadded base64url)::

    offset  size  field
    0       2     magic "LE" (Limes envelope)
    2       1     format version, 1
    3       2     key scope: the member state whose data key sealed it (ASCII, e.g. "DE")
    5       4     key version, unsigned big-endian
    9       12    nonce, random for every sealing
    21      n+16  AES-256-GCM ciphertext of the n plaintext bytes, then its tag

The key id is (scope, version). The associated data is the 9-byte header followed by
the record id and the field name, each UTF-8 with a 2-byte big-endian length::

    AD = header[0:9] || len(record_id) || record_id || len(field) || field

so a ciphertext copied to another record or field, a header whose scope or version
was edited, or any flipped byte fails to open: the read raises ``IntegrityError`` and
returns nothing (fail closed). The first 9 bytes of every envelope, and the first 12
characters of its text form, name the key, so ``limes keys status`` counts rows per
key version with one ``substr`` in SQL.

One ``AESGCM`` object per data key (held by ``DataKeys``) serves every field: no key
derivation per field, so sealing costs one AES-GCM pass and 12 random bytes.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct

from cryptography.exceptions import InvalidTag

from limes.crypto.keys import DataKey, DataKeys, IntegrityError, check_scope
from limes.store.port import Transaction

MAGIC = b"LE"
FORMAT = 1
HEADER = struct.Struct(">2sB2sI")
KEY_ID_BYTES = HEADER.size  # 9: magic, format, scope, version
NONCE_BYTES = 12
TAG_BYTES = 16
OVERHEAD = KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES
TEXT_KEY_ID_CHARS = 12  # base64 of the 9 header bytes
_LENGTH = struct.Struct(">H")


def associated_data(header: bytes, record_id: str, field: str) -> bytes:
    rid, name = record_id.encode("utf-8"), field.encode("utf-8")
    return b"".join((header, _LENGTH.pack(len(rid)), rid, _LENGTH.pack(len(name)), name))


def key_id(envelope: bytes) -> tuple[str, int]:
    """(scope, version) named by an envelope's header; ``IntegrityError`` if it has none."""
    if len(envelope) < OVERHEAD:
        raise IntegrityError("a sealed value is too short to be an envelope")
    magic, fmt, scope, version = HEADER.unpack_from(envelope)
    if magic != MAGIC or fmt != FORMAT:
        raise IntegrityError("a sealed value is not a Limes envelope of format 1")
    try:
        return scope.decode("ascii"), version
    except UnicodeDecodeError:
        raise IntegrityError("a sealed value names no valid key scope") from None


def to_text(envelope: bytes) -> str:
    return base64.urlsafe_b64encode(envelope).rstrip(b"=").decode("ascii")


def from_text(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise IntegrityError("a sealed text value is not base64url") from None


def text_key_id(prefix: str) -> tuple[str, int]:
    """(scope, version) from the first 12 characters of a text envelope."""
    raw = from_text(prefix[:TEXT_KEY_ID_CHARS])
    return key_id(raw + bytes(OVERHEAD - len(raw)))


def seal_under(key: DataKey, record_id: str, field: str, plaintext: bytes) -> bytes:
    """The envelope of ``plaintext`` under ``key`` (the active key of its scope, which
    the caller looked up: the bulk path's workers, which reach no store, are given it)."""
    header = HEADER.pack(MAGIC, FORMAT, check_scope(key.scope), key.version)
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext, associated_data(header, record_id, field))
    return header + nonce + sealed


class FieldCipher:
    """Seal and open fields under the data keys of a store."""

    def __init__(self, keys: DataKeys) -> None:
        self.keys = keys

    def seal(
        self,
        scope: str,
        record_id: str,
        field: str,
        plaintext: bytes,
        tx: Transaction | None = None,
    ) -> bytes:
        """The envelope of ``plaintext`` under ``scope``'s active data key.

        Pass the open transaction, if any (see ``DataKeys.current``).
        """
        return seal_under(self.keys.current(scope, tx), record_id, field, plaintext)

    def open(
        self,
        scope: str,
        record_id: str,
        field: str,
        envelope: bytes,
        tx: Transaction | None = None,
    ) -> bytes:
        """The plaintext sealed for ``(scope, record_id, field)``; ``IntegrityError`` else."""
        found_scope, version = key_id(envelope)
        where = f"{field} of {record_id}"
        if found_scope != scope:
            raise IntegrityError(f"{where} is sealed for {found_scope}, not {scope}")
        key = self.keys.version(scope, version, tx)
        header, nonce = envelope[:KEY_ID_BYTES], envelope[KEY_ID_BYTES : KEY_ID_BYTES + 12]
        try:
            return key.aead.decrypt(
                nonce, envelope[KEY_ID_BYTES + 12 :], associated_data(header, record_id, field)
            )
        except InvalidTag:
            raise IntegrityError(
                f"{where} fails its integrity check: it was altered, or moved from another "
                "record or field; nothing of it is returned"
            ) from None

    def seal_text(
        self, scope: str, record_id: str, field: str, text: str, tx: Transaction | None = None
    ) -> str:
        return to_text(self.seal(scope, record_id, field, text.encode("utf-8"), tx))

    def open_text(
        self, scope: str, record_id: str, field: str, text: str, tx: Transaction | None = None
    ) -> str:
        return self.open(scope, record_id, field, from_text(text), tx).decode("utf-8")
