"""The data protection officer's screens: records with verified proofs, who searched for
a person, security events and break-glass decisions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock
from tests.console.conftest import login
from tests.console.helpers import World, csrf_of

from limes.console.audit import _tokens


def _search_as_guard(site: TestClient, installed: World, clock: FixedClock) -> None:
    login(site, installed, clock, "guard-1")
    page = site.get("/console/border")
    data = {"csrf": csrf_of(page.text), "surnames": "Иванова", "forenames": "Olga"}
    assert site.post("/console/border/check", data=data).status_code == 200
    site.cookies.clear()


def test_the_dpo_finds_who_searched_for_a_person(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    _search_as_guard(site, installed, clock)
    login(site, installed, clock, "dpo-de")
    params = {"user": "guard-1", "surname": "Иванова", "forename": "Olga"}
    answer = site.get("/console/audit", params=params)
    assert answer.status_code == 200, answer.text
    assert "search:persons" in answer.text
    assert "searched for this person" in answer.text
    assert "in the signed log" in answer.text and "proof fails" not in answer.text
    assert "signature verified" in answer.text


def test_the_dpo_lists_every_access_to_an_alert(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    _search_as_guard(site, installed, clock)
    login(site, installed, clock, "dpo-de")
    answer = site.get("/console/audit", params={"alert_id": installed.person_id})
    assert answer.status_code == 200
    assert "guard-1@AUTH/DE" in answer.text


def test_naming_both_an_alert_and_a_user_is_refused_on_the_form(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "dpo-de")
    answer = site.get("/console/audit", params={"alert_id": installed.person_id, "user": "x"})
    assert answer.status_code == 400
    assert "alert_id-error" in answer.text


def test_security_events_and_break_glass_pages_open_for_the_dpo_only(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "dpo-de")
    assert site.get("/console/audit/events").status_code == 200
    assert site.get("/console/audit/breakglass").status_code == 200
    site.cookies.clear()
    clock.advance(seconds=31)
    login(site, installed, clock, "guard-1")
    assert site.get("/console/audit").status_code == 403
    assert site.get("/console/audit/events").status_code == 403


def test_every_token_of_the_answer_is_collected() -> None:
    assert _tokens({"searched": {"names": ["a", "b"], "dob": "c"}, "n": 3}) == {"a", "b", "c"}
