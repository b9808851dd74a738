"""Alert identifiers: opaque, unguessable, and ordered by creation time.

A ULID (48-bit millisecond time, 80 random bits, Crockford base32) sorts by time,
which keeps cursor pagination and index locality cheap, while its random part
makes identifiers unguessable (no sequential enumeration of alerts).
"""

from __future__ import annotations

import os
import time
from functools import lru_cache

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_TIME = 10
"""The characters of an id that hold its time; the 16 after them are random."""
_SHIFTS = tuple(range(75, -1, -5))  # the random part's characters, most significant first


@lru_cache(maxsize=4)
def _time_part(ms: int) -> str:
    """The first 10 characters: 48 bits of milliseconds (the top two bits are zero)."""
    chars = []
    for _ in range(ID_TIME):
        chars.append(_CROCKFORD[ms & 31])
        ms >>= 5
    return "".join(reversed(chars))


def new_id(now_ms: int | None = None) -> str:
    """A new 26-character ULID: 10 characters of time, 16 of randomness (80 bits)."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    bits = int.from_bytes(os.urandom(10), "big")  # 80 bits, 16 characters of 5 bits
    return _time_part(ms) + "".join([_CROCKFORD[(bits >> shift) & 31] for shift in _SHIFTS])


def is_id(value: str) -> bool:
    return len(value) == 26 and all(c in _CROCKFORD for c in value)
