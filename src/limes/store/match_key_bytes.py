"""Match keys as the store holds them: bytes, not text (issue 15, migration 0026).

A blind-index token (``crypto/blind_index.py``: ``"i1." + base64url(16 bytes)``, 25
characters) is stored as its 16 bytes behind a one-byte tag, 17 bytes; any other key
(the contract tests' plain keys, a later token generation) as a tag and its UTF-8
text. The tag keeps both forms apart, so every key reads back exactly as written.

An alert's row carries its keys packed (``pack``: the entries one after another,
each self-delimiting), so that reading an alert's keys or replacing them needs no
index of ``alert_keys`` by alert; ``alert_keys`` keeps one row per (key, alert) for
the lookup by key alone (the compatibility check).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

_TOKEN = 0x01  # then the 16 bytes of an "i1." token
_TEXT = 0x00  # then the key's UTF-8 text (in ``pack``: its length first, 2 bytes)
_PREFIX = "i1."
_DIGEST_BYTES = 16
_TOKEN_CHARS = len(_PREFIX) + 22  # 16 bytes in unpadded base64url


def _digest(key: str) -> bytes | None:
    """The 16 bytes of an "i1." token in its one canonical spelling, else None."""
    if len(key) != _TOKEN_CHARS or not key.startswith(_PREFIX):
        return None
    text = key[len(_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        return None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != text:
        return None  # a non-canonical spelling would not read back as written
    return raw


def key_in(key: str) -> bytes:
    """The stored form of one match key (a row of ``alert_keys``)."""
    raw = _digest(key)
    if raw is not None:
        return bytes((_TOKEN,)) + raw
    return bytes((_TEXT,)) + key.encode("utf-8")


def key_out(value: bytes) -> str:
    """The match key ``key_in`` stored as ``value``."""
    value = bytes(value)
    if value[:1] == bytes((_TOKEN,)) and len(value) == 1 + _DIGEST_BYTES:
        return _PREFIX + base64.urlsafe_b64encode(value[1:]).rstrip(b"=").decode("ascii")
    if value[:1] == bytes((_TEXT,)):
        return value[1:].decode("utf-8")
    raise ValueError("a stored match key is of no known form")


def pack(keys: Iterable[str]) -> bytes:
    """An alert's keys in one value (its row's ``keys`` column), in sorted order."""
    out = bytearray()
    for key in sorted(keys):
        stored = key_in(key)
        if stored[0] == _TEXT:
            text = stored[1:]
            if len(text) > 0xFFFF:
                raise ValueError("a match key is longer than 65,535 bytes")
            out += bytes((_TEXT,)) + len(text).to_bytes(2, "big") + text
        else:
            out += stored
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
