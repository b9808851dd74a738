"""Loading the demo data through the alert use cases."""

from __future__ import annotations

from tests.factories import PERSON, VEHICLE, content
from tests.service.alert_helpers import (
    DE,
)

from limes.service.alerts import AlertService
from limes.service.demo import load
from limes.store.port import AlertFilter, Store


def test_demo_load_issues_each_states_alerts_in_batches(alerts: AlertService, store: Store) -> None:
    items = [("DE", content(PERSON)), ("FR", content(VEHICLE)), ("DE", content(VEHICLE))]
    # DE fills its batch of 2 first; FR's leftover batch of 1 comes last
    assert list(load(alerts, items, batch=2)) == [2, 1]
    assert store.count() == 3
    page = alerts.list(DE, AlertFilter(limit=10))
    assert sorted(item.alert.issuing_state for item in page.items) == ["DE", "DE", "FR"]
