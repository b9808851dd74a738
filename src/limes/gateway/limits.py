"""Limits at the gateway: a token bucket and a daily quota per external system.

The first of two locks: Limes applies the profile's own rate and quota again for the
gateway's system client (``service/screening.py``). These are the gateway's, per
external system (``[[system]]`` in its configuration), so that one system flooding the
gateway cannot use up what the others may ask. One gateway process holds them in
memory; run one process per host (its systemd unit does).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import date

from limes.clock import Clock


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    day: date
    used: int


class SystemLimits:
    """``admit(system, rate, burst, per_day)``: 0 to go on, or the seconds to wait."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def admit(self, system: str, now: float, rate: float, burst: int, per_day: int) -> int:
        """Take one token of ``system`` at monotonic time ``now``; count it for today."""
        today = self.clock().date()
        with self._lock:
            bucket = self._buckets.get(system)
            if bucket is None:
                bucket = self._buckets[system] = _Bucket(float(burst), now, today, 0)
            if bucket.day != today:
                bucket.day, bucket.used = today, 0
            if bucket.used >= per_day:
                return 3600
            bucket.tokens = min(float(burst), bucket.tokens + max(0.0, now - bucket.at) * rate)
            bucket.at = now
            if bucket.tokens < 1:
                return max(1, math.ceil((1 - bucket.tokens) / rate))
            bucket.tokens -= 1
            bucket.used += 1
            return 0
