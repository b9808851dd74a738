"""The application the alert and relation use case tests act on, on every store."""

from __future__ import annotations

import pytest
from tests.audit.conftest import SIGNER
from tests.conftest import FixedClock, built

from limes.audit.log import AuditLog
from limes.audit.sqlite import SqliteAuditStore
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


@pytest.fixture
def signed_app(store: Store, clock: FixedClock) -> Limes:
    """Every service, with an audit log that signs its heads (proofs need one) and the
    search indexes built (not following the feed: a test catches up itself)."""
    log = AuditLog(SqliteAuditStore(":memory:"), clock=clock, signer=SIGNER)
    limes = built(store, clock, audit=log)
    limes.search.start(follow=False)
    return limes
