"""Login with password and TOTP, the session cookie, renewal, timeouts and logout."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock, built
from tests.console.conftest import login
from tests.console.helpers import World, code, csrf_of
from tests.identity.helpers import PASSWORD

from limes.console.app import create_app
from limes.console.session import _safe_next
from limes.store.sqlite import SqliteStore


def test_the_login_sets_strict_httponly_cookies_and_leads_to_the_role_screen(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    page = site.get("/console/login")
    assert "samesite=strict" in page.headers["set-cookie"].lower()
    form = {
        "csrf": csrf_of(page.text),
        "username": "guard-1",
        "password": PASSWORD,
        "totp": code(installed, "guard-1", clock.now),
    }
    answer = site.post("/console/login", data=form)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/border"
    cookies = answer.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("limes_session="))
    assert "httponly" in session.lower() and "samesite=strict" in session.lower()
    assert "path=/console" in session.lower()
    assert site.get("/console/border").status_code == 200


def test_a_wrong_code_is_refused_on_the_form_and_nothing_else_is_said(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    page = site.get("/console/login")
    form = {"csrf": csrf_of(page.text), "username": "guard-1", "password": PASSWORD}
    answer = site.post("/console/login", data=form | {"totp": "000000"})
    assert answer.status_code == 401
    assert "not accepted" in answer.text
    assert "limes_session" not in answer.headers.get("set-cookie", "")


def test_without_a_session_every_screen_leads_to_the_login(site: TestClient) -> None:
    for path in ("/console/border", "/console/sirene", "/console/audit", "/console/"):
        answer = site.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/console/login")


def test_a_login_without_the_csrf_token_is_refused(site: TestClient) -> None:
    site.get("/console/login")
    answer = site.post("/console/login", data={"username": "guard-1", "password": "x"})
    assert answer.status_code == 403


def test_the_token_is_renewed_while_used_and_the_session_ends_when_idle(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    clock.advance(minutes=6)
    answer = site.get("/console/border")
    assert answer.status_code == 200
    assert any(c.startswith("limes_session=") for c in answer.headers.get_list("set-cookie"))
    clock.advance(minutes=16)  # idle: the session ends, as for the API
    assert site.get("/console/border").status_code == 303


def test_logout_ends_the_session_on_the_server(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    token = site.cookies.get("limes_session")
    page = site.get("/console/border")
    answer = site.post("/console/logout", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    site.cookies.set("limes_session", token or "", path="/console")
    assert site.get("/console/border").status_code == 303  # the old token is refused


def test_only_console_paths_are_followed_after_login() -> None:
    assert _safe_next("/console/sirene") == "/console/sirene"
    for bad in ("https://evil.example/console/", "//evil.example/console/", "/v1/alerts", ""):
        assert _safe_next(bad) is None


def test_the_login_page_says_when_nobody_can_log_in(sqlite_store: SqliteStore) -> None:
    limes = built(sqlite_store, FixedClock())  # unsafe development headers: no login
    page = TestClient(create_app(limes)).get("/console/login")
    assert "needs LIMES_AUTH=tokens" in page.text
    limes.close()
