"""Alert identifiers: ULIDs, unguessable and ordered by creation time."""

from __future__ import annotations

from limes.domain.ids import is_id, new_id


def test_ids_are_ulids_ordered_by_time() -> None:
    a, b = new_id(1_000), new_id(2_000)
    assert is_id(a) and is_id(b) and a < b
    assert len({new_id() for _ in range(1000)}) == 1000
    assert not is_id("not-an-id") and not is_id("0" * 25 + "U")
