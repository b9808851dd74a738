"""Blind-index tokens: keyed, truncated HMACs of the match keys, the key never shown."""

from __future__ import annotations

import base64
import hmac
import re

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
