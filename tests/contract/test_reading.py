"""``tx.read_blocks`` and ``tx.read_ledger`` behave alike on every store: the blocks in
force and lifted, and the alerts each scope opened (``tests/service`` holds the read
bounds built on them).
"""

from __future__ import annotations

from tests.contract.test_grants import MINUTE, T0
from tests.store_peek import peek

from limes.store.port import BlockRow, Store
from limes.store.sqlite import SqliteStore


def test_read_blocks_and_the_read_ledger(store: Store) -> None:
    block = BlockRow("B1", "p1", "DE", "p1@BPOL/DE", "day", 101, T0)
    with store.transaction() as tx:
        tx.read_blocks.put(block)
        tx.read_blocks.put(BlockRow("B2", "p2", "FR", "p2@X/FR", "hour", 11, T0))
        tx.read_ledger.remember({"p1", "DE"}, ["A1", "A2"], T0, T0 - 60 * MINUTE)
        tx.read_ledger.remember({"p1"}, ["A2", "A3"], T0 + 30 * MINUTE, T0 - 60 * MINUTE)
        tx.usage_counters.add_reads({("p1", "2026-06-01"): 2})
        tx.usage_counters.add_reads({("p1", "2026-06-01"): 3, ("p1", "2026-06-02"): 1})
    with store.read() as tx:
        assert tx.read_blocks.in_force(["p1", "p3"]) == [block]
        assert tx.read_blocks.get("B1") == block
        assert tx.read_blocks.of_state("DE", in_force_only=True, limit=10) == [block]
        opened = tx.read_ledger.opened({"p1", "DE"}, T0 + 10 * MINUTE, T0 - MINUTE)
        assert {s: (o.hour, o.day) for s, o in opened.items()} == {"p1": (1, 3), "DE": (0, 2)}
        known = tx.read_ledger.already_opened({"p1", "DE"}, ["A3", "A9"], T0 - MINUTE)
        assert known == {"p1": 1, "DE": 0}
        assert tx.usage_counters.daily_reads("p1", "2026-06-02") == {"2026-06-02": 1}
        assert tx.usage_counters.daily_reads("p1", "2026-06-01")["2026-06-01"] == 5
    with store.transaction() as tx:
        assert tx.read_blocks.lift("B1", "dpo", T0 + MINUTE, "checked")
        assert not tx.read_blocks.lift("B1", "dpo", T0 + MINUTE, "again")
        assert tx.read_ledger.forget("DE") == 2
        assert tx.read_ledger.prune(T0) == 2  # p1's A1 and A2; A3 came later
    with store.read() as tx:
        assert tx.read_blocks.in_force(["p1"]) == []
        lifted = tx.read_blocks.get("B1")
        assert lifted is not None and (lifted.lifted_by, lifted.lift_reason) == ("dpo", "checked")
        assert tx.read_blocks.of_state("DE", in_force_only=False, limit=10) == [lifted]


def test_pruning_the_ledger_reads_only_the_rows_it_deletes(sqlite_store: SqliteStore) -> None:
    """The pruning job's DELETE holds the write lock: over a ledger read whole it stalled
    every search and alert read counting its hits (issue 13; migration 0025)."""
    with sqlite_store.read() as tx:
        plan = peek(tx).rows(
            "EXPLAIN QUERY PLAN DELETE FROM read_ledger WHERE first_read_at <= ?", (T0,)
        )
    assert any("SEARCH" in str(step) and "read_ledger_by_first_read" in str(step) for step in plan)
