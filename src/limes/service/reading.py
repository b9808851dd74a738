"""Bounded reading: bulk extraction is stopped, not just seen.

Every answer that opens alerts for a caller (``get``, list pages, misused-identity
data, search hits) passes ``ReadGuard.opened`` before it leaves the service, at every
door. In one write transaction of the shared store, so across every worker process:

1. a block in force on the principal, or on its authority, refuses the answer;
2. the distinct alerts the answer would newly open are added to what the principal,
   and its authority (``AUTH/STATE``), opened in the last hour and the last 24 hours
   (sliding windows: spreading the reads out does not escape the daily bound, and
   re-reading an alert opens nothing new). The counts are read from one row per scope
   (``read_counts``, kept in the same transaction), not counted over the day's ledger
   rows (``store/reading.py``);
3. past any bound the answer is refused and the scope is **blocked**, with a security
   event, until a data protection officer or system operator of the same member state
   lifts it (``ReadBlocks.lift``); within the bounds, the ids are recorded and the
   answer leaves. The daily read quota (all reads, not distinct) is checked there too.

Bounds: ``LIMES_READS_PER_HOUR`` / ``LIMES_READS_PER_DAY`` times the role's
``bound_factor`` (``[reading.<role>]`` in ``policy.toml``) for a principal,
``LIMES_AUTHORITY_READS_PER_HOUR`` / ``_PER_DAY`` for an authority. The same table
caps list pages per role and reserves listing without a criterion to the roles whose
job is to keep or review alerts (``list_rules``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from limes.clock import Clock
from limes.config import ReadBounds
from limes.domain.ids import is_id, new_id
from limes.domain.validation import reason_text
from limes.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    LimesError,
    NotFound,
    RateLimited,
    ReadsBlocked,
)
from limes.group_commit import GroupCommit, pending_waits
from limes.policy.permissions import Context, Permission, Principal
from limes.policy.table import Reading, Table, default_table
from limes.service.audited import audited
from limes.service.recorder import Recorder
from limes.store.port import (
    AlertFilter,
    BlockRow,
    Opened,
    SecurityEvent,
    Store,
    Transaction,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MAX_BLOCKS = 200  # blocks in one answer
BLOCKED = "abuse.extraction_blocked"
LIFTED = "abuse.extraction_block_lifted"


class _Answer(NamedTuple):
    """An answer to count: who opens which alerts, when."""

    ctx: Context
    ids: list[str]
    now: datetime


@dataclass(frozen=True, slots=True)
class _Trip:
    """A scope whose reads would pass a bound: in which window, how many, which bound."""

    scope: str
    window: str
    reads: int
    bound: int


def principal_scope(principal: Principal) -> str:
    return f"principal:{principal}"


def authority_scope(principal: Principal) -> str:
    return f"authority:{principal.authority}/{principal.member_state}"


def _midnight_after(now: datetime) -> datetime:
    return datetime.combine(now.date() + DAY, datetime.min.time(), now.tzinfo)


class ReadGuard:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        bounds: ReadBounds | None = None,
        table: Table | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.bounds = bounds or ReadBounds()
        self.table = table or default_table()
        self._counting: GroupCommit[_Answer, None] = GroupCommit(self._count_all)

    def reading(self, ctx: Context) -> Reading:
        return self.table.reading_for(ctx.principal.roles, ctx.purpose)

    def _limits(self, ctx: Context) -> dict[str, tuple[int, int]]:
        """(hourly, daily) bound per scope of this caller."""
        factor = self.reading(ctx).bound_factor
        b = self.bounds
        return {
            principal_scope(ctx.principal): (b.per_hour * factor, b.per_day * factor),
            authority_scope(ctx.principal): (b.authority_per_hour, b.authority_per_day),
        }

    def list_rules(self, ctx: Context, where: AlertFilter) -> None:
        """Refuse a list page larger than the caller's roles allow, and a list naming no
        criterion by a role that may not browse the register."""
        allowed = self.reading(ctx)
        if where.limit > allowed.page:
            raise InvalidInput(
                f"limit is at most {allowed.page} for your roles",
                [FieldError("/query/limit", f"must be at most {allowed.page}")],
            )
        criteria = (where.category, where.object_type, where.issuing_state)
        if not allowed.list_without_criteria and all(c is None for c in criteria):
            raise Forbidden(
                "your roles list alerts only by a category, object type or issuing state; "
                "search for a person or object instead"
            )

    def opened(self, ctx: Context, alert_ids: Iterable[str]) -> None:
        """Let an answer opening ``alert_ids`` leave, counted; or refuse it.

        Raises ``ReadsBlocked`` (and blocks the scope, with a security event) if the
        answer would take the principal or its authority past a bound, or if either is
        blocked already; ``RateLimited`` past the daily read quota. A refused answer
        counts nothing. Concurrent answers of this process are counted in one
        transaction, one after the other as if each had its own (``GroupCommit``): one
        fsync for all of them, and no thread waiting in SQLite's busy handler.

        Where the caller leaves durable writes pending (``group_commit.deferring``: a
        hot route's read), the count is only queued, and the refusal comes through its
        future (``service/audited.py`` records it, the door answers it); the answer
        waits for that future before it leaves.
        """
        ids = list(dict.fromkeys(alert_ids))
        if not ids:
            with self.store.read() as tx:
                _refuse_if_blocked(tx.read_blocks.in_force(self._limits(ctx)))
            return
        answer = _Answer(ctx, ids, self.clock())
        waits = pending_waits()
        if waits is None:
            self._counting.submit(answer)
        else:
            waits.append(self._counting.enqueue(answer))

    def _count_all(self, answers: Sequence[_Answer]) -> list[LimesError | None]:
        """Every answer counted or refused, in order, in one transaction."""
        with self.store.transaction() as tx:
            return [self._refused(tx, answer) for answer in answers]

    def _refused(self, tx: Transaction, answer: _Answer) -> LimesError | None:
        """Count ``answer`` in ``tx``; the refusal, if refused (its block is written)."""
        ctx, ids, now = answer
        limits = self._limits(ctx)
        try:
            _refuse_if_blocked(tx.read_blocks.in_force(limits))
            self._refuse_past_quota(ctx, tx, len(ids), now)
        except LimesError as refused:  # raised before this answer wrote anything
            return refused
        day_ago, hour_ago = now - DAY, now - HOUR
        known = tx.read_ledger.already_opened(limits, ids, day_ago)
        counts = tx.read_ledger.opened(limits, hour_ago, day_ago)
        tripped, after = [], {}
        for scope, (per_hour, per_day) in limits.items():
            new = len(ids) - known[scope]
            hour, day = counts[scope].hour + new, counts[scope].day + new
            if hour > per_hour:
                tripped.append(_Trip(scope, "hour", hour, per_hour))
            elif day > per_day:
                tripped.append(_Trip(scope, "day", day, per_day))
            after[scope] = Opened(hour, day)
        if tripped:
            return ReadsBlocked(_blocked_text([self._block(ctx, tx, t, now) for t in tripped]))
        if after != counts:  # else every alert was opened today already: nothing new
            tx.read_ledger.remember(limits, ids, now, day_ago)
            tx.read_ledger.keep(after, hour_ago, day_ago)
        tx.usage_counters.add_reads({(str(ctx.principal), now.date().isoformat()): len(ids)})
        return None

    def _refuse_past_quota(self, ctx: Context, tx: Transaction, n: int, now: datetime) -> None:
        who, day = str(ctx.principal), now.date().isoformat()
        done = tx.usage_counters.daily_reads(who, day).get(day, 0)
        if done + n > self.bounds.daily_reads:
            raise RateLimited(
                f"{who} has used its daily quota of {self.bounds.daily_reads} alert reads",
                int((_midnight_after(now) - now).total_seconds()) + 1,
            )

    def _block(self, ctx: Context, tx: Transaction, trip: _Trip, now: datetime) -> BlockRow:
        block = BlockRow(
            id=new_id(),
            scope=trip.scope,
            member_state=ctx.principal.member_state,
            principal=str(ctx.principal),
            bound=f"{trip.bound} distinct alerts per {trip.window}",
            reads=trip.reads,
            blocked_at=now,
        )
        tx.read_blocks.put(block)
        tx.security_events.record(
            SecurityEvent(
                BLOCKED,
                block.member_state,
                block.principal,
                now,
                {
                    "block": block.id,
                    "scope": trip.scope,
                    "bound": block.bound,
                    "distinct_alerts": str(trip.reads),
                },
            ),
        )
        return block

    def prune(self) -> int:
        """Drop ledger rows older than every window (run periodically by the server)."""
        with self.store.transaction() as tx:
            return tx.read_ledger.prune(self.clock() - DAY)


def _blocked_text(blocks: Iterable[BlockRow]) -> str:
    parts = [
        f"{b.scope.replace(':', ' ', 1)} is blocked after opening {b.reads} distinct alerts, "
        f"past its bound of {b.bound} (block {b.id})"
        for b in blocks
    ]
    return (
        "; ".join(parts)
        + "; alert reads are refused until a data protection officer or system operator "
        "of the same member state lifts the block"
    )


def _refuse_if_blocked(blocks: list[BlockRow]) -> None:
    if blocks:
        raise ReadsBlocked(_blocked_text(blocks))


@dataclass(frozen=True, slots=True)
class Blocks:
    items: tuple[BlockRow, ...]

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        return (), {"read_blocks": [b.id for b in self.items]}


@dataclass(frozen=True, slots=True)
class Lifted:
    block: BlockRow

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        return (), {"read_block": self.block.id, "scope": self.block.scope}


class ReadBlocks:
    """Read blocks as a use case: see them, and lift one (a DPO or system operator of
    the same state, never on themselves or their own authority)."""

    def __init__(
        self,
        store: Store,
        require: Callable[[Context, Permission], object],
        clock: Clock,
        *,
        audit: Recorder,
    ) -> None:
        self.store = store
        self.require = require
        self.clock = clock
        self.audit = audit

    @audited(Permission.READING_LIFT)
    def list(self, ctx: Context, in_force_only: bool = True) -> Blocks:
        """Blocks of the caller's member state, newest first."""
        self.require(ctx, Permission.READING_LIFT)
        state = ctx.principal.member_state
        with self.store.read() as tx:
            found = tx.read_blocks.of_state(state, in_force_only=in_force_only, limit=MAX_BLOCKS)
        return Blocks(tuple(found))

    @audited(Permission.READING_LIFT, write=True)
    def lift(self, ctx: Context, block_id: str, reason: str) -> Lifted:
        """Lift a block in force; the scope's count starts again. A security event."""
        self.require(ctx, Permission.READING_LIFT)
        reason = reason_text(reason)
        now = self.clock()
        with self.store.transaction() as tx:
            block = tx.read_blocks.get(block_id) if is_id(block_id) else None
            if block is None or block.member_state != ctx.principal.member_state:
                raise NotFound(f"there is no read block {block_id} of your member state")
            if block.scope in (principal_scope(ctx.principal), authority_scope(ctx.principal)):
                raise Forbidden("a block on yourself or your own authority is lifted by another")
            if not tx.read_blocks.lift(block.id, str(ctx.principal), now, reason):
                raise Conflict(f"read block {block_id} is already lifted")
            tx.read_ledger.forget(block.scope)
            lifted = replace(block, lifted_by=str(ctx.principal), lifted_at=now, lift_reason=reason)
            tx.security_events.record(
                SecurityEvent(
                    LIFTED,
                    block.member_state,
                    str(ctx.principal),
                    now,
                    {"block": block.id, "scope": block.scope, "blocked": block.principal},
                ),
            )
        return Lifted(lifted)
