"""Issuing and updating an alert from the SIRENE screen, its category's rules as fields."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock
from tests.console.conftest import login
from tests.console.helpers import World, csrf_of

from limes.console.alerts import content_document, script_of, values_of
from limes.domain.categories import CATEGORIES, CategoryCode

ARREST = {
    "category": "arrest",
    "action": "arrest",
    "issuing_authority": "Bundeskriminalamt",
    "national_reference": "BKA-2026-0777",
    "reason": "European Arrest Warrant for fraud",
    "warnings.violent": "on",
    "person.surnames": "Petrenko | Петренко",
    "person.forenames": "Taras",
    "person.date_of_birth": "1979-04-02",
    "person.gender": "male",
    "person.nationalities": "ua",
    "national_decision.authority": "Amtsgericht Köln",
    "national_decision.reference": "EAW-3/26",
    "national_decision.decided_on": "2026-02-01",
}


def test_the_form_shows_the_categorys_rules(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-de")
    arrest = site.get("/console/sirene/alerts/new?category=arrest").text
    assert "National decision (required)" in arrest and 'value="arrest"' in arrest
    vehicle = site.get("/console/sirene/alerts/new?category=object_seizure").text
    assert "Object type" in vehicle and "National decision" not in vehicle
    assert site.get("/console/sirene/alerts/new?category=nothing").status_code == 404


def test_an_alert_is_issued_then_updated_on_its_version(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-de")
    page = site.get("/console/sirene/alerts/new?category=arrest")
    answer = site.post("/console/sirene/alerts", data={"csrf": csrf_of(page.text), **ARREST})
    assert answer.status_code == 303, answer.text
    shown = site.get(answer.headers["location"])
    assert "The alert is issued." in shown.text and "Петренко" in shown.text
    alert_id = answer.headers["location"].split("/")[-1].split("?")[0]
    changed = {"csrf": csrf_of(shown.text), **ARREST, "reason": "EAW for fraud and forgery"}
    saved = site.post(f"/console/sirene/alerts/{alert_id}", data=changed | {"version": "1"})
    assert saved.status_code == 303, saved.text
    stale = site.post(f"/console/sirene/alerts/{alert_id}", data=changed | {"version": "1"})
    assert stale.status_code == 409


def test_only_the_issuing_state_is_shown_the_update_form(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    """FR issued the person alert: its bureau may update it; DE's sees the facts, links
    and flags, never a form whose writes the service would refuse."""
    page = f"/console/sirene/alerts/{installed.person_id}"
    action = f'action="/console/sirene/alerts/{installed.person_id}"'
    login(site, installed, clock, "sirene-fr")
    own = site.get(page).text
    assert "Update the alert" in own and action in own
    login(site, installed, clock, "sirene-de")
    foreign = site.get(page)
    assert foreign.status_code == 200 and "Issued by" in foreign.text
    assert "Update the alert" not in foreign.text and action not in foreign.text


def test_a_missing_national_decision_is_shown_at_its_fields(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-de")
    page = site.get("/console/sirene/alerts/new?category=arrest")
    data = {k: v for k, v in ARREST.items() if not k.startswith("national_decision")}
    answer = site.post("/console/sirene/alerts", data={"csrf": csrf_of(page.text), **data})
    assert answer.status_code == 400
    assert "error" in answer.text and "national" in answer.text.lower()


def test_a_border_guard_cannot_issue(site: TestClient, installed: World, clock: FixedClock) -> None:
    login(site, installed, clock, "guard-1")
    assert site.get("/console/sirene/alerts/new").status_code == 403


def test_the_document_and_the_fields_are_each_others_inverse() -> None:
    category = CATEGORIES[CategoryCode.ARREST]
    doc = content_document(ARREST, category)
    assert doc["person"]["surnames"] == (
        {"latin": "Petrenko", "original": "Петренко", "script": "Cyrl"},
    )
    assert doc["warnings"] == ("violent",)
    back = values_of(
        {**doc, "person": {**doc["person"], "surnames": list(doc["person"]["surnames"])}}
    )
    assert back["person.surnames"] == "Petrenko | Петренко"
    assert back["warnings.violent"] == "on"


def test_the_script_of_an_original_name() -> None:
    assert script_of("Петренко") == "Cyrl"
    assert script_of("Παπαδόπουλος") == "Grek"
    assert script_of("Smith") is None
