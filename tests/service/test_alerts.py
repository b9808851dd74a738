"""Alert use cases on every store: who may do what, and all-or-nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from tests.conftest import FixedClock, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc
from tests.service.alert_helpers import (
    DE,
    FR,
    OPERATOR,
    US,
    event_types,
    issue_person,
    snapshot,
    victim,
)

from limes.domain.alerts import AlertStatus, Extension
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.match_keys import content_keys
from limes.domain.periods import add_years
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, Gone, InvalidInput
from limes.service.alert_views import ExpiryReport
from limes.service.alerts import AlertService
from limes.service.relations import RelationService
from limes.store.port import Store

# -- issue and read ----------------------------------------------------------------------------


def test_issue_then_get(store: Store, alerts: AlertService, clock: FixedClock) -> None:
    view = issue_person(alerts)
    alert = view.alert
    assert (alert.issuing_state, alert.category, alert.status, alert.version) == (
        "DE",
        CategoryCode.ARREST,
        AlertStatus.ACTIVE,
        1,
    )
    assert alert.created_at == alert.updated_at == clock.now
    assert alert.expires_at == add_years(clock.now, 5)
    assert view.related == ()

    got = alerts.get(make_ctx("FR", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK), alert.id)
    assert replace(got.alert, content=None) == replace(alert, content=None)
    assert got.alert.content is not None and got.alert.content.person is not None
    assert got.alert.content.person.surnames[0].original == "Иванова"
    # a border guard's view (policy.toml) withholds the national decision and the reason
    assert got.alert.content.national_decision is None and got.alert.content.reason == ""
    [issued] = store.events_after(0)
    assert (issued.type, issued.alert_id, issued.version, issued.at) == (
        "alert.issued",
        alert.id,
        1,
        clock.now,
    )


@pytest.mark.parametrize(
    ("role", "purpose"),
    [
        (Role.BORDER_GUARD, Purpose.BORDER_CHECK),  # reads, never writes
        (Role.SIRENE_OPERATOR, Purpose.BORDER_CHECK),  # right role, wrong purpose
        (Role.IMMIGRATION_OFFICER, Purpose.RETURN),  # writes border categories only
        (Role.SYSTEM_OPERATOR, Purpose.OPERATIONS),  # runs the system, reads no alert
    ],
)
def test_issue_refused_writes_nothing(
    store: Store, alerts: AlertService, role: Role, purpose: Purpose
) -> None:
    before = snapshot(store)
    with pytest.raises(Forbidden):
        alerts.issue(make_ctx("DE", role, purpose=purpose), content(PERSON))
    assert snapshot(store) == before == (0, [])


def test_misused_identity_needs_its_own_permission_and_a_person(
    store: Store, alerts: AlertService
) -> None:
    police = make_ctx("DE", Role.POLICE_OFFICER, purpose=Purpose.POLICE_CHECK)
    with pytest.raises(Forbidden, match="misused-identity:write"):
        alerts.issue(police, content(PERSON), misused_identity=victim())
    assert snapshot(store) == (0, [])
    with pytest.raises(InvalidInput, match="no misused-identity"):
        alerts.issue(DE, content(VEHICLE), misused_identity=victim())  # objects have no victim
    assert snapshot(store) == (0, [])
    view = alerts.issue(DE, content(PERSON), misused_identity=victim())
    assert view.has_misused_identity
    assert alerts.get_misused_identity(DE, view.alert.id) == victim()


def test_compatibility_refuses_the_same_state_and_reports_others(
    store: Store, alerts: AlertService
) -> None:
    first = issue_person(alerts).alert
    before = snapshot(store)
    with pytest.raises(Conflict, match=first.id):
        alerts.issue(DE, content(doc(PERSON, national_reference="BKA-2026-0002")))
    check = doc(PERSON, category="person_check", action="discreet_check")
    with pytest.raises(Conflict, match="incompatible"):
        alerts.issue(DE, content(check))
    assert snapshot(store) == before

    other = alerts.issue(FR, content(PERSON))
    assert other.related == (ExistingAlert(first.id, CategoryCode.ARREST, "DE"),)
    assert store.count() == 2


def test_concurrent_identical_issues_let_exactly_one_through(
    store: Store, alerts: AlertService
) -> None:
    """The compatibility check and the insert are one atomic step."""
    start = threading.Barrier(2)

    def attempt() -> str:
        start.wait(5)
        try:
            issue_person(alerts)
        except Conflict:
            return "conflict"
        return "issued"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(f.result() for f in [pool.submit(attempt) for _ in range(2)])
    assert outcomes == ["conflict", "issued"]
    assert store.count() == 1


# -- update, delete, extend ----------------------------------------------------------------


def test_delete_erases_everything_personal(
    store: Store, alerts: AlertService, relations: RelationService
) -> None:
    person = alerts.issue(DE, content(PERSON), misused_identity=victim()).alert
    vehicle = alerts.issue(DE, content(VEHICLE)).alert
    relations.link(DE, person.id, vehicle.id)
    relations.request_flag(FR, person.id, "Arrest is not possible under French law")

    alerts.delete(DE, person.id, expected_version=1)

    with pytest.raises(Gone):
        alerts.get(DE, person.id)
    with store.read() as tx:
        tombstone = tx.alerts.get(person.id)
        assert tombstone is not None
        assert (tombstone.status, tombstone.version) == (AlertStatus.DELETED, 2)
        assert (tombstone.body, tombstone.extensions, tombstone.keys) == (None, None, frozenset())
        assert tx.misused_identities.get(person.id) is None
        assert tx.links.of(person.id) == [] and tx.links.of(vehicle.id) == []
        assert (
            tx.alerts.find_by_keys(alerts.crypto.index.tokens(content_keys(content(PERSON)))) == []
        )
        assert [f.reason for f in tx.flags.of(person.id)] == [""]
    assert alerts.get(DE, vehicle.id).links == ()
    assert event_types(store)[-1] == "alert.deleted"
    issue_person(alerts)  # the subject no longer blocks a new alert


def test_extend_starts_a_new_review_period(
    store: Store, alerts: AlertService, clock: FixedClock
) -> None:
    issued = issue_person(alerts).alert
    clock.advance(days=365)
    with pytest.raises(InvalidInput):
        alerts.extend(DE, issued.id, "   ", expected_version=1)

    extended = alerts.extend(DE, issued.id, " still wanted ", expected_version=1).alert
    new_expiry = add_years(clock.now, 5)
    assert (extended.expires_at, extended.version) == (new_expiry, 2)
    assert extended.extensions == (
        Extension(clock.now, str(DE.principal), "still wanted", issued.expires_at, new_expiry),
    )
    last = store.events_after(0)[-1]
    assert (last.type, last.detail) == ("alert.extended", {"expires_at": new_expiry.isoformat()})


def test_extend_is_refused_once_the_review_date_is_reached(
    alerts: AlertService, clock: FixedClock
) -> None:
    issued = issue_person(alerts).alert
    clock.set(issued.expires_at)
    with pytest.raises(Conflict, match="review date"):
        alerts.extend(DE, issued.id, "still wanted", expected_version=1)
    alerts.expire_due(OPERATOR)
    with pytest.raises(Gone):
        alerts.extend(DE, issued.id, "still wanted", expected_version=1)


def test_expire_due_warns_and_expires_exactly_on_time(
    store: Store, alerts: AlertService, clock: FixedClock
) -> None:
    issued = issue_person(alerts).alert  # an arrest alert: five years
    expires = datetime(2031, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
    warn = datetime(2031, 2, 1, 8, 30, 0, 123456, tzinfo=UTC)  # four months before
    assert issued.expires_at == expires
    with pytest.raises(Forbidden):
        alerts.expire_due(DE)

    clock.set(warn - US)
    assert alerts.expire_due(OPERATOR) == ExpiryReport(expired=0, warned=0)
    clock.set(warn)
    assert alerts.expire_due(OPERATOR) == ExpiryReport(expired=0, warned=1)
    assert alerts.get(DE, issued.id).alert.warned_at == warn
    assert alerts.expire_due(OPERATOR) == ExpiryReport(expired=0, warned=0)

    clock.set(expires - US)
    assert alerts.expire_due(OPERATOR) == ExpiryReport(expired=0, warned=0)
    assert alerts.get(DE, issued.id).alert.status is AlertStatus.ACTIVE
    clock.set(expires)
    assert alerts.expire_due(OPERATOR) == ExpiryReport(expired=1, warned=0)
    with pytest.raises(Gone):
        alerts.get(DE, issued.id)
    with store.read() as tx:
        record = tx.alerts.get(issued.id)
        assert record is not None and record.status is AlertStatus.EXPIRED and record.body is None
    assert event_types(store) == ["alert.issued", "alert.expiry_warning", "alert.expired"]
