"""Abuse resistance: rate limits, daily quotas and bulk-extraction detection.

Every request of a principal passes ``admit`` (a token bucket per principal, and a
daily quota of alert reads); every alert read passes ``observe``, which looks for the
patterns of someone copying the data out rather than checking travellers:

* far more distinct alerts read in an hour than the principal's own baseline (the
  mean of its daily reads over the last two weeks, spread over an 8-hour shift, times
  ``baseline_factor``, never below ``hourly_floor``);
* long runs of alerts read in identifier order (walking the register).

A pattern raises a security event for the data protection officer and throttles the
principal to ``throttled_rate`` requests a second for ``throttle_seconds``.

Counters live in memory and the daily read counts are written to the store by
``flush`` (the server calls it periodically, and at shutdown), so that quotas and
baselines survive restarts; with several server processes each enforces its own
share of the rate limit, while the stored daily counts add up across them.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from limes.errors import RateLimited
from limes.policy.permissions import Context
from limes.store import security
from limes.store.port import Store
from limes.store.security import SecurityEvent


@dataclass(frozen=True, slots=True)
class Limits:
    rate_per_second: float = 20.0
    burst: int = 60
    daily_reads: int = 20_000
    hourly_floor: int = 600
    baseline_factor: float = 5.0
    sequential_run: int = 50
    throttle_seconds: int = 3600
    throttled_rate: float = 0.2


@dataclass(slots=True)
class _Usage:
    tokens: float
    refilled: datetime
    reads_today: int = 0
    day: str = ""
    unflushed: int = 0
    hour_reads: deque[tuple[datetime, str]] = field(default_factory=deque)
    last_id: str = ""
    run: int = 0
    throttled_until: datetime | None = None
    baseline: float | None = None


class UsageMonitor:
    def __init__(self, store: Store, clock: Callable[[], datetime], limits: Limits | None = None):
        self.store = store
        self.clock = clock
        self.limits = limits or Limits()
        self._usage: dict[str, _Usage] = {}
        self._lock = threading.Lock()

    def _get(self, who: str, now: datetime) -> _Usage:
        usage = self._usage.get(who)
        if usage is None:
            usage = self._usage[who] = _Usage(tokens=self.limits.burst, refilled=now)
        day = now.date().isoformat()
        if usage.day != day:
            usage.day = day
            usage.reads_today = self._stored_reads(who, day)
        return usage

    def _stored_reads(self, who: str, day: str) -> int:
        with self.store.read() as tx:
            return security.daily_reads(tx, who, day).get(day, 0)

    def admit(self, ctx: Context) -> None:
        """Let one request through, or raise ``RateLimited`` with the seconds to wait."""
        who, now = str(ctx.principal), self.clock()
        with self._lock:
            usage = self._get(who, now)
            throttled = usage.throttled_until is not None and now < usage.throttled_until
            rate = self.limits.throttled_rate if throttled else self.limits.rate_per_second
            elapsed = max(0.0, (now - usage.refilled).total_seconds())
            usage.tokens = min(self.limits.burst, usage.tokens + elapsed * rate)
            usage.refilled = now
            if usage.reads_today >= self.limits.daily_reads:
                midnight = datetime.combine(
                    now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo
                )
                raise RateLimited(
                    f"{who} has used its daily quota of {self.limits.daily_reads} alert reads",
                    int((midnight - now).total_seconds()) + 1,
                )
            if usage.tokens < 1:
                wait = int((1 - usage.tokens) / rate) + 1
                reason = " (throttled after a bulk-extraction pattern)" if throttled else ""
                raise RateLimited(f"too many requests from {who}{reason}", wait)
            usage.tokens -= 1

    def observe(self, ctx: Context, alert_ids: Iterable[str]) -> None:
        """Count alerts a principal has read and look for extraction patterns."""
        who, now = str(ctx.principal), self.clock()
        findings: list[tuple[str, dict[str, str]]] = []
        with self._lock:
            usage = self._get(who, now)
            hour_ago = now - timedelta(hours=1)
            for alert_id in alert_ids:
                usage.reads_today += 1
                usage.unflushed += 1
                usage.hour_reads.append((now, alert_id))
                usage.run = usage.run + 1 if alert_id > usage.last_id else 1
                usage.last_id = alert_id
            while usage.hour_reads and usage.hour_reads[0][0] < hour_ago:
                usage.hour_reads.popleft()
            distinct = len({a for _, a in usage.hour_reads})
            limit = self._hourly_limit(who, usage, now)
            if distinct > limit:
                findings.append(
                    (
                        "abuse.bulk_extraction",
                        {"distinct_alerts_last_hour": str(distinct), "limit": str(limit)},
                    )
                )
                usage.hour_reads.clear()
            if usage.run >= self.limits.sequential_run:
                findings.append(("abuse.sequential_reads", {"run": str(usage.run)}))
                usage.run = 0
            if findings:
                usage.throttled_until = now + timedelta(seconds=self.limits.throttle_seconds)
        for kind, detail in findings:
            detail["throttled_until"] = (
                now + timedelta(seconds=self.limits.throttle_seconds)
            ).isoformat()
            with self.store.transaction() as tx:
                security.record_event(
                    tx,
                    SecurityEvent(kind, ctx.principal.member_state, who, now, detail),
                )

    def _hourly_limit(self, who: str, usage: _Usage, now: datetime) -> int:
        if usage.baseline is None:
            since = (now.date() - timedelta(days=14)).isoformat()
            with self.store.read() as tx:
                days = security.daily_reads(tx, who, since)
            past = [n for day, n in days.items() if day != now.date().isoformat()]
            usage.baseline = sum(past) / 14 / 8 if past else 0.0
        return max(self.limits.hourly_floor, int(usage.baseline * self.limits.baseline_factor))

    def is_throttled(self, ctx: Context) -> bool:
        usage = self._usage.get(str(ctx.principal))
        return bool(usage and usage.throttled_until and self.clock() < usage.throttled_until)

    def flush(self) -> None:
        """Write the read counts gathered since the last flush to the store."""
        with self._lock:
            counts = {(who, u.day): u.unflushed for who, u in self._usage.items() if u.unflushed}
            for u in self._usage.values():
                u.unflushed = 0
        if counts:
            with self.store.transaction() as tx:
                security.add_reads(tx, dict(counts))
