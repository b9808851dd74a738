"""The policy as the audit trail sees it: decisions noted during a use case,
a stray refusal recorded by the trail itself."""

from __future__ import annotations

import pytest
from tests.conftest import make_ctx
from tests.service.recorders import Memory

from limes.audit.record import AlertRef, Outcome
from limes.domain.categories import CategoryCode
from limes.domain.roles import Role
from limes.errors import Forbidden
from limes.policy.permissions import Permission
from limes.service.audited_policy import audited_policy, noting_decisions
from limes.service.recorder import is_recorded

DE = make_ctx("DE")
ARREST = CategoryCode("arrest")


def test_the_policy_notes_its_decisions_during_a_use_case() -> None:
    recorder = Memory()
    policy = audited_policy(recorder)
    with noting_decisions() as decisions:
        policy.decide(DE, Permission.ALERT_READ, ARREST)
        assert policy.evaluate(DE, Permission.ALERT_READ, CategoryCode("travel_ban")).allowed
        with pytest.raises(Forbidden) as refused:
            policy.require(make_ctx("DE", Role.SYSTEM_OPERATOR), Permission.ALERT_READ, ARREST)
    assert decisions.categories() == ("arrest",)  # evaluate asks about other alerts: unnoted
    rules, reason = decisions.allowed()
    assert rules and reason and "allows alert:read" in reason
    assert recorder.entries == [] and not is_recorded(refused.value)  # the use case records it


def test_a_refusal_outside_any_use_case_is_recorded_by_the_policy_itself() -> None:
    recorder = Memory()
    policy = audited_policy(recorder)
    operator = make_ctx("DE", Role.SYSTEM_OPERATOR)
    with pytest.raises(Forbidden) as refused:
        policy.require(operator, Permission.ALERT_ISSUE, ARREST, "A1")
    (record,) = recorder.entries
    assert (record.action, record.outcome) == ("alert:issue", Outcome.REFUSED)
    assert record.alerts == (AlertRef("A1"),) and record.categories == ("arrest",)
    assert is_recorded(refused.value)
