"""Hits the limit leaves out that the query cannot tell from the last one shown
(``hits.tied_beyond``, ``tied_count``), through the person index."""

from __future__ import annotations

from dataclasses import replace

from tests.search.helpers import person, q

from limes.domain.alerts import Name as N
from limes.search.hits import tied_count
from limes.search.persons import PersonIndex
from limes.search.tiers import Tier

BUI_VU = person([N("Bùi")], [N("Vũ")], "1971-06-02")


def _index() -> PersonIndex:
    """Four alerts for Bùi Vũ 1971-06-02, and one for a Bùi Vũ born 1971."""
    built = PersonIndex()
    built.add_many(
        [*((slot, BUI_VU) for slot in range(4)), (4, replace(BUI_VU, date_of_birth="1971"))]
    )
    return built


def test_the_hits_tied_with_the_last_shown_are_found_beyond_the_limit() -> None:
    found = _index().find(q(["Bùi"], ["Vũ"], "1971-06-02"), limit=2)
    assert len(found.hits) == 2 and len(found.tied) == 2
    assert {h.slot for h in (*found.hits, *found.tied)} == {0, 1, 2, 3}
    assert all(h.beyond_limit and h.shown == found.hits[-1].shown for h in found.tied)
    assert not any(h.beyond_limit for h in found.hits)
    assert tied_count([*found.hits, *found.possible, *found.tied]) == 2


def test_no_hit_is_tied_beyond_a_limit_that_fits_them() -> None:
    built = _index()
    exact = built.find(q(["Bùi"], ["Vũ"], "1971-06-02"), limit=4)
    assert exact.tied == () and [h.slot for h in exact.possible] == [4]  # only the year
    assert built.find(q(["Bùi"], ["Vũ"], "1971-06-02"), limit=10).tied == ()
    found = built.find(q(["Bùi"], ["Vũ"], None), limit=4)  # no date asked: all five alike
    assert len(found.hits) == 4 and [h.slot for h in found.tied] == [4]


def test_tied_count_counts_only_the_hits_alike_the_last_shown() -> None:
    found = _index().find(q(["Bùi"], ["Vũ"], "1971-06-02"), limit=3)
    (last,) = found.tied
    other = replace(last, score=last.score - 0.1)
    assert tied_count([*found.hits, last, other]) == 1
    assert tied_count([last]) == 0  # no hit shown: nothing to be tied with
    assert tied_count([*found.hits, replace(last, tier=Tier.POSSIBLE, beyond_limit=False)]) == 0
