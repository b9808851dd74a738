"""Alert and relation use cases on every store: who may do what, and all-or-nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc

from limes import codec
from limes.bootstrap import Limes
from limes.domain.alerts import AlertStatus, Extension, Flag, FlagStatus, MisusedIdentity
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent
from limes.domain.match_keys import content_keys
from limes.domain.periods import add_years
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound, VersionMismatch
from limes.policy.permissions import Context
from limes.service.alert_views import AlertView, ExpiryReport
from limes.service.alerts import AlertService
from limes.service.demo import load
from limes.service.relations import RelationService
from limes.store.port import AlertFilter, Store

DE, FR, IT = make_ctx("DE"), make_ctx("FR"), make_ctx("IT")
OPERATOR = make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS)
US = timedelta(microseconds=1)


@pytest.fixture
def app(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


@pytest.fixture
def alerts(app: Limes) -> AlertService:
    return app.alerts


@pytest.fixture
def relations(app: Limes) -> RelationService:
    return app.relations


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


def test_demo_load_issues_each_states_alerts_in_batches(alerts: AlertService, store: Store) -> None:
    items = [("DE", content(PERSON)), ("FR", content(VEHICLE)), ("DE", content(VEHICLE))]
    # DE fills its batch of 2 first; FR's leftover batch of 1 comes last
    assert list(load(alerts, items, batch=2)) == [2, 1]
    assert store.count() == 3
    page = alerts.list(DE, AlertFilter(limit=10))
    assert sorted(item.alert.issuing_state for item in page.items) == ["DE", "DE", "FR"]
