"""Who is calling, at the HTTP door: refusing everyone unless configured, the unsafe
development header only in development and only when well formed, each refusal a 401
with its challenge (bearer tokens: ``test_tokens.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.api.helpers import (
    DE_SIRENE,
    FR_SIRENE,
    PERSON,
    TestClient,
    assert_problem,
    body,
    headers,
    state_of,
)
from tests.conftest import TEST_KEYRING

from limes.api.app import create_app
from limes.bootstrap import build
from limes.config import AuthMode, Settings, SettingsError
from limes.store.sqlite import SqliteStore


def test_no_principal_header_is_401_with_a_challenge(client: TestClient) -> None:
    response = client.get("/v1/alerts", headers=headers(principal=None))

    problem = assert_problem(response, 401, "unauthenticated")
    assert "X-Limes-Unsafe-Principal" in problem["detail"]
    assert response.headers["www-authenticate"] == 'UnsafeDevHeader realm="limes"'


def test_refuse_all_is_the_default_and_refuses_everyone(db: SqliteStore) -> None:
    limes = build(
        Settings(var_dir=Path("unused"), search_snapshot_seconds=0), store=db, keyring=TEST_KEYRING
    )
    client = TestClient(create_app(limes))

    for method, url in (("GET", "/v1/alerts"), ("POST", "/v1/alerts"), ("GET", "/v1/categories")):
        response = client.request(method, url, content=body(PERSON), headers=headers())
        problem = assert_problem(response, 401, "unauthenticated")
        assert "no authentication method is configured" in problem["detail"]
        assert response.headers["www-authenticate"] == 'Unconfigured realm="limes"'
    assert client.get("/v1/health").status_code == 200
    assert state_of(db) == (0, [])


def test_unsafe_headers_are_refused_outside_development(db: SqliteStore) -> None:
    settings = Settings(
        var_dir=Path("unused"), auth=AuthMode.UNSAFE_DEV_HEADERS, search_snapshot_seconds=0
    )

    with pytest.raises(SettingsError, match="development"):
        create_app(build(settings, store=db, keyring=TEST_KEYRING))


@pytest.mark.parametrize(
    "principal",
    [
        "sirene-1@SIRENE-DE/DEU;roles=sirene_operator",  # alpha-3
        "sirene-1@SIRENE-DE/XX;roles=sirene_operator",  # no such country
        "sirene-1@SIRENE-DE/US;roles=sirene_operator",  # not a member state
        "sirene-1@SIRENE-DE/de;roles=sirene_operator",  # lower case
        "sirene-1@SIRENE-DE/DE;roles=superuser",  # no such role
        "sirene-1@SIRENE-DE/DE;roles=",  # no role
        "sirene-1@SIRENE-DE/DE;roles=sirene_operator,",  # empty role
        "sirene-1@SIRENE-DE/DE",  # no roles part
        "sirene 1@SIRENE-DE/DE;roles=sirene_operator",  # space in user
        "@SIRENE-DE/DE;roles=sirene_operator",  # empty user
        f"{'u' * 65}@SIRENE-DE/DE;roles=sirene_operator",  # user too long
        "sirene-1@SIRENE/DE/DE;roles=sirene_operator",  # slash in authority
    ],
)
def test_malformed_principal_is_401(client: TestClient, principal: str) -> None:
    response = client.get("/v1/alerts", headers=headers(principal))

    assert_problem(response, 401, "unauthenticated")


def test_principal_header_given_twice_is_401(client: TestClient) -> None:
    raw = [
        ("X-Limes-Unsafe-Principal", DE_SIRENE),
        ("X-Limes-Unsafe-Principal", FR_SIRENE),
        ("X-Limes-Purpose", "sirene"),
    ]
    assert_problem(client.get("/v1/alerts", headers=raw), 401, "unauthenticated")
