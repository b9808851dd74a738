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

from limes.domain.ids import ULID_BYTES, ulid_bytes, ulid_text

_TEXT = 0xFF
_TEXT_TAG = bytes((_TEXT,))


def id_in(alert_id: str) -> bytes:
    """The stored form of an alert id: a ULID's 16 bytes, else 0xFF and its text."""
    raw = None if alert_id.startswith("7Z") else ulid_bytes(alert_id)
    return _TEXT_TAG + alert_id.encode("utf-8") if raw is None else raw


def id_out(value: str | bytes | bytearray | memoryview) -> str:
    """The alert id ``id_in`` stored as ``value`` (text as it is: a row written before
    0028, which a store reads only until it is migrated)."""
    if isinstance(value, str):
        return value
    value = bytes(value)
    if value[:1] == _TEXT_TAG:
        return value[1:].decode("utf-8")
    if len(value) == ULID_BYTES:
        return ulid_text(value)
    raise ValueError("a stored alert id is of no known form")
