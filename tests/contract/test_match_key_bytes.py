"""Match keys as the store holds them (``store/match_key_bytes.py``, migration 0026)."""

from __future__ import annotations

import pytest

from limes.crypto.blind_index import BlindIndex
from limes.store.match_key_bytes import key_in, key_out, pack, unpack

TOKENS = BlindIndex(bytes(range(32))).tokens(["person:ivanova|olga|1984-03", "vin::1M8GDM9AXK"])
OTHERS = ["k1", "", "person:ivanova|olga|1984-03", "é" * 20, "i1.0b3XU_p8fliJ7nJayfMKaB"]


def test_a_token_is_stored_as_its_16_bytes_and_any_other_key_as_its_text() -> None:
    for token in TOKENS:
        assert len(key_in(token)) == 17 and key_out(key_in(token)) == token
    for key in OTHERS:  # the last is an "i1." lookalike in no canonical spelling
        assert key_in(key) == b"\x00" + key.encode() and key_out(key_in(key)) == key
    assert len({key_in(k) for k in [*TOKENS, *OTHERS]}) == len(TOKENS) + len(OTHERS)


def test_an_alerts_keys_pack_and_unpack_to_the_same_set() -> None:
    keys = frozenset([*TOKENS, *OTHERS])
    assert unpack(pack(keys)) == keys and unpack(None) == frozenset() == unpack(pack([]))
    assert len(pack(TOKENS)) == 17 * len(TOKENS)


@pytest.mark.parametrize("stored", [b"\x02abc", b"\x01" + bytes(15)])
def test_a_key_of_no_known_form_is_refused(stored: bytes) -> None:
    with pytest.raises(ValueError, match="no known form"):
        key_out(stored)


def test_packed_keys_cut_short_are_refused() -> None:
    with pytest.raises(ValueError, match="truncated"):
        unpack(pack(TOKENS)[:-1])
    with pytest.raises(ValueError, match="no known form"):
        unpack(b"\x07")
