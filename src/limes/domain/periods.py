"""Calendar periods: the same moment some years or some months later.

Review periods are whole years and the expiry warning whole months (``ReviewRules``);
a day the target month lacks falls back to its last day.
"""

from __future__ import annotations

from datetime import datetime


def add_years(moment: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` later (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")
