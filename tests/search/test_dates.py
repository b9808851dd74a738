"""Date-of-birth agreement with the tolerances of real data entry."""

from __future__ import annotations

import pytest

from limes.search import dates
from limes.search.dates import birth_year, compare, years_to_search


@pytest.mark.parametrize(
    ("query", "stored", "score", "reason"),
    [
        ("1980-05-17", "1980-05-17", dates.EQUAL, "equal"),
        ("1980", "1980-05-17", dates.LESS_KNOWN, "equal as far as both are known"),
        ("1980-05-17", "1980-05", dates.LESS_KNOWN, "equal as far as both are known"),
        ("1980-05", "1980", dates.LESS_KNOWN, "equal as far as both are known"),
        ("1980-05-07", "1980-07-05", dates.SWAPPED, "day and month swapped"),
        ("1981-05-17", "1980-05-17", dates.YEAR_OFF_BY_ONE, "year one off, the rest agrees"),
        ("1979", "1980-05-17", dates.YEAR_OFF_BY_ONE, "year one off, the rest agrees"),
        ("1980-05-18", "1980-05-17", dates.OTHER_DAY, "same year and month, another day"),
        ("1980-06-17", "1980-05-17", dates.OTHER_MONTH, "same year, another month"),
        ("1982-05-17", "1980-05-17", dates.DISAGREE, "disagree"),
        ("1981-06-17", "1980-05-17", dates.DISAGREE, "disagree"),
    ],
)
def test_agreement(query: str, stored: str, score: float, reason: str) -> None:
    found = compare(query, stored)
    assert (found.score, found.reason) == (score, reason)
    # symmetric: which side was typed first does not matter
    assert compare(stored, query).score == score


def test_a_swap_needs_both_parts_to_be_months() -> None:
    # 13 cannot be a month: 1980-05-13 vs 1980-13-05 is impossible, so another day
    assert compare("1980-05-13", "1980-05-31").reason == "same year and month, another day"


def test_retrieval_years_and_unknown_year() -> None:
    assert years_to_search("1980-05-17") == (1979, 1980, 1981)
    assert birth_year(None) == 0
    assert birth_year("1975-02") == 1975
