"""The rate limit of each principal (``service/abuse.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import FixedClock, built, make_ctx

from limes.config import Limits, SettingsError, from_env
from limes.domain.roles import Purpose, Role
from limes.errors import RateLimited
from limes.service.abuse import UsageMonitor
from limes.service.rate_buckets import SharedBuckets, create_shared
from limes.store.port import Store


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


def test_a_system_client_named_has_its_own_rate_shared_by_the_workers(
    clock: FixedClock, tmp_path: Path
) -> None:
    """The gateway's account: its own burst, in the one table every worker shares; a
    person's account of the same name, and every other system client, the general one."""
    table = create_shared()
    try:
        own = {"eu-lisa-gw": Limits(rate_per_second=500.0, burst=100)}
        workers = [
            UsageMonitor(clock, Limits(rate_per_second=20, burst=3), SharedBuckets(table.path), own)
            for _ in range(2)
        ]
        gateway = make_ctx("DE", Role.SYSTEM_CLIENT, user="eu-lisa-gw")
        for i in range(100):  # far past the general burst of 3, across both workers
            workers[i % 2].admit(gateway)
        with pytest.raises(RateLimited):
            workers[0].admit(gateway)  # its own burst is spent, whichever worker asks
        clock.advance(seconds=0.1)
        workers[1].admit(gateway)  # 500/s refills 50 in a tenth of a second
        for other in (
            make_ctx("DE", Role.SYSTEM_CLIENT, user="national-system"),
            make_ctx("DE", Role.BORDER_GUARD, user="eu-lisa-gw"),
        ):
            assert workers[0].limits_of(other) == Limits(rate_per_second=20, burst=3)
            for _ in range(3):
                workers[0].admit(other)
            with pytest.raises(RateLimited):
                workers[1].admit(other)
    finally:
        table.remove()


def test_the_settings_give_the_account_its_rate(clock: FixedClock) -> None:
    settings = from_env(
        {"LIMES_ENV": "development", "LIMES_SYSTEM_CLIENT_RATES": "eu-lisa-gw=600:2400"}
    )
    assert settings.account_limits == {"eu-lisa-gw": Limits(600.0, 2400)}
    for wrong in ("eu-lisa-gw", "gw=0:10", "gw=5:0", "gw=x:1", "GW!=5:5", "gw=5:5,gw=6:6"):
        with pytest.raises(SettingsError, match="LIMES_SYSTEM_CLIENT_RATES"):
            from_env({"LIMES_ENV": "development", "LIMES_SYSTEM_CLIENT_RATES": wrong})


def test_every_door_admits_the_gateway_at_its_own_rate(store: Store, clock: FixedClock) -> None:
    app = built(store, clock, system_client_rates=(("eu-lisa-gw", Limits(600.0, 2400)),))
    gateway = make_ctx("DE", Role.SYSTEM_CLIENT, user="eu-lisa-gw").principal
    for _ in range(2400):  # 40 times the general burst
        app.enter(gateway, Purpose.BORDER_CHECK)
    with pytest.raises(RateLimited):
        app.enter(gateway, Purpose.BORDER_CHECK)
