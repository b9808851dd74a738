"""Where demo alerts come from: every member state has its weight and issues alerts."""

from __future__ import annotations

from tests.demo.conftest import Alerts

from limes.demo.places import ISSUING_WEIGHTS
from limes.domain.countries import MEMBER_STATES


def test_every_member_state_issues(alerts: Alerts) -> None:
    assert set(ISSUING_WEIGHTS) == MEMBER_STATES
    assert {state for state, _ in alerts} == MEMBER_STATES
