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
        ("1980-06-17", "1980-05-17", dates.OTHER_MONTH, "same year and day, another month"),
        ("1980-06-18", "1980-05-17", dates.SAME_YEAR_ONLY, "same year, month and day differ"),
        # another month and no day on one side to confirm the slip: less than a year alone
        (
            "1974-11-13",
            "1974-02",
            dates.MONTH_UNCONFIRMED,
            "same year, another month, no day to confirm it",
        ),
        (
            "1974-11",
            "1974-02",
            dates.MONTH_UNCONFIRMED,
            "same year, another month, no day to confirm it",
        ),
        ("1950-01-01", "1984-03-17", dates.DISAGREE, "disagree"),
        ("1981-06-17", "1980-05-17", dates.DISAGREE, "disagree"),
        ("1968-05-17", "1980-05-17", dates.DISAGREE, "disagree"),
    ],
)
def test_agreement(query: str, stored: str, score: float, reason: str) -> None:
    found = compare(query, stored)
    assert (found.score, found.reason) == (score, reason)
    # symmetric: which side was typed first does not matter
    assert compare(stored, query).score == score


# The typing slips of issue 14: each keeps an exact-name candidate in the answer.
@pytest.mark.parametrize(
    ("query", "stored", "score", "reason"),
    [
        ("1980-03-15", "1980-03-14", dates.OTHER_DAY, "same year and month, another day"),
        ("1980-04-14", "1980-03-14", dates.OTHER_MONTH, "same year and day, another month"),
        ("1980-01-14", "1980-03-14", dates.OTHER_MONTH, "same year and day, another month"),
        ("1980-12-03", "1980-03-12", dates.SWAPPED, "day and month swapped"),
        ("1908-03-14", "1980-03-14", dates.TRANSPOSED, "two adjacent digits transposed"),
        ("1980-03-21", "1980-03-12", dates.TRANSPOSED, "two adjacent digits transposed"),
        ("1989", "1998-07-02", dates.TRANSPOSED, "two adjacent digits transposed"),
        ("1981-03-14", "1980-03-14", dates.YEAR_OFF_BY_ONE, "year one off, the rest agrees"),
        ("1982-05-17", "1980-05-17", dates.YEAR_MISTYPED, "year 2 off, the rest agrees"),
        ("1970-05-17", "1980-05-17", dates.YEAR_MISTYPED, "year 10 off, the rest agrees"),
        ("1880-05-17", "1980-05-17", dates.YEAR_MISTYPED, "the century differs"),
        ("2080-05", "1980-05-17", dates.YEAR_MISTYPED, "the century differs"),
        ("1930-05-17", "1980-05-17", dates.YEAR_MISTYPED, "one digit of the year differs"),
        ("1984-02-29", "1984-02-28", dates.LEAP_DAY, "a leap day and its neighbour"),
        ("1984-02-29", "1984-03-01", dates.LEAP_DAY, "a leap day and its neighbour"),
    ],
)
def test_typing_slips(query: str, stored: str, score: float, reason: str) -> None:
    for one, other in ((query, stored), (stored, query)):
        found = compare(one, other)
        assert (found.score, found.reason, found.slip) == (score, reason, True)


def test_equal_dates_and_plain_disagreement_are_no_slips() -> None:
    assert not compare("1980-05-17", "1980-05-17").slip
    assert not compare("1980", "1980-05-17").slip
    assert not compare("1950-01-01", "1984-03-17").slip
    assert not compare("1980-06-18", "1980-05-17").slip


def test_a_swap_needs_both_parts_to_be_months() -> None:
    # 13 cannot be a month: 1980-05-13 vs 1980-13-05 is impossible, so another day
    assert compare("1980-05-13", "1980-05-23").reason == "same year and month, another day"


def test_retrieval_years_and_unknown_year() -> None:
    years = years_to_search("1980-05-17")
    assert set(range(1970, 1991)) <= years  # 1 to 10 years off
    assert {1880, 2080, 2980, 1930, 1908, 1890, 9180} <= years  # one digit; digits transposed
    assert 1968 not in years and 1955 not in years
    assert birth_year(None) == 0
    assert birth_year("1975-02") == 1975
