"""The console's headers, cookies and CSRF checks, tried as an attacker would."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import FixedClock
from tests.console.conftest import login
from tests.console.helpers import World, csrf_of

from limes.console.security import POLICY


def test_console_pages_carry_the_strict_policy_and_the_api_keeps_its_own(
    site: TestClient,
) -> None:
    page = site.get("/console/login")
    csp = page.headers["content-security-policy"]
    assert csp == POLICY
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in site.get("/v1/health").headers["content-security-policy"]


def test_no_page_holds_an_inline_script_or_style(site: TestClient) -> None:
    html = site.get("/console/login").text
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert 'integrity="sha384-' in html


def test_a_form_from_another_origin_is_refused(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    token = csrf_of(site.get("/console/border").text)
    data = {"csrf": token, "surnames": "Ivanova"}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = site.post("/console/border/check", data=data, headers=headers)
        assert answer.status_code == 403, headers


def test_a_form_with_a_stale_token_is_refused_and_nothing_is_searched(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    site.get("/console/border")
    answer = site.post("/console/border/check", data={"csrf": "x" * 43, "surnames": "Ivanova"})
    assert answer.status_code == 403
    assert installed.person_id not in answer.text


def test_a_form_sent_as_json_is_refused(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    answer = site.post("/console/border/check", json={"surnames": "Ivanova"})
    assert answer.status_code in (403, 415)


def test_a_token_in_a_header_does_not_open_the_console(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    login(site, installed, clock, "guard-1")
    token = site.cookies.get("limes_session")
    site.cookies.clear()
    answer = site.get("/console/border", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 303


def test_every_console_form_refuses_a_post_without_its_token(
    site: TestClient, installed: World, clock: FixedClock
) -> None:
    """Each POST route of the console, the new ones included, is refused before it acts
    when the CSRF field does not match the cookie."""
    from starlette.routing import Route
    from tests.conftest import make_ctx

    from limes.console.app import ROUTERS

    login(site, installed, clock, "sirene-fr")
    site.get("/console/sirene")  # the CSRF cookie
    posts = [
        r.path
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, Route) and "POST" in (r.methods or ())
    ]
    assert len(posts) >= 14
    for path in posts:
        url = path
        for name in ("alert_id", "case_id", "request_id"):
            url = url.replace("{" + name + "}", installed.person_id)
        answer = site.post(url, data={"csrf": "forged", "op": "link"})
        assert answer.status_code == 403, (path, answer.status_code)
    view = installed.limes.alerts.get(make_ctx("FR"), installed.person_id)
    assert view.links == () and view.alert.version == 1
