"""One numbering of codes per process, and a snapshot's numbering adopted."""

from __future__ import annotations

import numpy as np

from limes.search.codes import Codes


def test_a_code_keeps_its_id_and_an_unknown_one_is_absent() -> None:
    codes = Codes()
    first = codes.add("TRK")
    assert codes.add("TRK") == first
    assert codes.add("MRM") != first
    assert codes.known("TRK", absent=-1) == first
    assert codes.known("SHRF", absent=-1) == -1
    assert codes.known(None, absent=-2) == -2


def test_the_same_numbering_is_adopted_without_a_table() -> None:
    codes = Codes()
    codes.add("TRK")
    assert codes.adopt(codes.export()) is None


def test_another_numbering_is_mapped_to_this_one() -> None:
    theirs = Codes()
    theirs.add("MRM")
    theirs.add("TRK")
    ours = Codes()
    ours.add("TRK")
    table = ours.adopt(theirs.export())
    assert table is not None
    assert table[theirs.known("TRK", -1)] == ours.known("TRK", -1)
    assert table[theirs.known("MRM", -1)] == ours.known("MRM", -1)
    assert np.unique(table[1:]).size == 2


def test_the_codes_numbered_since_a_count_come_in_their_order() -> None:
    """What a process of the build's pool tells its parent (``build_pool.py``)."""
    codes = Codes()
    for code in ("TRK", "MRM", "TRK", "ANA"):
        codes.add(code)
    assert len(codes) == 3
    assert codes.since(0) == ["TRK", "MRM", "ANA"]
    assert codes.since(1) == ["MRM", "ANA"]
    assert [codes.known(c, -1) for c in codes.since(0)] == [1, 2, 3]
