"""A token bucket and a daily quota per external system."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FixedClock

from limes.gateway.limits import SystemLimits


def test_a_burst_then_the_rate() -> None:
    limits = SystemLimits(FixedClock())
    assert [limits.admit("etias", 0.0, 1.0, 3, 100) for _ in range(4)] == [0, 0, 0, 1]
    assert limits.admit("etias", 1.0, 1.0, 3, 100) == 0  # one token a second
    assert limits.admit("ees", 1.0, 1.0, 3, 100) == 0  # each system its own bucket


def test_the_wait_is_rounded_up_to_whole_seconds() -> None:
    limits = SystemLimits(FixedClock())
    limits.admit("vis", 0.0, 0.1, 1, 100)
    assert limits.admit("vis", 0.0, 0.1, 1, 100) == 10


def test_the_daily_quota_resets_the_next_day() -> None:
    clock = FixedClock()
    limits = SystemLimits(clock)
    assert [limits.admit("esp", 0.0, 100.0, 10, 2) for _ in range(3)] == [0, 0, 3600]
    clock.advance(timedelta(days=1))
    assert limits.admit("esp", 10.0, 100.0, 10, 2) == 0
