"""Counts for the annual report: hits, SIRENE workload, response times, overdue items.

Computed from bookkeeping only (categories, states, times): no personal data enters,
so the figures may leave the system as JSON, CSV or charts.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HitRow:
    recorded_at: datetime
    category: str
    executing_state: str
    issuing_state: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    form: str
    from_state: str
    to_state: str
    sent_at: datetime
    reply_due: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Workload:
    state: str
    received: int
    sent: int


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """Seconds from a message expecting a reply to its reply."""

    answered: int
    median_seconds: float | None
    p90_seconds: float | None
    late: int


@dataclass(frozen=True, slots=True)
class Statistics:
    hits: int
    hits_by_category: dict[str, int]
    hits_by_executing_state: dict[str, int]
    hits_by_issuing_state: dict[str, int]
    hits_by_day: dict[str, int]
    messages_by_form: dict[str, int]
    workload: tuple[Workload, ...]
    response_times: ResponseTimes
    overdue: int


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (no interpolation: every figure is a measured one)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


def compute(hits: Iterable[HitRow], messages: Iterable[MessageRow], now: datetime) -> Statistics:
    hit_list = list(hits)
    message_list = list(messages)
    received: Counter[str] = Counter(m.to_state for m in message_list)
    sent: Counter[str] = Counter(m.from_state for m in message_list)
    asked = [m for m in message_list if m.reply_due is not None]
    answered = [m for m in asked if m.answered_at is not None]
    seconds = [(m.answered_at - m.sent_at).total_seconds() for m in answered if m.answered_at]
    late = sum(1 for m in answered if m.answered_at and m.reply_due and m.answered_at > m.reply_due)
    overdue = sum(1 for m in asked if m.answered_at is None and m.reply_due and m.reply_due <= now)
    return Statistics(
        hits=len(hit_list),
        hits_by_category=_sorted(Counter(h.category for h in hit_list)),
        hits_by_executing_state=_sorted(Counter(h.executing_state for h in hit_list)),
        hits_by_issuing_state=_sorted(Counter(h.issuing_state for h in hit_list)),
        hits_by_day=_sorted(Counter(h.recorded_at.date().isoformat() for h in hit_list)),
        messages_by_form=_sorted(Counter(m.form for m in message_list)),
        workload=tuple(
            Workload(state, received[state], sent[state])
            for state in sorted(set(received) | set(sent))
        ),
        response_times=ResponseTimes(
            len(answered), percentile(seconds, 0.5), percentile(seconds, 0.9), late
        ),
        overdue=overdue,
    )


def to_csv(stats: Statistics) -> str:
    """One ``section,key,value`` row per figure (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "key", "value"))
    writer.writerow(("hits", "total", stats.hits))
    for section, counts in (
        ("hits_by_category", stats.hits_by_category),
        ("hits_by_executing_state", stats.hits_by_executing_state),
        ("hits_by_issuing_state", stats.hits_by_issuing_state),
        ("hits_by_day", stats.hits_by_day),
        ("messages_by_form", stats.messages_by_form),
    ):
        for key, value in counts.items():
            writer.writerow((section, key, value))
    for w in stats.workload:
        writer.writerow(("workload_received", w.state, w.received))
        writer.writerow(("workload_sent", w.state, w.sent))
    r = stats.response_times
    writer.writerow(("response_times", "answered", r.answered))
    for key, seconds in (("median_seconds", r.median_seconds), ("p90_seconds", r.p90_seconds)):
        writer.writerow(("response_times", key, "" if seconds is None else seconds))
    writer.writerow(("response_times", "late", r.late))
    writer.writerow(("overdue", "total", stats.overdue))
    return out.getvalue()
