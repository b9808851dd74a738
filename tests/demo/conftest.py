"""One demo set for every test of ``tests/demo``: generated once, as it is the same
for one seed.
"""

from __future__ import annotations

import pytest

from limes.demo.generator import generate
from limes.domain.alerts import AlertContent

SEED = 1  # one seed for the set: Faker's name pools are built once per seed

Alerts = list[tuple[str, AlertContent]]


@pytest.fixture(scope="session")
def alerts() -> Alerts:
    """3,000 alerts: 1,000 on persons, 2,000 on objects."""
    return list(generate(1000, 2000, SEED))
