"""The usage counters table: how many alerts each principal read, per day."""

from __future__ import annotations

from limes.store.dialect import Tables


class SqlUsageCounters(Tables):
    """``port.UsageCounters`` in SQL."""

    def add_reads(self, counts: dict[tuple[str, str], int]) -> None:
        """Add read counts per (principal, day) — an upsert both dialects understand."""
        for (principal, day), reads in sorted(counts.items()):
            changed = self.run(
                "UPDATE usage_counters SET reads = reads + ? WHERE principal = ? AND day = ?",
                (reads, principal, day),
            )
            if changed == 0:
                self.run(
                    "INSERT INTO usage_counters (principal, day, reads) VALUES (?, ?, ?)",
                    (principal, day, reads),
                )

    def daily_reads(self, principal: str, since_day: str) -> dict[str, int]:
        rows = self.rows(
            "SELECT day, reads FROM usage_counters WHERE principal = ? AND day >= ? ORDER BY day",
            (principal, since_day),
        )
        return {day: int(reads) for day, reads in rows}
