"""The roles, purposes and clearances accounts hold: the vocabulary the policy table names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.domain.roles import Clearance, Purpose, Role
from limes.policy.table import load_table

END = datetime(2027, 3, 31, tzinfo=UTC)


def test_a_clearance_is_valid_until_its_end_and_not_at_it() -> None:
    clearance = Clearance("SECRET", "BfV-2025-0042", END)
    assert clearance.valid_at(END - timedelta(microseconds=1))
    assert not clearance.valid_at(END)


def test_the_policy_table_grants_something_to_every_role_for_every_purpose() -> None:
    """No word of the vocabulary is dead: each role and purpose has a rule of its own."""
    table = load_table()
    assert {rule.role for rule in table.rules} == set(Role)
    assert {p for rule in table.rules for p in rule.purposes} == set(Purpose)
