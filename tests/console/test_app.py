"""One application serves the API and the console; the console is not in the OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_api_and_the_console_are_served_together(site: TestClient) -> None:
    assert site.get("/v1/health").status_code == 200
    assert site.get("/console/login").status_code == 200
    paths = site.get("/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/console")]


def test_serve_runs_the_console_application() -> None:
    from pathlib import Path

    from limes.cli import serve

    source = Path(serve.__file__).read_text()
    assert "limes.console.app:from_environment" in source


def test_the_development_server_logs_the_demo_users_in(tmp_path: object, clock: object) -> None:
    """``make run``: the API takes the unsafe header, the console logs in the demo's users
    with password and TOTP (``limes dev accounts``)."""
    from pathlib import Path

    from tests.conftest import dev_settings
    from tests.console.helpers import csrf_of

    from limes.audit.heads import ensure_audit_key
    from limes.bootstrap import build
    from limes.config import AuthMode, Environment
    from limes.console.app import console_logins, create_app
    from limes.identity import totp
    from limes.identity.tokens import ensure_signing_key
    from limes.service.demo_accounts import DemoAccounts

    settings = dev_settings(var_dir=Path(str(tmp_path)) / "var")
    assert settings.auth is AuthMode.UNSAFE_DEV_HEADERS
    settings.var_dir.mkdir(mode=0o700)
    ensure_audit_key(settings.audit_key_path)
    limes = build(settings, clock=clock)  # type: ignore[arg-type]  # a FixedClock
    try:
        limes.store.migrate()
        assert console_logins(limes, create_app(limes).state.authenticator) is None  # no key
        ensure_signing_key(settings.token_key_path)
        site = TestClient(create_app(limes), follow_redirects=False)
        guard = DemoAccounts(limes.accounts, Environment.DEVELOPMENT).issue_all()[0]
        page = site.get("/console/login")
        assert "nobody can log in" not in page.text
        form = {
            "csrf": csrf_of(page.text),
            "username": guard.user.username,
            "password": guard.password,
            "totp": totp.code_at(guard.totp_secret, limes.accounts.clock()),
            "next": "",
        }
        answer = site.post("/console/login", data=form)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/border"
        assert site.get("/console/border").status_code == 200
        unsafe = {"X-Limes-Unsafe-Principal": "demo@SIRENE/DE;roles=sirene_operator"}
        assert site.get("/v1/alerts", headers=unsafe | {"X-Limes-Purpose": "sirene"}).is_success
    finally:
        limes.close()
