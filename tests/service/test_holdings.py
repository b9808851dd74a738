"""``Holdings``: the count of stored alerts the CLI shows, which writes no audit record."""

from __future__ import annotations

from tests.conftest import FixedClock, built, make_ctx, memory_audit
from tests.factories import PERSON, content

from limes.store.sqlite import SqliteStore


def test_it_counts_every_alert_stored_and_records_nothing(
    sqlite_store: SqliteStore, clock: FixedClock
) -> None:
    audit = memory_audit(clock)
    limes = built(sqlite_store, clock, audit=audit)
    assert limes.holdings.alerts() == 0
    limes.alerts.issue(make_ctx("DE"), content(PERSON))
    recorded = audit.size()
    assert limes.holdings.alerts() == 1
    assert audit.size() == recorded
