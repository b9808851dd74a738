"""Calendar periods: the same moment some years or months later, a day the target month
lacks falling back to its last day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from limes.domain.periods import add_months, add_years


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 8, 30, 15, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (at(2026, 6, 1), 1, at(2027, 6, 1)),
        (at(2026, 6, 1), -3, at(2023, 6, 1)),
        (at(2024, 2, 29), 1, at(2025, 2, 28)),  # no 29 February: the 28th
        (at(2024, 2, 29), 4, at(2028, 2, 29)),
    ],
)
def test_add_years(start: datetime, years: int, expected: datetime) -> None:
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (at(2026, 6, 15), 1, at(2026, 7, 15)),
        (at(2026, 11, 30), 3, at(2027, 2, 28)),  # the last day of a short month
        (at(2027, 12, 31), 2, at(2028, 2, 29)),  # of February in a leap year
        (at(2026, 1, 31), 3, at(2026, 4, 30)),
        (at(2026, 3, 31), -1, at(2026, 2, 28)),  # backwards, across the year too
        (at(2026, 1, 15), -13, at(2024, 12, 15)),
    ],
)
def test_add_months(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected
