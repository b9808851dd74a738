"""Refusals: each leaves as an RFC 9457 problem with its status, type and fields,
and leaves the store as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.api.helpers import (
    DE_BORDER,
    DE_SIRENE,
    FR_SIRENE,
    PERSON,
    TestClient,
    assert_problem,
    body,
    copied,
    headers,
    state_of,
)
from tests.conftest import TEST_KEYRING

from limes.api.app import SECURITY_HEADERS, create_app
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Settings, SettingsError
from limes.domain.ids import new_id
from limes.store.sqlite import SqliteStore

# -- authentication --------------------------------------------------------------------


def test_no_principal_header_is_401_with_a_challenge(client: TestClient) -> None:
    response = client.get("/v1/alerts", headers=headers(principal=None))

    problem = assert_problem(response, 401, "unauthenticated")
    assert "X-Limes-Unsafe-Principal" in problem["detail"]
    assert response.headers["www-authenticate"] == 'UnsafeDevHeader realm="limes"'


def test_refuse_all_is_the_default_and_refuses_everyone(db: SqliteStore) -> None:
    limes = build(Settings(var_dir=Path("unused")), store=db, keyring=TEST_KEYRING)
    client = TestClient(create_app(limes))

    for method, url in (("GET", "/v1/alerts"), ("POST", "/v1/alerts"), ("GET", "/v1/categories")):
        response = client.request(method, url, content=body(PERSON), headers=headers())
        problem = assert_problem(response, 401, "unauthenticated")
        assert "no authentication method is configured" in problem["detail"]
        assert response.headers["www-authenticate"] == 'Unconfigured realm="limes"'
    assert client.get("/v1/health").status_code == 200
    assert state_of(db) == (0, [])


def test_unsafe_headers_are_refused_outside_development(db: SqliteStore) -> None:
    settings = Settings(var_dir=Path("unused"), auth=AuthMode.UNSAFE_DEV_HEADERS)

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


@pytest.mark.parametrize("purpose", [None, "", "curiosity", "SIRENE"])
def test_missing_or_unknown_purpose_is_400(client: TestClient, purpose: str | None) -> None:
    response = client.get("/v1/alerts", headers=headers(purpose=purpose))

    problem = assert_problem(response, 400, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == ["/header/X-Limes-Purpose"]


# -- authorisation ---------------------------------------------------------------------


def test_write_to_a_foreign_states_alert_is_403(
    client: TestClient, issued: dict[str, Any], db: SqliteStore
) -> None:
    before = state_of(db)
    url = f"/v1/alerts/{issued['id']}"

    update = client.put(url, content=body(PERSON), headers=headers(FR_SIRENE, If_Match='"1"'))
    delete = client.delete(url, headers=headers(FR_SIRENE, If_Match='"1"'))

    assert "belongs to DE" in assert_problem(update, 403, "forbidden")["detail"]
    assert_problem(delete, 403, "forbidden")
    assert state_of(db) == before


@pytest.mark.parametrize(
    ("principal", "purpose"),
    [
        (DE_BORDER, "border_check"),  # border guards read, never issue
        (DE_SIRENE, "border_check"),  # a SIRENE operator acts for the SIRENE purpose only
        ("dpo-1@BfDI/DE;roles=data_protection_officer", "data_protection"),
        ("ops-1@ITZ/DE;roles=system_operator", "operations"),
    ],
)
def test_issue_by_a_role_or_purpose_the_policy_does_not_name_is_403(
    client: TestClient, db: SqliteStore, principal: str, purpose: str
) -> None:
    response = client.post("/v1/alerts", content=body(PERSON), headers=headers(principal, purpose))

    assert "no rule lets" in assert_problem(response, 403, "forbidden")["detail"]
    assert state_of(db) == (0, [])


def test_reading_without_a_permitted_purpose_is_403(
    client: TestClient, issued: dict[str, Any]
) -> None:
    response = client.get(f"/v1/alerts/{issued['id']}", headers=headers(DE_BORDER, "visa"))

    assert_problem(response, 403, "forbidden")


# -- resources and routes --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/alerts/not-an-id",
        "/v1/alerts/01M8MYBXM1J1YMAHCVRVY2B24I",  # I is not Crockford base32
        "/v1/alerts/01M8MYBXM1J1YMAHCVRVY2B24YY",  # 27 characters
    ],
)
def test_malformed_alert_id_is_404(client: TestClient, path: str) -> None:
    assert_problem(client.get(path, headers=headers()), 404, "not-found")


def test_unknown_alert_is_404(client: TestClient) -> None:
    assert_problem(client.get(f"/v1/alerts/{new_id()}", headers=headers()), 404, "not-found")


def test_flag_of_a_non_member_state_is_404(client: TestClient, issued: dict[str, Any]) -> None:
    url = f"/v1/alerts/{issued['id']}/flags/US"
    assert_problem(client.delete(url, headers=headers()), 404, "not-found")


def test_unknown_route_and_wrong_method_are_problems(client: TestClient) -> None:
    unknown = client.get("/v1/nothing-here", headers=headers())
    trailing = client.get("/v1/alerts/", headers=headers())
    wrong = client.patch("/v1/alerts", headers=headers())

    assert_problem(unknown, 404, "not-found")
    assert_problem(trailing, 404, "not-found")
    assert_problem(wrong, 405, "method-not-allowed")
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "POST"}


def test_deleted_alert_is_410(client: TestClient, issued: dict[str, Any], db: SqliteStore) -> None:
    url = f"/v1/alerts/{issued['id']}"
    assert client.delete(url, headers=headers(If_Match='"1"')).status_code == 204
    before = state_of(db)

    assert_problem(client.get(url, headers=headers()), 410, "gone")
    assert_problem(
        client.put(url, content=body(PERSON), headers=headers(If_Match='"2"')), 410, "gone"
    )
    assert state_of(db) == before


def test_second_alert_of_a_state_on_the_same_subject_is_409(
    client: TestClient, issued: dict[str, Any], db: SqliteStore
) -> None:
    before = state_of(db)
    again = copied(PERSON)
    again["national_reference"] = "BKA-2026-0002"

    response = client.post("/v1/alerts", content=body(again), headers=headers())

    assert issued["id"] in assert_problem(response, 409, "conflict")["detail"]
    assert state_of(db) == before


# -- preconditions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("if_match", "status", "slug"),
    [
        (None, 428, "precondition-required"),
        ("*", 428, "precondition-required"),
        ('"2"', 412, "version-mismatch"),
        ('W/"1"', 412, "version-mismatch"),
        ("1", 400, "invalid-input"),
        ('"1", "2"', 400, "invalid-input"),
    ],
)
def test_if_match_is_required_and_must_match(
    client: TestClient,
    issued: dict[str, Any],
    db: SqliteStore,
    if_match: str | None,
    status: int,
    slug: str,
) -> None:
    before = state_of(db)
    url = f"/v1/alerts/{issued['id']}"
    extra = {} if if_match is None else {"If_Match": if_match}
    writes = [
        client.put(url, content=body(PERSON), headers=headers(**extra)),
        client.delete(url, headers=headers(**extra)),
        client.post(f"{url}/extension", content=body({"reason": "r"}), headers=headers(**extra)),
        client.delete(f"{url}/misused-identity", headers=headers(**extra)),
    ]

    for response in writes:
        assert_problem(response, status, slug)
    assert state_of(db) == before


# -- bodies ----------------------------------------------------------------------------


def test_body_over_the_limit_by_content_length_is_413(
    client: TestClient, limes: Limes, db: SqliteStore
) -> None:
    big = copied(PERSON)
    big["reason"] = "x" * limes.settings.max_body_bytes

    response = client.post("/v1/alerts", content=body(big), headers=headers())

    assert_problem(response, 413, "content-too-large")
    assert state_of(db) == (0, [])


def test_body_over_the_limit_without_content_length_is_413(
    client: TestClient, limes: Limes, db: SqliteStore
) -> None:
    chunk = b" " * 4096
    count = limes.settings.max_body_bytes // len(chunk) + 1

    response = client.post("/v1/alerts", content=iter([chunk] * count), headers=headers())

    assert response.request.headers.get("content-length") is None
    assert_problem(response, 413, "content-too-large")
    assert state_of(db) == (0, [])


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
def test_body_that_is_not_json_is_415(
    client: TestClient, db: SqliteStore, content_type: str | None
) -> None:
    sent = headers()
    del sent["Content-Type"]
    if content_type is not None:
        sent["Content-Type"] = content_type

    response = client.post("/v1/alerts", content=body(PERSON), headers=sent)

    assert_problem(response, 415, "unsupported-media-type")
    assert state_of(db) == (0, [])


def test_json_with_charset_utf8_is_accepted(client: TestClient) -> None:
    sent = headers(Content_Type="application/json; charset=UTF-8")
    assert client.post("/v1/alerts", content=body(PERSON), headers=sent).status_code == 201


# -- query parameters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"limit": "0"}, "/query/limit"),
        ({"limit": "501"}, "/query/limit"),
        ({"limit": "ten"}, "/query/limit"),
        ({"category": "shoplifting"}, "/query/category"),
        ({"status": "archived"}, "/query/status"),
        ({"issuing_state": "DEU"}, "/query/issuing_state"),
        ({"cursor": "page-2"}, "/query/cursor"),
    ],
)
def test_bad_query_parameter_is_400_with_a_pointer(
    client: TestClient, params: dict[str, str], pointer: str
) -> None:
    response = client.get("/v1/alerts", params=params, headers=headers())

    problem = assert_problem(response, 400, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == [pointer]


# -- the unexpected --------------------------------------------------------------------


def test_unexpected_error_is_500_without_internals(
    client: TestClient, limes: Limes, issued: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("connection to db-secret-host:5432 lost")

    monkeypatch.setattr(limes.alerts, "get", broken)

    response = client.get(f"/v1/alerts/{issued['id']}", headers=headers())

    problem = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.text
    assert "RuntimeError" not in response.text
    assert set(problem) == {"type", "title", "status", "detail", "instance"}
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


# -- headers on every answer -----------------------------------------------------------


def test_security_headers_on_every_kind_of_answer(
    client: TestClient, issued: dict[str, Any]
) -> None:
    answers = [
        client.get("/v1/health"),
        client.get("/v1/openapi.json"),
        client.get(f"/v1/alerts/{issued['id']}", headers=headers()),
        client.get("/v1/alerts", headers=headers(principal=None)),
        client.get("/v1/nowhere"),
        client.post("/v1/alerts", content=b"{", headers=headers()),
    ]
    for response in answers:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (response.request.url, name)


def test_interactive_docs_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 404
