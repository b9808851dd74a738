"""The change feed as a use case: who may read it, and one page of it.

Events carry identifiers and bookkeeping only (see ``store/port.py``), so reading
the feed touches no alert content; it still needs ``feed:read``, each event leaves
through ``disclosure.feed_event`` (only reviewed detail keys), and every page read
is recorded (``feed:read``: where it started, how many events, the last one). A
follower asks ``has_new`` first, which reveals only whether anything arrived, so an
idle ``--follow`` does not write a record twice a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from limes.domain.events import ChangeEvent
from limes.errors import InvalidInput
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.service.audited import about, audited
from limes.service.recorder import Recorder
from limes.store.port import Store

MAX_PAGE = 1000


class PublishRun(Protocol):
    """What one pass of a publisher did (printed for the operator)."""

    @property
    def published(self) -> int: ...


class Publisher(Protocol):
    """Carries the feed elsewhere (``feed/nats.py``), resuming where it stopped."""

    def run(self) -> PublishRun:
        """One pass: publish what is new since the last."""
        ...


@dataclass(frozen=True, slots=True)
class FeedPage:
    events: list[ChangeEvent]

    def audit_refs(self) -> tuple[tuple[()], dict[str, Any]]:
        last = self.events[-1].seq if self.events else None
        return (), {"events": len(self.events), "last_seq": last}


class FeedService:
    def __init__(self, store: Store, policy: Policy, *, audit: Recorder) -> None:
        self.store = store
        self.policy = policy
        self.audit = audit

    @audited(
        Permission.FEED_READ,
        describe=lambda _, ctx, seq, limit=None: about(query={"seq": seq, "limit": limit}),
    )
    def page(self, ctx: Context, seq: int, limit: int = 100) -> FeedPage:
        """Events with a sequence number above ``seq``, oldest first."""
        self.policy.require(ctx, Permission.FEED_READ)
        if seq < 0 or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"after must be 0 or more and limit 1 to {MAX_PAGE}")
        return FeedPage([disclosure.feed_event(e) for e in self.store.events_after(seq, limit)])

    def after(self, ctx: Context, seq: int, limit: int = 100) -> list[ChangeEvent]:
        return self.page(ctx, seq, limit).events

    def has_new(self, ctx: Context, seq: int) -> bool:
        """Whether an event above ``seq`` exists (not recorded: it reveals no event)."""
        self.policy.require(ctx, Permission.FEED_READ)
        return bool(self.store.events_after(seq, 1))
