"""Blind-index tokens: keyed, truncated HMACs of the match keys, the key never shown."""

from __future__ import annotations

import base64
import hmac
import re

import pytest

from limes.crypto.blind_index import BlindIndex


def test_tokens_are_keyed_truncated_hmacs() -> None:
    index = BlindIndex(b"k" * 32)
    token = index.token("document_number:RU:L898902C3")
    mac = hmac.digest(b"k" * 32, b"document_number:RU:L898902C3", "sha256")
    assert token == "i1." + base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")
    assert re.fullmatch(r"i1\.[A-Za-z0-9_-]{22}", token)
    assert token == index.token("document_number:RU:L898902C3")
    assert token != index.token("document_number:RU:L898902C4")
    assert token != BlindIndex(b"l" * 32).token("document_number:RU:L898902C3")
    assert "L898902C3" not in repr(index) and "kkkk" not in repr(index)


@pytest.mark.parametrize("size", [32, 63, 64, 65, 200])
def test_tokens_are_the_standard_hmac_for_every_key_length(size: int) -> None:
    """A token is RFC 2104's HMAC-SHA-256 of the value, cut to 16 bytes, for keys
    shorter and longer than SHA-256's 64-byte block (hashed first)."""
    key = bytes(range(256))[:size]
    index = BlindIndex(key)
    for value in ("", "person:ivanov|ivan|1980-05", "vin::WVWZZZ1JZXW000001", "ŁÓDŹ ß 漢字"):
        mac = hmac.digest(key, value.encode(), "sha256")
        assert index.token(value) == "i1." + base64.urlsafe_b64encode(mac[:16]).decode()[:22]
    assert index.tokens(["a", "b", "a"]) == {index.token("a"), index.token("b")}
