"""The change feed as a use case: who may read it, and one page of it.

Events carry identifiers and bookkeeping only (see ``store/port.py``), so reading
the feed touches no alert content; it still needs ``feed:read``, and each event leaves
through ``disclosure.feed_event`` (only reviewed detail keys).
"""

from __future__ import annotations

from limes.errors import InvalidInput
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Policy
from limes.store.port import ChangeEvent, Store

MAX_PAGE = 1000


class FeedService:
    def __init__(self, store: Store, policy: Policy) -> None:
        self.store = store
        self.policy = policy

    def after(self, ctx: Context, seq: int, limit: int = 100) -> list[ChangeEvent]:
        """Events with a sequence number above ``seq``, oldest first."""
        self.policy.require(ctx, Permission.FEED_READ)
        if seq < 0 or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"after must be 0 or more and limit 1 to {MAX_PAGE}")
        return [disclosure.feed_event(e) for e in self.store.events_after(seq, limit)]
