"""``POST /v1/auth/enrol``: the holder, not an operator, sets a new account's secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.helpers import TestClient, assert_problem
from tests.conftest import FixedClock
from tests.identity.helpers import PASSWORD, admit, founders, guard

from limes.api.app import create_app
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.identity import totp
from limes.identity.tokens import ensure_signing_key
from limes.service.accounts import accounts_for
from limes.store.sqlite import SqliteStore


@pytest.fixture
def limes(tmp_path: Path, clock: FixedClock) -> Iterator[Limes]:
    settings = Settings(
        var_dir=tmp_path / "var",
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.TOKENS,
        test_only_weak_password_hashing=True,
        test_only_fixed_keyring=True,
    )
    ensure_signing_key(settings.token_key_path)
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    yield build(settings, store=store, clock=clock)
    store.close()


def test_the_holder_enrols_and_logs_in(limes: Limes, clock: FixedClock) -> None:
    accounts = accounts_for(limes)
    founders(accounts)
    code = admit(accounts, "op-de", "op-de-2", guard()).enrolment_codes["guard-1"]
    api = TestClient(create_app(limes))
    form = {"username": "guard-1", "code": code, "password": PASSWORD}

    refused = api.post("/v1/auth/enrol", json={**form, "code": "AAAAA-AAAAA-AAAAA-AAAAA"})
    assert "not accepted" in assert_problem(refused, 401, "unauthenticated")["detail"]
    short = api.post("/v1/auth/enrol", json={**form, "password": "short"})
    assert_problem(short, 400, "invalid-input")
    assert_problem(api.post("/v1/auth/enrol", json={**form, "extra": 1}), 400, "invalid-input")

    enrolled = api.post("/v1/auth/enrol", json=form)
    assert enrolled.status_code == 200, enrolled.text
    uri = enrolled.json()["totp_provisioning_uri"]
    assert enrolled.json()["username"] == "guard-1" and uri.startswith("otpauth://totp/")
    secret = uri.split("secret=")[1].split("&")[0]
    login = {"username": "guard-1", "password": PASSWORD, "totp": totp.code_at(secret, clock())}
    assert api.post("/v1/auth/login", json=login).status_code == 200
    again = api.post("/v1/auth/enrol", json=form)  # the code worked once
    assert_problem(again, 401, "unauthenticated")


def test_enrolment_needs_a_token_server(tmp_path: Path, clock: FixedClock) -> None:
    settings = Settings(
        var_dir=tmp_path / "var",
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        test_only_fixed_keyring=True,
    )
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    try:
        api = TestClient(create_app(build(settings, store=store, clock=clock)))
        form = {"username": "guard-1", "code": "AAAAA", "password": PASSWORD}
        assert_problem(api.post("/v1/auth/enrol", json=form), 401, "unauthenticated")
    finally:
        store.close()
