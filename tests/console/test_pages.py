"""Screens by role, and refusals as pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock, make_ctx
from tests.console.conftest import login
from tests.console.helpers import World

from limes.console.pages import Screen, screens_of
from limes.domain.roles import Role


def test_each_role_sees_its_own_screens() -> None:
    assert screens_of(make_ctx("DE", Role.BORDER_GUARD).principal) == [Screen.BORDER]
    assert screens_of(make_ctx("DE", Role.SIRENE_OPERATOR).principal) == [Screen.SIRENE]
    dpo = make_ctx("DE", Role.DATA_PROTECTION_OFFICER).principal
    assert screens_of(dpo) == [Screen.AUDIT]
    assert screens_of(make_ctx("DE", Role.VISA_OFFICER).principal) == []


def test_the_menu_names_only_the_users_screens(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    html = site.get("/console/border").text
    assert 'href="/console/border"' in html
    assert 'href="/console/sirene"' not in html and 'href="/console/audit"' not in html


def test_a_user_without_a_console_role_is_told_so(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "visa-de")
    answer = site.get("/console/")
    assert answer.headers["location"] == "/console/none"
    assert "No screen for your roles" in site.get("/console/none").text


def test_an_unknown_case_is_a_page_not_a_problem_document(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "sirene-de")
    answer = site.get("/console/sirene/cases/01J00000000000000000000000")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
