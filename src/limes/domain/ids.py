"""Alert identifiers: opaque, unguessable, and ordered by creation time.

A ULID (48-bit millisecond time, 80 random bits, Crockford base32) sorts by time,
which keeps cursor pagination and index locality cheap, while its random part
makes identifiers unguessable (no sequential enumeration of alerts).
"""

from __future__ import annotations

import base64
import os
import time
from functools import lru_cache

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# RFC 4648 base32 and Crockford's differ only in their alphabets: translate one to the other.
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD)


@lru_cache(maxsize=4)
def _time_part(ms: int) -> str:
    """The first 10 characters: 48 bits of milliseconds (the top two bits are zero)."""
    chars = []
    for _ in range(10):
        chars.append(_CROCKFORD[ms & 31])
        ms >>= 5
    return "".join(reversed(chars))


def new_id(now_ms: int | None = None) -> str:
    """A new 26-character ULID: 10 characters of time, 16 of randomness (80 bits)."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    randomness = base64.b32encode(os.urandom(10)).decode("ascii").translate(_FROM_RFC4648)
    return _time_part(ms) + randomness


def is_id(value: str) -> bool:
    return len(value) == 26 and all(c in _CROCKFORD for c in value)
