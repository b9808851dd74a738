"""Issue 11, findings 8-10: every access at the door is recorded, login abuse is answered
before Argon2 runs, and a session has an absolute lifetime.

The application runs with ``LIMES_AUTH=tokens`` (``test_tokens.py``'s fixtures) and the
audit log that ``build`` places beside the store; ``trail`` reads every record of it.
"""

# ruff: noqa: F811 - the token-mode fixtures are imported from test_tokens and used as arguments
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.api.helpers import TestClient, assert_problem
from tests.api.test_tokens import (  # noqa: F401 - fixtures
    accounts,
    api,
    api_clock,
    bearer,
    limes_settings,
    login,
    user,
)
from tests.conftest import FixedClock
from tests.identity.helpers import PASSWORD, code

from limes.audit.record import parse
from limes.bootstrap import Limes
from limes.domain.accounts import Account
from limes.identity.passwords import Passwords
from limes.service import login_limits
from limes.service.refusals import FULL_PER_MINUTE

FORGED = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6IngiLCJ0eXAiOiJKV1QifQ."
    "eyJpc3MiOiJsaW1lcyIsInN1YiI6IngifQ.c2lnbmF0dXJl"
)


def trail(limes: Limes, action: str | None = None) -> list[dict[str, Any]]:
    with limes.audit.store.read() as tx:
        found = [parse(row[5]) for row in tx.all_records()]
    return [r for r in found if action is None or r["action"] == action]


def outcomes(records: list[dict[str, Any]]) -> list[str]:
    return [r["outcome"] for r in records]


# -- finding 8: accesses with no record ----------------------------------------------------


def test_refresh_is_recorded_with_its_user_and_session(
    api: TestClient, limes: Limes, user: Account, clock: FixedClock
) -> None:
    first = login(api, user, clock)
    assert api.post("/v1/auth/refresh", headers=bearer(first["token"])).status_code == 200

    (refresh,) = trail(limes, "auth:refresh")
    assert refresh["outcome"] == "allowed"
    assert (refresh["user"], refresh["member_state"]) == ("guard-1", "DE")
    assert refresh["refs"]["session"] == first["session_id"]


def test_logout_is_recorded_with_its_user(
    api: TestClient, limes: Limes, user: Account, clock: FixedClock
) -> None:
    token = login(api, user, clock)["token"]
    assert api.post("/v1/auth/logout", headers=bearer(token)).status_code == 204

    records = trail(limes, "auth:logout")
    assert outcomes(records) == ["attempted", "allowed"]
    assert {r["user"] for r in records} == {"guard-1"}
    assert {r["session"] for r in records} == {login_session(records)}


def login_session(records: list[dict[str, Any]]) -> str:
    session: str = records[0]["session"]
    assert session
    return session


def test_a_forged_or_expired_token_is_recorded_at_the_door(
    api: TestClient, limes: Limes, user: Account, clock: FixedClock
) -> None:
    token = login(api, user, clock)["token"]
    assert api.get("/v1/categories", headers=bearer(FORGED)).status_code == 401
    clock.advance(minutes=17)  # past the token's 15 minutes and its leeway
    assert api.get("/v1/categories", headers=bearer(token)).status_code == 401

    forged, expired = trail(limes, "door:unauthenticated")
    for record in (forged, expired):
        assert record["outcome"] == "refused"
        assert record["refs"]["status"] == 401
        assert record["refs"]["client"] == "testclient"
        assert record["refs"]["path"] == "/v1/categories"
    assert "expired" in expired["reason"]


def test_a_rate_limited_request_is_recorded_with_its_principal(
    api: TestClient, limes: Limes, user: Account, clock: FixedClock
) -> None:
    token = login(api, user, clock)["token"]
    limited = 0
    for _ in range(limes.usage.limits.burst + 1):
        answer = api.get("/v1/alerts", headers=bearer(token, "border_check"))
        limited += answer.status_code == 429
    assert limited == 1

    (record,) = trail(limes, "door:rate-limited")
    assert record["user"] == "guard-1" and record["refs"]["status"] == 429


def test_a_flood_of_refusals_is_folded_into_a_counted_summary(
    api: TestClient, limes: Limes, clock: FixedClock
) -> None:
    clock.set(clock.now.replace(second=0))
    for _ in range(FULL_PER_MINUTE + 90):
        assert api.get("/v1/categories", headers=bearer(FORGED)).status_code == 401
    assert len(trail(limes, "door:unauthenticated")) == FULL_PER_MINUTE

    clock.advance(minutes=1)  # the next minute's first refusal closes the last one
    assert api.get("/v1/categories", headers=bearer(FORGED)).status_code == 401
    records = trail(limes, "door:unauthenticated")
    summary = records[FULL_PER_MINUTE]
    assert summary["refs"]["folded"] == 90 and summary["refs"]["recorded"] == FULL_PER_MINUTE
    assert summary["refs"]["client"] == "testclient"
    assert len(records) == FULL_PER_MINUTE + 2  # the summary and the new minute's first


def test_a_refusal_a_use_case_recorded_is_not_recorded_again(
    api: TestClient, limes: Limes, user: Account, clock: FixedClock
) -> None:
    wrong = {"username": "guard-1", "password": "wrong password 1", "totp": "000000"}
    assert api.post("/v1/auth/login", json=wrong).status_code == 401
    assert outcomes(trail(limes, "auth:login")) == ["attempted", "refused"]
    assert trail(limes, "door:unauthenticated") == []


# -- NUL: refused as invalid input at the door, on every store ----------------------------


@pytest.mark.parametrize(
    ("method", "path", "query", "body"),
    [
        ("POST", "/v1/auth/login", None, {"username": "a\u0000b", "password": "x" * 12,
                                          "totp": "123456"}),
        ("GET", "/v1/alerts", {"limit": "1\u0000"}, None),
    ],
)  # fmt: skip
def test_nul_is_refused_before_the_store(
    api: TestClient,
    limes: Limes,
    user: Account,
    clock: FixedClock,
    method: str,
    path: str,
    query: dict[str, str] | None,
    body: dict[str, str] | None,
) -> None:
    token = login(api, user, clock)["token"]
    before = len(trail(limes))
    answer = api.request(
        method, path, params=query, json=body, headers=bearer(token, "border_check")
    )
    problem = assert_problem(answer, 400, "invalid-input")
    assert "U+0000" in problem["detail"]
    assert len(trail(limes)) == before  # nothing reached a use case


# -- finding 9: login abuse ---------------------------------------------------------------


class HashSpy:
    """Counts the Argon2 verifications of the application's password hasher."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = Passwords.verify

        def verify(passwords: Passwords, stored: str | None, password: str) -> bool:
            self.calls += 1
            return original(passwords, stored, password)

        monkeypatch.setattr(Passwords, "verify", verify)


def attempt(api: TestClient, username: str, address: str, **fields: str) -> int:
    body = {"username": username, "password": "wrong password 1", "totp": "000000", **fields}
    # the test client's address is fixed; the door reads the client from the ASGI scope
    answer = api.post("/v1/auth/login", json=body, headers={"X-Test-Client": address})
    return answer.status_code


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> HashSpy:
    return HashSpy(monkeypatch)


@pytest.fixture
def addressed(limes: Limes) -> TestClient:
    """The application behind a shim that sets the client address from ``X-Test-Client``."""
    from limes.api.app import create_app

    app = create_app(limes)

    async def shim(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-test-client":
                    scope = {**scope, "client": (value.decode(), 50000)}
        await app(scope, receive, send)

    return TestClient(shim)


def test_a_flood_of_unknown_usernames_from_one_address_stops_hashing(
    addressed: TestClient, spy: HashSpy
) -> None:
    answers = [attempt(addressed, f"nobody-{i}", "203.0.113.9") for i in range(60)]

    assert answers[: login_limits.ADDRESS_FREE] == [401] * login_limits.ADDRESS_FREE
    assert set(answers[login_limits.ADDRESS_FREE :]) == {429}
    assert spy.calls == login_limits.ADDRESS_FREE


def test_the_address_waits_twice_as_long_after_each_attempt(
    addressed: TestClient, clock: FixedClock
) -> None:
    for i in range(login_limits.ADDRESS_FREE):
        assert attempt(addressed, f"nobody-{i}", "203.0.113.9") == 401
    assert attempt(addressed, "someone", "203.0.113.9") == 429
    clock.advance(seconds=1)
    assert attempt(addressed, "someone", "203.0.113.9") == 401  # waited 1 s; now 2 s
    clock.advance(seconds=1)
    assert attempt(addressed, "someone", "203.0.113.9") == 429
    clock.advance(seconds=1)
    assert attempt(addressed, "someone", "203.0.113.9") == 401
    assert attempt(addressed, "someone", "198.51.100.1") == 401  # other addresses unaffected


def test_a_guessed_username_is_guarded_not_locked_and_its_holder_gets_in(
    addressed: TestClient, limes: Limes, user: Account, clock: FixedClock, spy: HashSpy
) -> None:
    holder_session = login(addressed, user, clock)["token"]
    clock.advance(seconds=30)
    spy.calls = 0
    answers = [attempt(addressed, "guard-1", f"198.51.100.{i}") for i in range(40)]

    assert answers[: login_limits.USERNAME_FREE] == [401] * login_limits.USERNAME_FREE
    assert set(answers[login_limits.USERNAME_FREE :]) == {429}
    assert spy.calls == login_limits.USERNAME_FREE  # a guarded username costs no hash
    # the holder's session lives on, and the holder, who has the code, logs in
    assert addressed.get("/v1/categories", headers=bearer(holder_session)).status_code == 200
    good = {"totp": code(user, clock.now), "password": PASSWORD}
    assert attempt(addressed, "guard-1", "192.0.2.7", **good) == 200
    # which lifts the guard: a wrong password is checked again (401, not 429)
    assert attempt(addressed, "guard-1", "192.0.2.8") == 401


def test_limits_are_shared_by_every_server_process(
    limes: Limes, tmp_path: Path, clock: FixedClock, spy: HashSpy
) -> None:
    from limes.api.app import create_app
    from limes.bootstrap import build

    other = build(limes.settings, store=limes.store, clock=clock)  # a second worker
    first, second = TestClient(create_app(limes)), TestClient(create_app(other))
    for i in range(login_limits.ADDRESS_FREE):
        client = first if i % 2 else second
        body = {"username": f"nobody-{i}", "password": "wrong password 1", "totp": "000000"}
        assert client.post("/v1/auth/login", json=body).status_code == 401
    body = {"username": "nobody", "password": "wrong password 1", "totp": "000000"}
    assert first.post("/v1/auth/login", json=body).status_code == 429
    assert second.post("/v1/auth/login", json=body).status_code == 429
    assert spy.calls == login_limits.ADDRESS_FREE


def test_login_limit_refusals_are_recorded_at_the_door(addressed: TestClient, limes: Limes) -> None:
    for i in range(login_limits.ADDRESS_FREE + 3):
        attempt(addressed, f"nobody-{i}", "203.0.113.9")
    limited = trail(limes, "door:rate-limited")
    assert len(limited) == 3
    assert {r["refs"]["client"] for r in limited} == {"203.0.113.9"}
    assert {r["refs"]["path"] for r in limited} == {"/v1/auth/login"}


# -- finding 10: absolute session lifetime -------------------------------------------------


def test_a_session_ends_12_hours_after_login_however_busy(
    api: TestClient, user: Account, clock: FixedClock
) -> None:
    token = login(api, user, clock)["token"]
    for _ in range(12 * 6 - 1):  # a refresh every 10 minutes for 11 h 50 min
        clock.advance(minutes=10)
        answer = api.post("/v1/auth/refresh", headers=bearer(token))
        assert answer.status_code == 200, answer.text
        token = answer.json()["token"]
    clock.advance(minutes=10)  # 12 hours after the login
    refused = api.post("/v1/auth/refresh", headers=bearer(token))
    assert "12 hours" in assert_problem(refused, 401, "unauthenticated")["detail"]
