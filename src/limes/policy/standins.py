"""Stand-ins for principals that no identity provider vouches for: demo, bench, tools.

The policy asks every principal for purposes and, for alert content, a clearance.
Principals that are *asserted* rather than authenticated (the unsafe development
header, the operator's ``--as`` on the command line, the demo loader, benchmarks)
get theirs here, and each says what it is in its name and its vetting reference,
so that it can never pass for a real one in a record or a report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from limes.domain.roles import Clearance, Purpose, Role
from limes.policy.table import default_table

STAND_IN_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)


def unsafe_stand_in_clearance(who: str) -> Clearance:
    """A clearance no vetting granted, for a principal that ``who`` only asserts."""
    return Clearance(
        level="UNSAFE-STAND-IN",
        vetting_reference=f"none: unsafe stand-in for {who}, no vetting",
        valid_until=STAND_IN_UNTIL,
    )


def purposes_for(roles: Iterable[Role]) -> frozenset[Purpose]:
    """The purposes the shipped table names for these roles: what they need, no more."""
    return default_table().purposes_of(roles)
