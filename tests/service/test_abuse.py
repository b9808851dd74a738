"""The rate limit of each principal (``service/abuse.py``)."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, make_ctx

from limes.config import Limits
from limes.domain.roles import Role
from limes.errors import RateLimited
from limes.service.abuse import UsageMonitor


def test_rate_limit_refills_over_time(clock: FixedClock) -> None:
    monitor = UsageMonitor(clock, Limits(rate_per_second=2, burst=3))
    ctx = make_ctx("DE", Role.BORDER_GUARD)
    for _ in range(3):
        monitor.admit(ctx)
    with pytest.raises(RateLimited) as exc:
        monitor.admit(ctx)
    assert exc.value.retry_after >= 1
    clock.advance(seconds=1)
    monitor.admit(ctx)
    monitor.admit(ctx)
    monitor.admit(
        make_ctx("DE", Role.BORDER_GUARD, user="someone-else")
    )  # buckets are per principal
