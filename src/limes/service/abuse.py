"""Abuse resistance: a rate limit per principal.

Every request and CLI command of a principal passes ``admit`` (through
``Limes.enter``, every door's way in), a token bucket per principal in this process.
It keeps one caller from taking the server; it does not bound what a caller reads.
That is ``service/reading.py``: distinct alerts opened per hour and per day, per
principal and per authority, and the daily read quota, counted in the shared store
across every worker process and door, and enforced by refusing (and blocking) rather
than by slowing down.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from limes.clock import Clock
from limes.config import Limits
from limes.errors import RateLimited
from limes.policy.permissions import Context


@dataclass(slots=True)
class _Usage:
    tokens: float
    refilled: datetime


class UsageMonitor:
    def __init__(self, clock: Clock, limits: Limits | None = None):
        self.clock = clock
        self.limits = limits or Limits()
        self._usage: dict[str, _Usage] = {}
        self._lock = threading.Lock()

    def _get(self, who: str, now: datetime) -> _Usage:
        usage = self._usage.get(who)
        if usage is None:
            usage = self._usage[who] = _Usage(tokens=self.limits.burst, refilled=now)
        return usage

    def admit(self, ctx: Context) -> None:
        """Let one request through, or raise ``RateLimited`` with the seconds to wait."""
        who, now = str(ctx.principal), self.clock()
        with self._lock:
            usage = self._get(who, now)
            rate = self.limits.rate_per_second
            elapsed = max(0.0, (now - usage.refilled).total_seconds())
            usage.tokens = min(self.limits.burst, usage.tokens + elapsed * rate)
            usage.refilled = now
            if usage.tokens < 1:
                wait = int((1 - usage.tokens) / rate) + 1
                raise RateLimited(f"too many requests from {who}", wait)
            usage.tokens -= 1
