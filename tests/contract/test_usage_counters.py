"""``tx.usage_counters`` behaves alike on every store: reads added up per principal and
day, and read back from a day on."""

from __future__ import annotations

from limes.store.port import Store


def test_reads_add_up_per_principal_and_day(store: Store) -> None:
    with store.transaction() as tx:
        tx.usage_counters.add_reads({("p1", "2026-06-01"): 2, ("p2", "2026-06-01"): 7})
    with store.transaction() as tx:
        tx.usage_counters.add_reads({("p1", "2026-06-01"): 3, ("p1", "2026-06-03"): 1})
    with store.read() as tx:
        assert tx.usage_counters.daily_reads("p1", "2026-06-01") == {
            "2026-06-01": 5,
            "2026-06-03": 1,
        }
        assert tx.usage_counters.daily_reads("p1", "2026-06-02") == {"2026-06-03": 1}
        assert tx.usage_counters.daily_reads("p2", "2026-01-01") == {"2026-06-01": 7}
        assert tx.usage_counters.daily_reads("nobody", "2026-01-01") == {}
