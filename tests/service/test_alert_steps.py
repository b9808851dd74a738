"""The steps every alert use case shares, on every store: the alert found active, owned by
the caller's state, at the version expected."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock
from tests.factories import PERSON, content, doc
from tests.service.alert_helpers import (
    DE,
    FR,
    event_types,
    issue_person,
    snapshot,
)

from limes.errors import Forbidden, NotFound, VersionMismatch
from limes.service.alerts import AlertService
from limes.service.relations import RelationService
from limes.store.port import Store


@pytest.mark.parametrize("alert_id", ["01M8MY6T75H323G9K7QCEPAK13", "no-such-id", "NUL\x00", ""])
def test_an_unknown_id_is_not_found_on_every_store(
    alerts: AlertService, relations: RelationService, alert_id: str
) -> None:
    with pytest.raises(NotFound):
        alerts.get(DE, alert_id)
    with pytest.raises(NotFound):
        alerts.delete(DE, alert_id, expected_version=1)
    with pytest.raises(NotFound):
        relations.request_flag(FR, alert_id, "reason")


def test_update_checks_the_version(store: Store, alerts: AlertService, clock: FixedClock) -> None:
    alert_id = issue_person(alerts).alert.id
    stored, before = alerts.get(DE, alert_id), snapshot(store)
    changed = content(doc(PERSON, reason="Conviction confirmed on appeal"))
    with pytest.raises(VersionMismatch):
        alerts.update(DE, alert_id, changed, expected_version=2)
    assert alerts.get(DE, alert_id) == stored
    assert snapshot(store) == before

    clock.advance(minutes=5)
    updated = alerts.update(DE, alert_id, changed, expected_version=1).alert
    assert (updated.version, updated.updated_at) == (2, clock.now)
    assert updated.content is not None and updated.content.reason == changed.reason
    assert event_types(store) == ["alert.issued", "alert.updated"]


def test_another_state_cannot_change_an_alert(store: Store, alerts: AlertService) -> None:
    alert_id = issue_person(alerts).alert.id
    stored, before = alerts.get(DE, alert_id), snapshot(store)
    with pytest.raises(Forbidden, match="belongs to DE"):
        alerts.update(FR, alert_id, content(PERSON), expected_version=1)
    with pytest.raises(Forbidden, match="belongs to DE"):
        alerts.delete(FR, alert_id, expected_version=1)
    with pytest.raises(Forbidden, match="belongs to DE"):
        alerts.extend(FR, alert_id, "still wanted", expected_version=1)
    assert alerts.get(DE, alert_id) == stored
    assert snapshot(store) == before
