"""Blind-index tokens: keyed hashes of normalised match keys, so lookups need no plaintext.

A match key (``domain/match_keys.py``: ``person:ivanov|ivan|1980-05``,
``document_number:RU:L898902C3``, ``vin::WVWZZZ1JZXW000001`` …) is already
normalised; its token is

    "i1." + base64url(HMAC-SHA-256(K_purpose, UTF-8 key)[:16])   (no padding)

128 bits of the HMAC: collisions among billions of keys stay far below one in a
million, and the token says nothing of the key without ``K_purpose``. The key is
derived from the keyring's index secret (``Keyring.index_key``), one per purpose,
and is never stored in the database; ``i1.`` names the index-key generation so
tokens can be recomputed under a new one later. Equal keys give equal tokens, so
the compatibility check (``Alerts.find_by_keys``) works unchanged on tokens.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

MATCH_KEYS = "match-keys"
PREFIX = "i1."
TOKEN_BYTES = 16


_BLOCK = hashlib.sha256().block_size
_INNER = bytes.maketrans(bytes(range(256)), bytes(b ^ 0x36 for b in range(256)))
_OUTER = bytes.maketrans(bytes(range(256)), bytes(b ^ 0x5C for b in range(256)))


class BlindIndex:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a blind-index key has at least 256 bits")
        # HMAC-SHA-256 (RFC 2104) keyed once: each token copies the two prepared hash
        # states, H((K ^ opad) || H((K ^ ipad) || m)), in C; ``hmac.HMAC.copy`` does the
        # same through a Python object a token (the bulk load makes millions)
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_INNER))
        self._outer = hashlib.sha256(key.translate(_OUTER))

    def __repr__(self) -> str:
        return "BlindIndex(<key hidden>)"

    def token(self, value: str) -> str:
        inner = self._inner.copy()
        inner.update(value.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        digest = outer.digest()[:TOKEN_BYTES]
        return PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def tokens(self, values: Iterable[str]) -> frozenset[str]:
        return frozenset(self.token(v) for v in values)
