"""How two dates of birth agree, with the tolerances that data entry produces.

Dates are the domain's partial ISO 8601 form (``1980``, ``1980-05``, ``1980-05-17``;
``00`` parts are unknown and already removed by ``normalize_partial_date``). The
comparison answers a score in [0, 1] and the reason, so the officer sees why:

* equal as far as both are known — 1.0 (``1980-05-17`` / ``1980-05-17``), or 0.9 when
  one side knows less (``1980`` / ``1980-05-17``);
* day and month swapped (only possible where both are at most 12) — 0.85;
* the year one off, the rest equal or unknown — 0.75 (a keying slip, or the year of a
  birth late in December recorded as the next);
* the same year and month with another day — 0.6, the same year with another month —
  0.45;
* anything else disagrees — 0.0.

Retrieval uses ``years_to_search``: a query born in Y looks at Y-1, Y and Y+1.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

EQUAL = 1.0
LESS_KNOWN = 0.9
SWAPPED = 0.85
YEAR_OFF_BY_ONE = 0.75
OTHER_DAY = 0.6
OTHER_MONTH = 0.45
DISAGREE = 0.0


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


@dataclass(frozen=True, slots=True)
class DateAgreement:
    score: float
    reason: str


def _same_where_known(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def compare(query: str, stored: str) -> DateAgreement:
    q, s = PartialDate.parse(query), PartialDate.parse(stored)
    month_known = q.month is not None and s.month is not None
    day_known = q.day is not None and s.day is not None
    if q.year == s.year:
        if _same_where_known(q.month, s.month) and (
            not month_known or _same_where_known(q.day, s.day)
        ):
            if (q.month, q.day) == (s.month, s.day):
                return DateAgreement(EQUAL, "equal")
            return DateAgreement(LESS_KNOWN, "equal as far as both are known")
        if day_known and (q.month, q.day) == (s.day, s.month):
            return DateAgreement(SWAPPED, "day and month swapped")
        if month_known and q.month == s.month:
            return DateAgreement(OTHER_DAY, "same year and month, another day")
        return DateAgreement(OTHER_MONTH, "same year, another month")
    if abs(q.year - s.year) == 1 and _same_where_known(q.month, s.month):
        if not month_known or _same_where_known(q.day, s.day):
            return DateAgreement(YEAR_OFF_BY_ONE, "year one off, the rest agrees")
    return DateAgreement(DISAGREE, "disagree")


def years_to_search(query: str) -> tuple[int, int, int]:
    year = PartialDate.parse(query).year
    return year - 1, year, year + 1


def birth_year(value: str | None) -> int:
    """The year of a stored date of birth, 0 when unknown."""
    return PartialDate.parse(value).year if value else 0
