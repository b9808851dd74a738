"""Tables of bounded reading: the read ledger, its counts and the read blocks
(migrations 0006, 0021).

The ledger holds, per *scope* (a principal, or an authority of a member state), each
alert the scope opened within the last day and when it first did. The rows a scope can
hold are bounded by its own daily bound (past it, the scope is blocked and reads
nothing more). Every function runs inside the caller's transaction; the service checks,
counts and records one answer in one write transaction, which both adapters serialise
with every other writer, so the bound holds across processes.

**Counts** (``read_counts``, issue 13). Counting a scope's distinct alerts in a sliding
window as a range count over its ledger rows costs as many rows as the scope opened that
day, on every answer: an authority of thousands of border guards reads many thousands a
day. So each scope has one row of counts: ``hour_count`` ledger rows of the scope after
``hour_mark``, ``day_count`` after ``day_mark``. ``opened`` moves them to the asked hour
and day ago by counting only the ledger rows between a mark and that moment (an index
range of the seconds since the scope's last answer; a clock that stepped back counts the
rows between the other way), so it gives exactly the range count it replaces. The
service writes the counts after an answer (``keep``: the counts it checked plus the
alerts it newly opened, marked at the moments it counted to), in the transaction that
writes the ledger rows; ``forget`` and ``prune`` keep the rule true when they delete
ledger rows. A scope without a row (before migration 0021, after ``forget``, or pruned
at zero) is counted in the ledger once, as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.dialect import Tables

_IDS_PER_STATEMENT = 500
"""Ids bound into one statement: four placeholders each keeps a statement far below
SQLite's and PostgreSQL's limits on bound parameters."""


@dataclass(frozen=True, slots=True)
class BlockRow:
    """A scope refused every alert read from ``blocked_at`` until someone lifts it."""

    id: str
    scope: str
    member_state: str
    principal: str
    bound: str
    reads: int
    blocked_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None
    lift_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """Distinct alerts a scope opened since two moments (the last hour, the last day)."""

    hour: int
    day: int


_BLOCK_COLUMNS = (
    "id, scope, member_state, principal, bound, reads, blocked_at, lifted_by, lifted_at, "
    "lift_reason"
)


_MOVED = (
    "c.{count} - (SELECT COUNT(*) FROM read_ledger l WHERE l.scope = c.scope "
    "AND l.first_read_at > c.{mark} AND l.first_read_at <= ?) "
    "+ (SELECT COUNT(*) FROM read_ledger l WHERE l.scope = c.scope "
    "AND l.first_read_at > ? AND l.first_read_at <= c.{mark})"
)
"""A scope's count moved from its mark to a moment: less its ledger rows from the mark
to the moment, plus those from the moment to the mark (a clock that stepped back)."""


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[i : i + _IDS_PER_STATEMENT] for i in range(0, len(ids), _IDS_PER_STATEMENT)]


class SqlReadLedger(Tables):
    """``port.ReadLedger`` in SQL."""

    def already_opened(
        self, scopes: Collection[str], ids: Sequence[str], since: datetime
    ) -> dict[str, int]:
        """Per scope, how many of ``ids`` (distinct) it has opened since ``since``.

        The rows are found by their key and their times compared here: with the time in
        the query, SQLite took the time index and read every row of the scope's day."""
        found = dict.fromkeys(scopes, 0)
        ts = self._d.ts
        for chunk in _chunks(ids):
            rows = self.rows(
                "SELECT scope, first_read_at FROM read_ledger "  # noqa: S608 - placeholders only  # nosec B608
                f"WHERE scope IN ({_marks(len(scopes))}) AND alert_id IN ({_marks(len(chunk))})",
                (*scopes, *chunk),
            )
            for scope, at in rows:
                if ts(at) > since:
                    found[scope] += 1
        return found

    def opened(
        self, scopes: Collection[str], hour_ago: datetime, day_ago: datetime
    ) -> dict[str, Opened]:
        """Per scope, the distinct alerts it opened in the last hour and in the last day:
        its counts moved from their marks to ``hour_ago`` and ``day_ago``."""
        d = self._d
        hour, day = d.ts_in(hour_ago), d.ts_in(day_ago)
        found: dict[str, Opened] = {}
        for scope, in_hour, in_day in self.rows(
            f"SELECT c.scope, {_MOVED.format(count='hour_count', mark='hour_mark')}, "  # noqa: S608 - constant clauses, placeholders only  # nosec B608
            f"{_MOVED.format(count='day_count', mark='day_mark')} "
            f"FROM read_counts c WHERE c.scope IN ({_marks(len(scopes))})",
            (hour, hour, day, day, *scopes),
        ):
            found[scope] = Opened(int(in_hour), int(in_day))
        missing = [scope for scope in scopes if scope not in found]
        if missing:
            found |= self._counted(missing, hour, day)
        return found

    def _counted(self, scopes: Sequence[str], hour: Any, day: Any) -> dict[str, Opened]:
        """Counted in the ledger rows: scopes without counts."""
        rows = self.rows(
            "SELECT scope, SUM(CASE WHEN first_read_at > ? THEN 1 ELSE 0 END), COUNT(*) "  # noqa: S608 - placeholders only  # nosec B608
            f"FROM read_ledger WHERE scope IN ({_marks(len(scopes))}) AND first_read_at > ? "
            "GROUP BY scope",
            (hour, *scopes, day),
        )
        found = {scope: Opened(0, 0) for scope in scopes}
        for scope, in_hour, in_day in rows:
            found[scope] = Opened(int(in_hour or 0), int(in_day))
        return found

    def keep(self, counts: Mapping[str, Opened], hour_ago: datetime, day_ago: datetime) -> None:
        """Store each scope's counts: its ledger rows after ``hour_ago`` and ``day_ago``
        (``opened``'s, plus the alerts just remembered)."""
        d = self._d
        hour, day = d.ts_in(hour_ago), d.ts_in(day_ago)
        params: list[Any] = []
        for scope, n in sorted(counts.items()):
            params += (scope, hour, n.hour, day, n.day)
        self.run(
            "INSERT INTO read_counts (scope, hour_mark, hour_count, day_mark, day_count) "  # noqa: S608 - placeholders only  # nosec B608
            f"VALUES {', '.join(['(?, ?, ?, ?, ?)'] * len(counts))} ON CONFLICT (scope) DO "
            "UPDATE SET hour_mark = excluded.hour_mark, hour_count = excluded.hour_count, "
            "day_mark = excluded.day_mark, day_count = excluded.day_count",
            params,
        )

    def remember(
        self, scopes: Collection[str], ids: Sequence[str], now: datetime, since: datetime
    ) -> None:
        """Note that each scope opened ``ids`` at ``now``; an alert it opened after
        ``since`` keeps its first time (a re-read opens nothing new)."""
        d = self._d
        pairs = [(scope, alert_id) for scope in sorted(scopes) for alert_id in ids]
        at, horizon = d.ts_in(now), d.ts_in(since)
        for start in range(0, len(pairs), _IDS_PER_STATEMENT):
            chunk = pairs[start : start + _IDS_PER_STATEMENT]
            params: list[Any] = []
            for scope, alert_id in chunk:
                params += (scope, alert_id, at)
            self.run(
                "INSERT INTO read_ledger (scope, alert_id, first_read_at) "  # noqa: S608 - placeholders only  # nosec B608
                f"VALUES {', '.join(['(?, ?, ?)'] * len(chunk))} "
                "ON CONFLICT (scope, alert_id) "
                "DO UPDATE SET first_read_at = excluded.first_read_at "
                "WHERE read_ledger.first_read_at <= ?",
                (*params, horizon),
            )

    def forget(self, scope: str) -> int:
        """Drop what ``scope`` has opened (a lifted block starts its count again)."""
        self.run("DELETE FROM read_counts WHERE scope = ?", (scope,))
        return self.run("DELETE FROM read_ledger WHERE scope = ?", (scope,))

    def prune(self, before: datetime) -> int:
        """Drop ledger rows older than every window (they no longer count): counts marked
        before ``before`` are moved to it first, counts left at zero dropped."""
        at = self._d.ts_in(before)
        for count, mark in (("hour_count", "hour_mark"), ("day_count", "day_mark")):
            self.run(
                f"UPDATE read_counts SET {count} = {count} - (SELECT COUNT(*) FROM read_ledger l "  # noqa: S608 - constant columns, placeholders only  # nosec B608
                f"WHERE l.scope = read_counts.scope AND l.first_read_at > read_counts.{mark} "
                f"AND l.first_read_at <= ?), {mark} = ? WHERE {mark} < ?",
                (at, at, at),
            )
        deleted = self.run("DELETE FROM read_ledger WHERE first_read_at <= ?", (at,))
        self.run("DELETE FROM read_counts WHERE hour_count = 0 AND day_count = 0")
        return deleted


class SqlReadBlocks(Tables):
    """``port.ReadBlocks`` in SQL."""

    def _block(self, row: Any) -> BlockRow:
        d = self._d
        return BlockRow(
            id=row[0],
            scope=row[1],
            member_state=row[2],
            principal=row[3],
            bound=row[4],
            reads=int(row[5]),
            blocked_at=d.ts(row[6]),
            lifted_by=row[7],
            lifted_at=d.ts_out(row[8]),
            lift_reason=row[9],
        )

    def in_force(self, scopes: Collection[str]) -> list[BlockRow]:
        """The blocks not yet lifted on any of ``scopes``."""
        rows = self.rows(
            f"SELECT {_BLOCK_COLUMNS} FROM read_blocks "  # noqa: S608 - constant columns, bound values  # nosec B608
            f"WHERE lifted_at IS NULL AND scope IN ({_marks(len(scopes))}) ORDER BY scope",
            tuple(scopes),
        )
        return [self._block(r) for r in rows]

    def put(self, block: BlockRow) -> None:
        d = self._d
        self.run(
            f"INSERT INTO read_blocks ({_BLOCK_COLUMNS}) "  # noqa: S608 - constant columns  # nosec B608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                block.id,
                block.scope,
                block.member_state,
                block.principal,
                block.bound,
                block.reads,
                d.ts_in(block.blocked_at),
                block.lifted_by,
                d.ts_in(block.lifted_at),
                block.lift_reason,
            ),
        )

    def get(self, block_id: str) -> BlockRow | None:
        rows = self.rows(
            f"SELECT {_BLOCK_COLUMNS} FROM read_blocks WHERE id = ?",  # noqa: S608 - constant columns  # nosec B608
            (block_id,),
        )
        return self._block(rows[0]) if rows else None

    def lift(self, block_id: str, by: str, at: datetime, reason: str) -> bool:
        """Lift a block in force; False if it was lifted already."""
        return (
            self.run(
                "UPDATE read_blocks SET lifted_by = ?, lifted_at = ?, lift_reason = ? "
                "WHERE id = ? AND lifted_at IS NULL",
                (by, self._d.ts_in(at), reason, block_id),
            )
            == 1
        )

    def of_state(self, member_state: str, *, in_force_only: bool, limit: int) -> list[BlockRow]:
        """Blocks of a member state, newest first."""
        lifted = "AND lifted_at IS NULL " if in_force_only else ""
        rows = self.rows(
            f"SELECT {_BLOCK_COLUMNS} FROM read_blocks WHERE member_state = ? {lifted}"  # noqa: S608 - constant clause, bound values  # nosec B608
            "ORDER BY blocked_at DESC, id LIMIT ?",
            (member_state, limit),
        )
        return [self._block(r) for r in rows]
