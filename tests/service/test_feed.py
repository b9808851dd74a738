"""Reading the change feed is a use case with its own permission."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, make_ctx, memory_audit

from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput
from limes.policy.policy import Policy
from limes.service.feed import FeedService
from limes.store.port import Store


def test_only_operators_read_the_feed(store: Store, clock: FixedClock) -> None:
    feed = FeedService(store, Policy(clock=clock), audit=memory_audit(clock))
    operator = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)
    assert feed.after(operator, 0) == []
    with pytest.raises(Forbidden):
        feed.after(make_ctx("DE", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK), 0)
    with pytest.raises(InvalidInput):
        feed.after(operator, 0, limit=0)
