"""Alert identifiers: opaque, unguessable, and ordered by creation time.

A ULID (48-bit millisecond time, 80 random bits, Crockford base32) sorts by time,
which keeps cursor pagination and index locality cheap, while its random part
makes identifiers unguessable (no sequential enumeration of alerts).
"""

from __future__ import annotations

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(now_ms: int | None = None) -> str:
    """A new 26-character ULID."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(value: str) -> bool:
    return len(value) == 26 and all(c in _CROCKFORD for c in value)
