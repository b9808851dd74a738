"""The one clock (clock.py): the real one tells the time aware and in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from limes.clock import Clock, utc_now


def test_the_real_clock_is_aware_and_in_utc() -> None:
    clock: Clock = utc_now
    before = datetime.now(UTC)
    now = clock()
    assert now.tzinfo is UTC and before <= now <= datetime.now(UTC)
