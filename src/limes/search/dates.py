"""How two dates of birth agree, with the tolerances that data entry produces.

Dates are the domain's partial ISO 8601 form (``1980``, ``1980-05``, ``1980-05-17``;
``00`` parts are unknown and already removed by ``normalize_partial_date``). The
comparison answers a score in [0, 1], the reason, so the officer sees why, and whether
the difference is a **typing slip** — one of the ways a date is keyed wrong at a
counter or read wrong off a document. A slip never removes an exact-name candidate from
the answer (``tiers.py`` puts it among the possible matches at least):

* equal as far as both are known — 1.0 (``1980-05-17`` / ``1980-05-17``), or 0.9 when
  one side knows less (``1980`` / ``1980-05-17``);
* a leap day against its neighbours (29 February / 28 February or 1 March of the same
  year: where a register cannot hold 29 February it writes one of them) — 0.85;
* day and month swapped (only possible where both are at most 12) — 0.85;
* two adjacent digits transposed (``1980`` / ``1908``, ``12`` / ``21``) — 0.75;
* the year one off, the rest equal or unknown — 0.75 (a keying slip, or the year of a
  birth late in December recorded as the next);
* the same year and month with another day, or the same year and day with another
  month — 0.6 (a possible match even for an exact name, ``tiers.py``);
* the same year with another month where one side holds no day to confirm the slip
  (``1974-11-13`` / ``1974-02``) — 0.4 (``UNCONFIRMED``): nothing beside the year
  agrees (issue 14's namesakes: an exact name so dated was a hit at 0.80);
* the year 2 to 10 off, or one digit of the year mistyped (the century or decade
  digit: ``1980`` / ``2080`` / ``1930``), the rest equal — 0.45;
* the same year, but month and day both differ — 0.3 (not a slip: two mistakes);
* anything else disagrees — 0.0.

Retrieval uses ``years_to_search``: every year a slip of the query's year could have
been keyed as.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

EQUAL = 1.0
LESS_KNOWN = 0.9
LEAP_DAY = 0.85
SWAPPED = 0.85
TRANSPOSED = 0.75
YEAR_OFF_BY_ONE = 0.75
OTHER_DAY = 0.6
OTHER_MONTH = 0.6
UNCONFIRMED = 0.4
"""A slip nothing beside it confirms: below a whole date's mistyped year (its day and
month agreeing), so that among possible matches the date a slip away comes first."""
MONTH_UNCONFIRMED = UNCONFIRMED
YEAR_MISTYPED = 0.45
SAME_YEAR_ONLY = 0.3
DISAGREE = 0.0

MAX_YEARS_OFF = 10
"""A year this far off, the rest agreeing, is still read as a slip (1–10 years)."""

_LEAP_NEIGHBOURS = frozenset({((2, 29), (2, 28)), ((2, 29), (3, 1))})


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    @functools.lru_cache(maxsize=65536)  # a few tens of thousands of distinct dates
    def parse(cls, value: str) -> PartialDate:
        """A canonical partial date (validated by the domain before it gets here)."""
        parts = [int(p) for p in value.split("-")]
        padded: list[int | None] = [*parts[1:], None, None]
        return cls(parts[0], padded[0], padded[1])

    def digits(self, precision: int) -> str:
        """The first ``precision`` parts (1 year, 2 with month, 3 with day) as digits."""
        parts = (f"{self.year:04d}", f"{self.month or 0:02d}", f"{self.day or 0:02d}")
        return "".join(parts[:precision])


@dataclass(frozen=True, slots=True)
class DateAgreement:
    score: float
    reason: str
    slip: bool = False
    """The dates differ by one typing slip (not equal, not plainly different)."""


def _same_where_known(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _precision(q: PartialDate, s: PartialDate) -> int:
    if q.month is None or s.month is None:
        return 1
    return 2 if q.day is None or s.day is None else 3


def _transposed(a: str, b: str) -> bool:
    """``b`` is ``a`` with one pair of adjacent, different digits swapped."""
    if len(a) != len(b) or a == b:
        return False
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and (a[differ[0]], a[differ[1]]) == (b[differ[1]], b[differ[0]])
    )


def _one_digit_apart(a: int, b: int) -> bool:
    x, y = f"{a:04d}", f"{b:04d}"
    return len(x) == len(y) and sum(c != d for c, d in zip(x, y, strict=True)) == 1


def _same_year(q: PartialDate, s: PartialDate) -> DateAgreement:
    month_known = q.month is not None and s.month is not None
    day_known = q.day is not None and s.day is not None
    if _same_where_known(q.month, s.month) and (not month_known or _same_where_known(q.day, s.day)):
        if (q.month, q.day) == (s.month, s.day):
            return DateAgreement(EQUAL, "equal")
        return DateAgreement(LESS_KNOWN, "equal as far as both are known")
    if day_known:
        pair = ((q.month, q.day), (s.month, s.day))
        if pair in _LEAP_NEIGHBOURS or pair[::-1] in _LEAP_NEIGHBOURS:
            return DateAgreement(LEAP_DAY, "a leap day and its neighbour", slip=True)
        if (q.month, q.day) == (s.day, s.month):
            return DateAgreement(SWAPPED, "day and month swapped", slip=True)
        if _transposed(q.digits(3), s.digits(3)):
            return DateAgreement(TRANSPOSED, "two adjacent digits transposed", slip=True)
    if month_known and q.month == s.month:
        return DateAgreement(OTHER_DAY, "same year and month, another day", slip=True)
    if day_known and q.day == s.day:
        return DateAgreement(OTHER_MONTH, "same year and day, another month", slip=True)
    if not day_known:  # the months differ and no day can confirm the slip
        return DateAgreement(
            MONTH_UNCONFIRMED, "same year, another month, no day to confirm it", slip=True
        )
    return DateAgreement(SAME_YEAR_ONLY, "same year, month and day differ")


def compare(query: str, stored: str) -> DateAgreement:
    q, s = PartialDate.parse(query), PartialDate.parse(stored)
    if q.year == s.year:
        return _same_year(q, s)
    precision = _precision(q, s)
    if _transposed(q.digits(precision), s.digits(precision)):
        return DateAgreement(TRANSPOSED, "two adjacent digits transposed", slip=True)
    rest_agrees = _same_where_known(q.month, s.month) and (
        q.month is None or s.month is None or _same_where_known(q.day, s.day)
    )
    if not rest_agrees:
        return DateAgreement(DISAGREE, "disagree")
    off = abs(q.year - s.year)
    if off == 1:
        return DateAgreement(YEAR_OFF_BY_ONE, "year one off, the rest agrees", slip=True)
    if off <= MAX_YEARS_OFF:
        return DateAgreement(YEAR_MISTYPED, f"year {off} off, the rest agrees", slip=True)
    if off == 100:  # 19xx keyed as 20xx or 18xx
        return DateAgreement(YEAR_MISTYPED, "the century differs", slip=True)
    if _one_digit_apart(q.year, s.year):
        return DateAgreement(YEAR_MISTYPED, "one digit of the year differs", slip=True)
    return DateAgreement(DISAGREE, "disagree")


@functools.lru_cache(maxsize=4096)
def years_to_search(query: str) -> frozenset[int]:
    """Every year of birth a slip of the query's year could have been keyed as: 1 to
    ``MAX_YEARS_OFF`` off, one digit changed, two adjacent digits transposed."""
    year = PartialDate.parse(query).year
    found = set(range(year - MAX_YEARS_OFF, year + MAX_YEARS_OFF + 1)) | {year - 100, year + 100}
    text = f"{year:04d}"
    for i in range(len(text)):
        for digit in "0123456789":
            found.add(int(text[:i] + digit + text[i + 1 :]))
        if i + 1 < len(text):
            found.add(int(text[:i] + text[i + 1] + text[i] + text[i + 2 :]))
    return frozenset(y for y in found if y > 0)


def birth_year(value: str | None) -> int:
    """The year of a stored date of birth, 0 when unknown."""
    return PartialDate.parse(value).year if value else 0
