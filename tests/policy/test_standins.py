"""Principals no identity provider vouches for say so in their clearance, and get only
the purposes the shipped table names for their roles."""

from __future__ import annotations

from limes.domain.roles import Purpose, Role
from limes.policy.standins import STAND_IN_UNTIL, purposes_for, unsafe_stand_in_clearance
from limes.policy.table import default_table


def test_a_stand_in_clearance_names_itself_and_who_asserted_it() -> None:
    clearance = unsafe_stand_in_clearance("the demo loader")
    assert clearance.level == "UNSAFE-STAND-IN"
    assert clearance.vetting_reference == "none: unsafe stand-in for the demo loader, no vetting"
    assert clearance.valid_until == STAND_IN_UNTIL


def test_stand_ins_get_the_purposes_their_roles_need_no_more() -> None:
    roles = (Role.BORDER_GUARD,)
    assert purposes_for(roles) == default_table().purposes_of(roles)
    assert Purpose.BORDER_CHECK in purposes_for(roles)
    assert purposes_for(()) == frozenset()
