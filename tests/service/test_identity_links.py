"""Multiple-identity links: made yellow when a person alert's identity agrees with another's,
resolved only by the bureau of the state whose alert made the link, shown by colour, with
their history, audited, erased with an alert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.biometrics.prints import fingers
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content, doc
from tests.service.recorders import Memory

from limes.bootstrap import Limes
from limes.domain.events import EventType
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.service.identity_links import (
    VERIFY_WITHIN,
    Colour,
    IdentityLinkService,
    escalation_level,
)
from limes.service.jobs import SYSTEM
from limes.store.port import Store

DE, FR = make_ctx("DE"), make_ctx("FR")
FR_IMMIGRATION = make_ctx("FR", Role.IMMIGRATION_OFFICER, purpose=Purpose.RETURN)
FR_POLICE = make_ctx("FR", Role.POLICE_OFFICER, purpose=Purpose.POLICE_CHECK)
REFUSAL: dict[str, Any] = doc(
    PERSON,
    category="refusal_of_entry",
    action="refuse_entry",
    warnings=[],
    national_decision={"authority": "Préfecture", "reference": "R-1", "decided_on": "2026-01-15"},
    national_reference="FR-REF-1",
    issuing_authority="Préfecture de police",
)


@pytest.fixture
def app(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


def linked(app: Limes) -> tuple[str, str, str]:
    """DE's arrest, then FR's refusal of entry on the same person: (link, DE's, FR's)."""
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    assert app.identity_links.detect() == 0  # nothing to compare with yet
    refusal = app.alerts.issue(FR, content(REFUSAL)).alert.id
    assert app.identity_links.detect() == 1
    assert app.identity_links.detect() == 0  # the feed position is remembered
    [link] = app.identity_links.of_alert(FR, refusal).links
    return link.id, arrest, refusal


def test_an_agreeing_identity_makes_a_yellow_link_for_the_later_alerts_bureau(
    app: Limes, clock: FixedClock
) -> None:
    link_id, arrest, refusal = linked(app)
    [link] = app.identity_links.of_alert(FR, arrest).links
    assert (link.id, link.alert_id, link.other_id) == (link_id, refusal, arrest)
    assert link.colour is Colour.YELLOW and link.score >= 0.8
    assert link.due_at == clock() + VERIFY_WITHIN
    created = [
        e for e in app.store.events_after(0, 1000) if e.type is EventType.IDENTITY_LINK_CREATED
    ]
    assert [(e.alert_id, e.issuing_state, e.detail["identity_link"]) for e in created] == [
        (refusal, "FR", link_id)
    ]


def test_another_person_is_not_linked(app: Limes) -> None:
    app.alerts.issue(DE, content(PERSON))
    person = {
        **REFUSAL["person"],
        "surnames": [{"latin": "Lindqvist"}],
        "forenames": [{"latin": "Sven"}],
        "date_of_birth": "1961-11-02",
        "documents": [],
    }
    other = doc(REFUSAL, person=person)
    app.alerts.issue(FR, content(other))
    assert app.identity_links.detect() == 0


def test_a_yellow_link_is_seen_by_the_resolving_bureau_only(app: Limes) -> None:
    _, arrest, refusal = linked(app)
    assert len(app.identity_links.of_alert(FR, refusal).links) == 1
    for reader in (DE, FR_POLICE, FR_IMMIGRATION):
        assert app.identity_links.of_alert(reader, arrest).links == ()


def test_only_the_resolving_bureau_resolves_and_the_history_is_kept(
    app: Limes, clock: FixedClock
) -> None:
    link_id, _, _ = linked(app)
    with pytest.raises(NotFound):  # DE does not even see the yellow link
        app.identity_links.resolve(DE, link_id, "red")
    with pytest.raises(InvalidInput):
        app.identity_links.resolve(FR, link_id, "yellow")
    with pytest.raises(Forbidden):
        app.identity_links.resolve(FR_POLICE, link_id, "red")  # not a bureau: the policy
    clock.advance(timedelta(hours=1))
    red = app.identity_links.resolve(FR, link_id, "red")
    assert red.colour is Colour.RED and red.resolved_at == clock()
    assert [c for c, _ in red.history] == ["yellow", "red"]
    with pytest.raises(Forbidden):  # once visible, still not DE's to resolve
        app.identity_links.resolve(DE, link_id, "white")
    resolved = [
        e for e in app.store.events_after(0, 1000) if e.type is EventType.IDENTITY_LINK_RESOLVED
    ]
    assert [(e.detail["colour"], e.detail["to_state"]) for e in resolved] == [("red", "DE")]


def see(app: Limes, reader: Context, alert_id: str) -> list[str]:
    return [k.colour.value for k in app.identity_links.of_alert(reader, alert_id).links]


def test_visibility_follows_the_colour(app: Limes) -> None:
    """The immigration officer may read the refusal of entry, not the arrest."""
    link_id, arrest, refusal = linked(app)
    app.identity_links.resolve(FR, link_id, "red")
    assert see(app, FR_IMMIGRATION, refusal) == ["red"]  # red: either alert readable
    assert see(app, DE, arrest) == ["red"] and see(app, FR_POLICE, arrest) == ["red"]
    for colour in ("white", "green"):
        app.identity_links.resolve(FR, link_id, colour)
        assert see(app, FR_IMMIGRATION, refusal) == []  # white, green: both readable
        assert see(app, DE, arrest) == [colour] and see(app, FR_POLICE, refusal) == [colour]


def test_links_and_resolutions_are_audited(app: Limes) -> None:
    link_id, arrest, refusal = linked(app)
    service = IdentityLinkService(app.search)
    service.audit = Memory()
    service.resolve(FR, link_id, "white")
    service.of_alert(DE, arrest)
    actions = [(e.action, e.outcome.value) for e in service.audit.entries]
    assert actions == [
        ("identity-link:resolve", "attempted"),
        ("identity-link:resolve", "allowed"),
        ("identity-link:read", "allowed"),
    ]
    written = service.audit.entries[1]
    assert written.refs["identity_link"] == link_id and written.refs["colour"] == "white"
    assert {a.id for a in written.alerts} == {arrest, refusal}
    assert written.actor.user_id == FR.principal.user_id  # type: ignore[union-attr]


def test_erasing_an_alert_erases_its_links_and_overdue_ones_are_listed(
    app: Limes, clock: FixedClock
) -> None:
    link_id, arrest, refusal = linked(app)
    assert app.identity_links.overdue() == []
    clock.advance(VERIFY_WITHIN + timedelta(minutes=1))
    assert [k.id for k in app.identity_links.overdue()] == [link_id]
    version = app.alerts.get(DE, arrest).alert.version
    app.alerts.delete(DE, arrest, version)
    assert app.identity_links.of_alert(FR, refusal).links == ()
    assert app.identity_links.overdue() == []


def test_the_escalation_level_rises_per_window_to_three(clock: FixedClock) -> None:
    due = clock()
    assert escalation_level(due, due - timedelta(seconds=1)) == 0
    assert escalation_level(due, due) == 1
    assert escalation_level(due, due + VERIFY_WITHIN) == 2
    assert escalation_level(due, due + 10 * VERIFY_WITHIN) == 3


def overdue_events(app: Limes) -> list[tuple[str, str, str]]:
    return [
        (e.alert_id, e.detail["level"], e.detail["to_state"])
        for e in app.store.events_after(0, 1000)
        if e.type is EventType.IDENTITY_LINK_OVERDUE
    ]


def test_an_overdue_yellow_link_is_escalated_to_its_bureau_once_a_level(
    app: Limes, clock: FixedClock
) -> None:
    link_id, _, refusal = linked(app)
    assert app.identity_links.escalate(SYSTEM).raised == ()  # not due yet
    clock.advance(VERIFY_WITHIN + timedelta(minutes=1))
    assert app.identity_links.escalate(SYSTEM).raised == ((link_id, 1),)
    assert app.identity_links.escalate(SYSTEM).raised == ()  # once a level
    clock.advance(VERIFY_WITHIN)
    assert app.identity_links.escalate(SYSTEM).raised == ((link_id, 2),)
    assert overdue_events(app) == [(refusal, "1", "FR"), (refusal, "2", "FR")]
    with app.store.read() as tx:
        told = [
            (e.kind, e.member_state, e.detail["identity_link"])
            for e in tx.security_events.after(0, 100, "FR")
            if e.kind == "identity.link_overdue"
        ]
    assert told == [("identity.link_overdue", "FR", link_id)] * 2
    app.identity_links.resolve(FR, link_id, "green")
    clock.advance(VERIFY_WITHIN)
    assert app.identity_links.escalate(SYSTEM).raised == ()  # resolved: no more


def test_the_periodic_job_escalates_and_only_the_operator_may(
    app: Limes, clock: FixedClock
) -> None:
    link_id, _, _ = linked(app)
    clock.advance(VERIFY_WITHIN * 5)
    job = next(j for j in app.jobs if j.name == "identity link escalation")
    job.run()
    with app.store.read() as tx:
        [found] = tx.identity_links.overdue(clock(), 10)
    assert (found.id, found.escalation_level) == (link_id, 3)
    with pytest.raises(Forbidden):
        app.identity_links.escalate(FR)


def test_agreeing_fingerprints_link_alerts_whose_names_differ(app: Limes) -> None:
    """DE and FR hold alerts under different names; FR enrols the same person's fingers."""
    arrest = app.alerts.issue(DE, content(PERSON)).alert.id
    person = {**REFUSAL["person"], "surnames": [{"latin": "Lindqvist"}], "documents": []}
    person |= {"forenames": [{"latin": "Sven"}], "date_of_birth": "1961-11-02"}
    refusal = app.alerts.issue(FR, content(doc(REFUSAL, person=person))).alert.id
    stranger = app.alerts.issue(
        DE,
        content(
            doc(
                PERSON,
                person=person | {"surnames": [{"latin": "Okonkwo"}], "date_of_birth": "1990-01-01"},
            )
        ),
    ).alert.id
    assert app.identity_links.detect() == 0  # the names do not agree
    app.biometrics.enrol(DE, arrest, [fingers(0, (1, 2, 3))])
    app.biometrics.enrol(DE, stranger, [fingers(5, (1, 2, 3))])
    assert app.identity_links.detect() == 0  # two persons' fingers
    app.biometrics.enrol(FR, refusal, [fingers(0, (1, 2, 3), capture=1)])
    assert app.identity_links.detect() == 1
    [link] = app.identity_links.of_alert(FR, refusal).links
    assert (link.alert_id, link.other_id, link.colour) == (refusal, arrest, Colour.YELLOW)
    assert link.score >= 0.04
