"""Abuse resistance: a rate limit per principal.

Every request and CLI command of a principal passes ``admit`` (through
``Limes.enter``, every door's way in), a token bucket per principal: in this process,
or in the table every worker of ``limes serve --workers N`` shares
(``service/rate_buckets.py``), so that a principal has one bucket, not one per worker.
It keeps one caller from taking the server; it does not bound what a caller reads.
That is ``service/reading.py``: distinct alerts opened per hour and per day, per
principal and per authority, and the daily read quota, counted in the shared store
across every worker process and door, and enforced by refusing (and blocking) rather
than by slowing down.
"""

from __future__ import annotations

from limes.clock import Clock
from limes.config import Limits
from limes.errors import RateLimited
from limes.policy.permissions import Context
from limes.service.rate_buckets import LocalBuckets, SharedBuckets, micros


class UsageMonitor:
    def __init__(
        self,
        clock: Clock,
        limits: Limits | None = None,
        buckets: LocalBuckets | SharedBuckets | None = None,
    ):
        self.clock = clock
        self.limits = limits or Limits()
        self.buckets = buckets or LocalBuckets()

    def admit(self, ctx: Context) -> None:
        """Let one request through, or raise ``RateLimited`` with the seconds to wait."""
        who = str(ctx.principal)
        wait = self.buckets.take(who, micros(self.clock()), self.limits)
        if wait:
            raise RateLimited(f"too many requests from {who}", wait)
