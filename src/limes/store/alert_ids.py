"""Alert ids as the store holds them: 16 bytes, not 26 characters (issue 15, migration 0028).

An alert id is a ULID (``domain/ids.py``): 26 Crockford base32 characters for 128
bits. ``alerts``, ``alert_keys``, ``change_events`` and ``copy_alerts`` hold it as
those 16 bytes, big-endian, so that the bytes sort as the text does (cursor pages and
the feed keep their order). Any other id (the contract tests' "A1", an id a door
refused before it reached the store) is stored as a 0xFF byte and its UTF-8 text: a
ULID's first byte is 0xFF only past the year 10889 (ids from "7Z"), which are stored
in that second form too, so the two never meet. Such ids sort after every ULID.

The API, the services and every other table keep the id as text: the store converts
at its boundary (``id_in`` before a statement, ``id_out`` on what a row returns).
"""

from __future__ import annotations

import base64
import re

_ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}\Z")
_TEXT = 0xFF
_TEXT_TAG = bytes((_TEXT,))
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_INT32 = str.maketrans(_CROCKFORD, "0123456789abcdefghijklmnopqrstuv")
_FROM_RFC4648 = bytes.maketrans(_RFC4648.encode(), _CROCKFORD.encode())
ULID_BYTES = 16


def id_in(alert_id: str) -> bytes:
    """The stored form of an alert id: a ULID's 16 bytes, else 0xFF and its text."""
    if _ULID.match(alert_id) and not alert_id.startswith("7Z"):
        return int(alert_id.translate(_TO_INT32), 32).to_bytes(ULID_BYTES, "big")
    return _TEXT_TAG + alert_id.encode("utf-8")


def id_out(value: str | bytes | bytearray | memoryview) -> str:
    """The alert id ``id_in`` stored as ``value`` (text as it is: a row written before
    0028, which a store reads only until it is migrated)."""
    if isinstance(value, str):
        return value
    value = bytes(value)
    if value[:1] == _TEXT_TAG:
        return value[1:].decode("utf-8")
    if len(value) == ULID_BYTES:
        # 2 zero bits, the 128 bits, 30 zero bits: 160 bits, 32 characters, 26 kept
        shifted = (int.from_bytes(value, "big") << 30).to_bytes(20, "big")
        return base64.b32encode(shifted).translate(_FROM_RFC4648)[:26].decode("ascii")
    raise ValueError("a stored alert id is of no known form")
