"""Refusals at the door (401, 403, 429) recorded in the audit log, floods folded.

A use case records its own refusals (``service/audited.py``). A request refused before it
reaches one (no or a forged or expired token, a rate limit, the login limits) is
recorded here, by the door, so that every refused access is on record. A flood must
not fill the log, nor cost a durable append per request: per (kind, client address,
principal) and minute the first ``full_per_minute`` refusals are recorded in full,
the rest only counted, and the count is written as one summary record once the
minute is over (at the next refusal after it, or when the server stops). At most
``full_total_per_minute`` are recorded in full a minute in all, and a key first seen
after that, or beyond ``max_keys`` keys, shares one overflow key: addresses are
cheap, so neither the records a minute writes nor the memory grows with them.

The budget holds for every worker together (issue 13): with ``limes serve --workers N``
the records in full are counted in the table the workers share for their rate limits
(``SharedBuckets.count``, ``service/rate_buckets.py``), so a flood spread over the
workers writes no more in full than one worker would. What a worker folded it counts
itself and writes in its own summary, so a key has at most one summary a minute per
worker. One process (the CLI, the tests) counts in ``LocalCounts``. Texts taken from
the request (the path) are cut and have their control characters escaped before they
are recorded.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from limes.audit.record import Actor, Entry, Outcome
from limes.clock import Clock
from limes.errors import LimesError
from limes.policy.permissions import Principal
from limes.service.recorder import Recorder, is_recorded

FULL_PER_MINUTE = 10
MAX_KEYS = 1_000
FULL_TOTAL_PER_MINUTE = 100
MAX_TEXT = 200
OVERFLOW = "*"

log = logging.getLogger("limes.audit")


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused request, as the door saw it."""

    error: LimesError
    status: int
    client: str | None
    method: str
    path: str
    principal: Principal | None = None


@dataclass(slots=True)
class _Window:
    action: str
    actor: Actor
    client: str
    status: int
    written: int = 0
    folded: int = 0


def _printable(text: str) -> str:
    """Control characters (NUL included) escaped, then cut to ``MAX_TEXT`` characters."""
    escaped = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:MAX_TEXT])
    return escaped[:MAX_TEXT]


def _actor(who: Principal | None) -> Actor:
    if who is None:
        return Actor()
    roles = tuple(sorted(who.roles))
    return Actor(who.user_id, who.authority, who.member_state, roles, who.session_id)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class Counts(Protocol):
    def count(self, name: str, minute: int, most: int, total: int) -> tuple[bool, bool]:
        """Count one for ``name`` in ``minute`` unless it or the minute's total reached
        its most: (counted, the total is reached)."""
        ...


class LocalCounts:
    """The budget counted in this process only (one process: the CLI, the tests)."""

    def __init__(self) -> None:
        self._minute = -1
        self._total = 0
        self._counts: dict[str, int] = {}

    def count(self, name: str, minute: int, most: int, total: int) -> tuple[bool, bool]:
        if minute != self._minute:
            self._minute, self._total = minute, 0
            self._counts.clear()
        if self._total >= total:
            return False, True
        n = self._counts.get(name, 0)
        if n >= most:
            return False, False
        self._counts[name] = n + 1
        self._total += 1
        return True, self._total >= total


class DoorRefusals:
    def __init__(
        self,
        recorder: Recorder,
        clock: Clock,
        *,
        full_per_minute: int = FULL_PER_MINUTE,
        max_keys: int = MAX_KEYS,
        full_total_per_minute: int = FULL_TOTAL_PER_MINUTE,
        counts: Counts | None = None,
    ) -> None:
        self.recorder = recorder
        self.clock = clock
        self.full_per_minute = full_per_minute
        self.max_keys = max_keys
        self.full_total_per_minute = full_total_per_minute
        self.counts = counts or LocalCounts()
        self._spent = False  # the minute's total in full is reached (as last counted)
        self._minute: datetime | None = None
        self._windows: dict[tuple[str, str, str], _Window] = {}
        self._lock = threading.Lock()

    def record(self, refusal: Refusal) -> None:
        """Record one refusal in full, or count it; write the summaries of past minutes.

        A failed append is logged, never raised: the refusal stands either way, and it
        gave nothing away. One the use case recorded itself is not recorded twice.
        """
        if is_recorded(refusal.error):
            return
        now = self.clock()
        minute = _minute(now)
        action = f"door:{refusal.error.slug}"
        client = _printable(refusal.client or "unknown")
        who = "" if refusal.principal is None else str(refusal.principal)
        with self._lock:
            entries = self._summaries() if minute != self._minute else []
            self._minute = minute
            key = (action, client, who)
            crowded = len(self._windows) >= self.max_keys
            if key not in self._windows and (self._spent or crowded):
                key = (action, OVERFLOW, OVERFLOW)
            window = self._windows.get(key)
            if window is None:
                # the overflow counts many principals: its summary names none of them
                one = None if key[1] == OVERFLOW else refusal.principal
                window = _Window(action, _actor(one), key[1], refusal.status)
                self._windows[key] = window
            full, self._spent = self.counts.count(
                "\x1f".join(key),
                int(minute.timestamp()) // 60,
                self.full_per_minute,
                self.full_total_per_minute,
            )
            if full:
                window.written += 1
                entries.append(self._full(action, client, refusal))
            else:
                window.folded += 1
        self._append(entries)

    def flush(self) -> None:
        """Write the summaries of every window now (the server is stopping)."""
        with self._lock:
            entries = self._summaries()
            self._minute = None
        self._append(entries)

    def _full(self, action: str, client: str, refusal: Refusal) -> Entry:
        detail = getattr(refusal.error, "cause", None) or refusal.error.detail
        return Entry(
            action=action,
            outcome=Outcome.REFUSED,
            actor=_actor(refusal.principal),
            reason=f"{refusal.error.slug}: {_printable(detail)}",
            refs={
                "status": refusal.status,
                "client": client,
                "method": _printable(refusal.method),
                "path": _printable(refusal.path),
            },
        )

    def _summaries(self) -> list[Entry]:
        """One record per window that folded refusals; the windows are then closed."""
        minute = self._minute
        entries = [
            Entry(
                action=w.action,
                outcome=Outcome.REFUSED,
                actor=w.actor,
                reason=f"{w.folded} more refusals of this kind from this client in the "
                f"minute, counted, not recorded one by one",
                refs={
                    "status": w.status,
                    "client": w.client,
                    "minute": minute.isoformat() if minute else None,
                    "recorded": w.written,
                    "folded": w.folded,
                },
            )
            for w in self._windows.values()
            if w.folded
        ]
        self._windows.clear()
        self._spent = False
        return entries

    def _append(self, entries: list[Entry]) -> None:
        if not entries:
            return
        try:
            self.recorder.append(entries)
        except Exception:
            log.exception("%d refusal record(s) at the door not recorded", len(entries))
