"""Alert identifiers: opaque, unguessable, and ordered by creation time.

A ULID (48-bit millisecond time, 80 random bits, Crockford base32) sorts by time,
which keeps cursor pagination and index locality cheap, while its random part
makes identifiers unguessable (no sequential enumeration of alerts).
"""

from __future__ import annotations

import os
import re
import time
from functools import lru_cache

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_TIME = 10
"""The characters of an id that hold its time; the 16 after them are random."""
ULID_BYTES = 16
_ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}\Z")
_TO_INT32 = str.maketrans(_CROCKFORD, "0123456789abcdefghijklmnopqrstuv")
# two characters per 10 bits: 13 pairs spell 130 bits (the top two zero), read at start-up
# for every alert, so a table look-up per pair rather than 26 shifts
_PAIRS = tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)
_PAIR_SHIFTS = tuple(range(120, -1, -10))
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


_ID_CHARACTERS = frozenset(_CROCKFORD)


def is_id(value: str) -> bool:
    # a set's superset test runs in C: a third of the CPU of a generator over the 26
    # characters, and every alert read asks it twice (issue 13)
    return len(value) == 26 and _ID_CHARACTERS.issuperset(value)


def ulid_bytes(alert_id: str) -> bytes | None:
    """A ULID's 16 bytes, big-endian (they sort as the ids do); None for any other id."""
    if not _ULID.match(alert_id):
        return None
    return int(alert_id.translate(_TO_INT32), 32).to_bytes(ULID_BYTES, "big")


def ulid_text(raw: bytes) -> str:
    """The 26-character ULID of its 16 bytes (``ulid_bytes`` reversed)."""
    n = int.from_bytes(raw, "big")
    return "".join([_PAIRS[(n >> shift) & 0x3FF] for shift in _PAIR_SHIFTS])
