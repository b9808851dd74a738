"""Match keys as the store holds them: bytes, not text (issue 15, migration 0026).

A blind-index token (``crypto/blind_index.py``: ``"i1." + base64url(16 bytes)``, 25
characters) is stored as its 16 bytes behind a one-byte tag, 17 bytes; any other key
(the contract tests' plain keys, a later token generation) as a tag and its UTF-8
text. The tag keeps both forms apart, so every key reads back exactly as written.

An alert's row carries its keys packed (``pack``: the entries one after another,
each self-delimiting), so that reading an alert's keys or replacing them needs no
index of ``alert_keys`` by alert; in SQLite, ``alert_keys`` keeps one row per (key,
alert) for the lookup by key alone (the compatibility check). PostgreSQL has no
``alert_keys`` since migration 0029: its GIN index ``alerts_by_key`` holds 8 bytes of
each packed key (``limes_key_hashes``: a token's first 8 bytes, a text key's SHA-256's),
and ``store/alerts.py`` checks the keys themselves of each alert it finds.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable, Sequence

_TOKEN = 0x01  # then the 16 bytes of an "i1." token
_TEXT = 0x00  # then the key's UTF-8 text (in ``pack``: its length first, 2 bytes)
_PREFIX = "i1."
_DIGEST_BYTES = 16
# an "i1." token in its one canonical spelling: 22 base64url characters for 16 bytes,
# the last one's 4 unused bits zero (another spelling would not read back as written)
_CANONICAL = re.compile(r"i1\.[A-Za-z0-9_-]{21}[AQgw]\Z")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


def key_in(key: str) -> bytes:
    """The stored form of one match key (a row of ``alert_keys``)."""
    if _CANONICAL.match(key):  # the bulk load stores millions: binascii, not base64
        digest = binascii.a2b_base64(key[3:].encode("ascii").translate(_FROM_URLSAFE) + b"==")
        return bytes((_TOKEN,)) + digest
    return bytes((_TEXT,)) + key.encode("utf-8")


def key_out(value: bytes) -> str:
    """The match key ``key_in`` stored as ``value``."""
    value = bytes(value)
    if value[:1] == bytes((_TOKEN,)) and len(value) == 1 + _DIGEST_BYTES:
        text = binascii.b2a_base64(value[1:], newline=False).translate(_TO_URLSAFE)
        return _PREFIX + text[:-2].decode("ascii")
    if value[:1] == bytes((_TEXT,)):
        return value[1:].decode("utf-8")
    raise ValueError("a stored match key is of no known form")


def stored_keys(keys: Iterable[str]) -> list[bytes]:
    """``key_in`` of each of ``keys``, in sorted order."""
    return [key_in(key) for key in sorted(keys)]


def pack(keys: Iterable[str]) -> bytes:
    """An alert's keys in one value (its row's ``keys`` column), in sorted order."""
    return packed(stored_keys(keys))


def packed(stored: Sequence[bytes]) -> bytes:
    """``pack`` of keys in their stored forms (``key_in``), each converted once."""
    out = bytearray()
    for value in stored:
        if value[0] == _TEXT:
            text = value[1:]
            if len(text) > 0xFFFF:
                raise ValueError("a match key is longer than 65,535 bytes")
            out += bytes((_TEXT,)) + len(text).to_bytes(2, "big") + text
        else:
            out += value
    return bytes(out)


def unpack(value: bytes | None) -> frozenset[str]:
    """The keys ``pack`` packed into ``value`` (none for NULL)."""
    if not value:
        return frozenset()
    value, keys, at = bytes(value), [], 0
    while at < len(value):
        if value[at] == _TOKEN:
            start, end = at, at + 1 + _DIGEST_BYTES
        elif value[at] == _TEXT and at + 3 <= len(value):
            start, end = at + 3, at + 3 + int.from_bytes(value[at + 1 : at + 3], "big")
        else:
            raise ValueError("an alert's packed match keys are of no known form")
        if end > len(value):
            raise ValueError("an alert's packed match keys are truncated")
        keys.append(key_out(value[start:end]) if start == at else value[start:end].decode())
        at = end
    return frozenset(keys)


class Packer:
    """``pack`` as an SQLite aggregate over an alert's key texts (migration 0026)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def step(self, key: str) -> None:
        self.keys.append(key)

    def finalize(self) -> bytes:
        return pack(self.keys)
