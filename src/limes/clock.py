"""The one clock: what a component that needs the time is given, and the real one.

A service, the policy, the audit log and the key store take a ``Clock`` and call it
for "now", so that tests hold time still (``tests/conftest.py``: ``FixedClock``) and
one process answers with one notion of time. Times are always aware and in UTC: a
naive datetime compared with a stored one would raise, or worse, be off by hours.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that, called without arguments, gives the current time (aware, UTC)."""

    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    """The real clock: the current time, aware, in UTC."""
    return datetime.now(UTC)
