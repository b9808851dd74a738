"""The application the alert and relation use case tests act on, on every store."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, built

from limes.bootstrap import Limes
from limes.service.alerts import AlertService
from limes.service.relations import RelationService
from limes.store.port import Store


@pytest.fixture
def app(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


@pytest.fixture
def alerts(app: Limes) -> AlertService:
    return app.alerts


@pytest.fixture
def relations(app: Limes) -> RelationService:
    return app.relations
