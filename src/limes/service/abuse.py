"""Abuse resistance: a rate limit per principal.

Every request and CLI command of a principal passes ``admit`` (through
``Limes.enter``, every door's way in), a token bucket per principal: in this process,
or in the table every worker of ``limes serve --workers N`` shares
(``service/rate_buckets.py``), so that a principal has one bucket, not one per worker.
It keeps one caller from taking the server; it does not bound what a caller reads.
A system-client account named in ``LIMES_SYSTEM_CLIENT_RATES`` has a rate and burst of
its own instead of the general one (the gateway of the external systems, whose
screenings each profile bounds again, ``service/screening.py``); the bucket is the
same shared one, so that rate holds across the workers too. A person's account never
gets one, even if named.
That is ``service/reading.py``: distinct alerts opened per hour and per day, per
principal and per authority, and the daily read quota, counted in the shared store
across every worker process and door, and enforced by refusing (and blocking) rather
than by slowing down.
"""

from __future__ import annotations

from collections.abc import Mapping

from limes.clock import Clock
from limes.config import Limits
from limes.domain.roles import Role
from limes.errors import RateLimited
from limes.policy.permissions import Context
from limes.service.rate_buckets import LocalBuckets, SharedBuckets, micros


class UsageMonitor:
    def __init__(
        self,
        clock: Clock,
        limits: Limits | None = None,
        buckets: LocalBuckets | SharedBuckets | None = None,
        accounts: Mapping[str, Limits] | None = None,
    ):
        self.clock = clock
        self.limits = limits or Limits()
        self.buckets = buckets or LocalBuckets()
        self.accounts = dict(accounts or {})

    def limits_of(self, ctx: Context) -> Limits:
        """The general limits, or a system client's own where configured."""
        principal = ctx.principal
        if Role.SYSTEM_CLIENT in principal.roles:
            return self.accounts.get(principal.user_id, self.limits)
        return self.limits

    def admit(self, ctx: Context) -> None:
        """Let one request through, or raise ``RateLimited`` with the seconds to wait."""
        who = str(ctx.principal)
        wait = self.buckets.take(who, micros(self.clock()), self.limits_of(ctx))
        if wait:
            raise RateLimited(f"too many requests from {who}", wait)
