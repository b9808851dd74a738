"""Flags and links between alerts on every store: who may ask, decide and link."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock
from tests.factories import VEHICLE, content
from tests.service.alert_helpers import (
    DE,
    FR,
    IT,
    event_types,
    issue_person,
    snapshot,
)

from limes.domain.alerts import Flag, FlagStatus
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound
from limes.service.alerts import AlertService
from limes.service.relations import RelationService
from limes.store.port import Store

# -- flags and links ---------------------------------------------------------------------------


def test_flag_requested_granted_and_withdrawn(
    store: Store, alerts: AlertService, relations: RelationService, clock: FixedClock
) -> None:
    alert_id = issue_person(alerts).alert.id
    reason = "Arrest is not possible under French law"
    requested_at = clock.now
    view = relations.request_flag(FR, alert_id, reason)
    assert view.flags == (Flag("FR", FlagStatus.REQUESTED, reason, requested_at),)

    with pytest.raises(Forbidden):
        relations.decide_flag(FR, alert_id, "FR", grant=True, reason="self-service")
    decided_at = clock.advance(hours=2)
    view = relations.decide_flag(DE, alert_id, "FR", grant=True, reason="agreed")
    granted = Flag("FR", FlagStatus.GRANTED, reason, requested_at, decided_at, "agreed")
    assert view.flags == (granted,)

    before = snapshot(store)
    with pytest.raises(Forbidden, match="only FR"):
        relations.withdraw_flag(IT, alert_id, "FR")
    assert snapshot(store) == before

    withdrawn_at = clock.advance(days=1)
    view = relations.withdraw_flag(FR, alert_id, "FR")
    assert view.flags == (
        Flag("FR", FlagStatus.WITHDRAWN, reason, requested_at, withdrawn_at, "agreed"),
    )
    assert event_types(store)[1:] == ["flag.requested", "flag.granted", "flag.withdrawn"]


def test_a_state_does_not_flag_its_own_alert(
    store: Store, alerts: AlertService, relations: RelationService
) -> None:
    alert_id = issue_person(alerts).alert.id
    before = snapshot(store)
    with pytest.raises(Conflict, match="own alert"):
        relations.request_flag(DE, alert_id, "we changed our mind")
    assert snapshot(store) == before
    assert alerts.get(DE, alert_id).flags == ()


@pytest.mark.parametrize("reason", ["  ", "x" * 4001, "NUL \x00 inside", "lone \ud800"])
def test_a_flag_reason_every_store_can_hold_is_required(
    store: Store, alerts: AlertService, relations: RelationService, reason: str
) -> None:
    alert_id = issue_person(alerts).alert.id
    before = snapshot(store)
    with pytest.raises(InvalidInput):
        relations.request_flag(FR, alert_id, reason)
    assert snapshot(store) == before


def test_links_between_own_alerts_only(
    store: Store, alerts: AlertService, relations: RelationService
) -> None:
    person = issue_person(alerts).alert.id
    vehicle = alerts.issue(DE, content(VEHICLE)).alert.id
    french = alerts.issue(FR, content(VEHICLE)).alert.id

    assert relations.link(DE, person, vehicle).links == (vehicle,)
    assert alerts.get(DE, vehicle).links == (person,)
    with pytest.raises(Conflict, match="already linked"):
        relations.link(DE, vehicle, person)

    before = snapshot(store)
    with pytest.raises(Forbidden):
        relations.link(DE, person, french)
    with pytest.raises(Forbidden):
        relations.link(FR, french, vehicle)
    with pytest.raises(InvalidInput):
        relations.link(DE, person, person)
    assert snapshot(store) == before
    assert alerts.get(FR, french).links == ()

    assert relations.link(DE, vehicle, person, unlink=True).links == ()
    with pytest.raises(NotFound):
        relations.link(DE, person, vehicle, unlink=True)
    assert event_types(store)[-2:] == ["alert.unlinked", "alert.unlinked"]
