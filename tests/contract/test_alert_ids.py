"""Alert ids as the store holds them (``store/alert_ids.py``): a ULID in 16 bytes that
sort as its text does, any other id as 0xFF and its text, each read back as written."""

from __future__ import annotations

import pytest

from limes.domain.ids import new_id
from limes.store.alert_ids import ULID_BYTES, id_in, id_out

EDGES = [0, 1, 2**40, 2**47, 255 * 2**40 - 1]  # the last one: the last before "7Z"


@pytest.mark.parametrize("ms", EDGES)
def test_a_ulid_is_stored_in_16_bytes_and_read_back(ms: int) -> None:
    alert_id = new_id(ms)
    stored = id_in(alert_id)
    assert len(stored) == ULID_BYTES and stored[0] != 0xFF
    assert id_out(stored) == alert_id
    assert int.from_bytes(stored[:6], "big") == ms  # the time part: its first 48 bits


def test_stored_ulids_sort_as_their_text_does() -> None:
    ids = [new_id(ms) for ms in EDGES] + [new_id() for _ in range(2000)]
    assert [id_out(b) for b in sorted(id_in(i) for i in ids)] == sorted(ids)


@pytest.mark.parametrize(
    "alert_id",
    [
        "A1",
        "",
        "Ünïcode",
        "01m96trchf4y5fnt5m7bmb7fqe",  # lower case: not the spelling new_id gives
        "81M96TRCHF4Y5FNT5M7BMB7FQE",  # more than 128 bits
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",  # its first byte would be 0xFF
        "01M96TRCHF4Y5FNT5M7BMB7FQI",  # I is not Crockford base32
        "0123456789ABCDEF",  # 16 characters: still text, never taken for 16 bytes
    ],
)
def test_any_other_id_is_kept_as_its_text(alert_id: str) -> None:
    stored = id_in(alert_id)
    assert stored == b"\xff" + alert_id.encode("utf-8")
    assert id_out(stored) == alert_id


def test_a_stored_id_of_no_known_form_is_refused() -> None:
    with pytest.raises(ValueError, match="no known form"):
        id_out(b"\x01" * 15)


def test_text_from_before_0028_is_read_as_it_is() -> None:
    assert id_out("01M96TRCHF4Y5FNT5M7BMB7FQE") == "01M96TRCHF4Y5FNT5M7BMB7FQE"
