"""Approving a proposed change on every store: it expires, and only an operator of the same
state, acting as one, approves it."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock
from tests.identity.helpers import (
    founders,
)
from tests.identity.proposals import approvals, sirene

from limes.domain.roles import Purpose
from limes.errors import Conflict, Forbidden, NotFound
from limes.policy.permissions import Context, Principal
from limes.service.accounts import AccountService
from limes.service.approvals import PROPOSAL_LIFETIME


def test_a_proposal_expires(each_store: AccountService, clock: FixedClock) -> None:
    founders(each_store)
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    clock.advance(PROPOSAL_LIFETIME)
    with pytest.raises(Conflict, match="expired"):
        approvals(each_store).approve(each_store.acting("op-de-2"), proposed.id)
    assert [c.status for c in approvals(each_store).changes(each_store.acting("op-de"), None)] == [
        "expired"
    ]


def test_approvers_are_of_the_same_state(each_store: AccountService) -> None:
    founders(each_store)
    founders(each_store, "FR")
    proposed = each_store.add(each_store.acting("op-de"), sirene())
    with pytest.raises(NotFound):
        approvals(each_store).approve(each_store.acting("op-fr"), proposed.id)
    with pytest.raises(Forbidden):  # an operator acting for another purpose
        approvals(each_store).approve(
            Context(
                Principal.of(each_store.get(each_store.acting("op-de"), "op-de")),
                Purpose.BORDER_CHECK,
            ),
            proposed.id,
        )
