"""``POST /v1/auth/enrol``: the holder, not an operator, sets a new account's secrets."""

from __future__ import annotations

from tests.api.helpers import TestClient, assert_problem
from tests.api.test_tokens import api_clock, limes_settings  # noqa: F401 - the token server
from tests.conftest import FixedClock
from tests.identity.helpers import PASSWORD, admit, founders, guard

from limes.api.app import create_app
from limes.bootstrap import Limes
from limes.identity import totp


def test_the_holder_enrols_and_logs_in(limes: Limes, clock: FixedClock) -> None:
    accounts = limes.accounts
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


def test_enrolment_needs_a_token_server(client: TestClient) -> None:
    form = {"username": "guard-1", "code": "AAAAA", "password": PASSWORD}
    assert_problem(client.post("/v1/auth/enrol", json=form), 401, "unauthenticated")
