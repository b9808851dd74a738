"""What the alert and relation use case tests share: the states acting, and what a refused
request must leave untouched."""

from __future__ import annotations

from datetime import timedelta

import orjson
from tests.conftest import make_ctx
from tests.factories import PERSON, content

from limes import codec
from limes.bootstrap import Limes
from limes.domain.alerts import MisusedIdentity
from limes.domain.events import ChangeEvent
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context
from limes.service.alert_views import AlertView
from limes.service.alerts import AlertService
from limes.sirene.hits import HitReport
from limes.store.port import Store

DE, FR, IT = make_ctx("DE"), make_ctx("FR"), make_ctx("IT")
OPERATOR = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)
US = timedelta(microseconds=1)


def snapshot(store: Store) -> tuple[int, list[ChangeEvent]]:
    """What a refused request must leave untouched: the alerts and the outbox."""
    return store.count(), store.events_after(0, limit=1000)


def event_types(store: Store) -> list[str]:
    return [e.type for e in store.events_after(0, limit=1000)]


def victim() -> MisusedIdentity:
    data = {
        "consent": {"given_on": "2026-05-02", "reference": "CONSENT-7"},
        "person": {"surnames": [{"latin": "Schmidt"}], "date_of_birth": "1990-02-03"},
    }
    return codec.parse(MisusedIdentity, orjson.dumps(data))


def issue_person(alerts: AlertService, ctx: Context = DE) -> AlertView:
    return alerts.issue(ctx, content(PERSON))


def hit_report(s: Limes) -> HitReport:
    """A hit FR records as it happens, the action taken."""
    data = {
        "identity": {"confirmed": True, "method": "document"},
        "place": {"description": "Roissy", "country": "FR"},
        "occurred_at": s.alerts.clock().isoformat(),
        "action": {"taken": True},
    }
    return codec.parse(HitReport, orjson.dumps(data))
