"""The border guard's check screen: persons in any script, MRZ, vehicles, hits recorded."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock
from tests.console.conftest import login
from tests.console.helpers import MRZ, VIN, World, csrf_of
from tests.factories import PERSON, content

from limes.console.border import hit_document
from limes.service.demo import sirene_operator


def _check(site: TestClient, **fields: str) -> str:
    page = site.get("/console/border")
    answer = site.post("/console/border/check", data={"csrf": csrf_of(page.text), **fields})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_a_name_in_cyrillic_finds_the_alert_with_its_warning_and_action(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    html = _check(site, surnames="Иванова", forenames="Olga", date_of_birth="1984")
    assert installed.person_id in html
    assert "armed" in html and "arrest" in html
    assert "Record a hit" in html


def test_hits_tied_beyond_the_limit_are_said_with_the_way_to_narrow_the_check(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    """Eleven namesakes of Иванова Olga, born in other years: asked without a date, the
    ten shown and the two left out score alike, so the screen says two were left out;
    asked with her date, none is."""
    ctx = sirene_operator("sirene-fr", "FR", "namesakes for the tied hits")
    for n in range(11):
        person = {**PERSON["person"], "date_of_birth": f"{1950 + n}-06-01", "documents": []}
        installed.limes.alerts.issue(ctx, content({**PERSON, "person": person}))
    installed.limes.search.engine.catch_up()
    login(site, installed, clock, "guard-1")
    html = _check(site, surnames="Иванова", forenames="Olga")
    assert "2 more hits, equal to the last one shown, were left out by the limit" in html
    narrowed = _check(site, surnames="Иванова", forenames="Olga", date_of_birth="1984-03-17")
    assert "were left out by the limit" not in narrowed


def test_an_mrz_and_a_vin_find_their_alerts(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    assert installed.person_id in _check(site, mrz=MRZ)
    assert installed.vehicle_id in _check(site, vin=VIN)


def test_a_bad_date_is_shown_at_its_field(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    page = site.get("/console/border")
    data = {"csrf": csrf_of(page.text), "surnames": "Ivanova", "date_of_birth": "1984-13-45"}
    answer = site.post("/console/border/check", data=data)
    assert answer.status_code == 400
    assert 'id="date_of_birth-error"' in answer.text
    assert 'aria-invalid="true"' in answer.text


def test_a_hit_is_recorded_with_its_report_and_opens_a_case(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    form = site.get(f"/console/border/hit?alert={installed.person_id}&version=1")
    assert form.status_code == 200, form.text
    data = {
        "csrf": csrf_of(form.text),
        "alert_id": installed.person_id,
        "alert_version": "1",
        "report.identity.confirmed": "yes",
        "report.identity.method": "document",
        "report.place.description": "Frankfurt Airport, Terminal 1",
        "report.place.country": "DE",
        "report.occurred_at": clock.now.strftime("%Y-%m-%dT%H:%M"),
        "report.action.taken": "yes",
        "report.confirmation": "urgent",
    }
    answer = site.post("/console/border/hit", data=data)
    assert answer.status_code == 201, answer.text
    assert "Hit recorded" in answer.text


def test_a_hit_report_missing_its_place_is_refused_at_the_field(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    form = site.get(f"/console/border/hit?alert={installed.person_id}&version=1")
    data = {"csrf": csrf_of(form.text), "alert_id": installed.person_id, "alert_version": "1"}
    answer = site.post("/console/border/hit", data=data)
    assert answer.status_code == 400
    assert 'id="report-place-error"' in answer.text or "report.place" in answer.text


def test_the_hit_document_is_the_apis() -> None:
    found = {
        "alert_id": "01J0000000000000000000000A",
        "alert_version": "2",
        "report.identity.confirmed": "no",
        "report.occurred_at": "2026-06-01T08:30",
        "report.check.place": "A3",
    }
    doc = hit_document(found, check=False)
    assert doc == {
        "alert_id": "01J0000000000000000000000A",
        "alert_version": 2,
        "report": {"identity": {"confirmed": False}, "occurred_at": "2026-06-01T08:30:00Z"},
    }


def test_a_sirene_operator_is_refused_the_border_screen(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-de")
    assert site.get("/console/border").status_code == 403
