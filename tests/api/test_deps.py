"""What every route needs before it calls a service, each refused with its problem: the
purpose (400), a path id (404), ``If-Match`` (428, 412, 400) and the JSON body (413,
415).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.helpers import PERSON, TestClient, assert_problem, body, copied, headers, state_of

from limes.bootstrap import Limes
from limes.store.sqlite import SqliteStore


@pytest.mark.parametrize("purpose", [None, "", "curiosity", "SIRENE"])
def test_missing_or_unknown_purpose_is_400(client: TestClient, purpose: str | None) -> None:
    response = client.get("/v1/alerts", headers=headers(purpose=purpose))

    problem = assert_problem(response, 400, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == ["/header/X-Limes-Purpose"]


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


def test_flag_of_a_non_member_state_is_404(client: TestClient, issued: dict[str, Any]) -> None:
    url = f"/v1/alerts/{issued['id']}/flags/US"
    assert_problem(client.delete(url, headers=headers()), 404, "not-found")


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


# -- U+0000 with no query string: decided on the raw scope (issue 13), refused as before --


def test_a_nul_in_a_header_value_without_a_query_is_400(client: TestClient) -> None:
    sent = {**headers(), "X-Note": "a\x00b"}
    problem = assert_problem(client.get("/v1/alerts", headers=sent), 400, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == ["/header/x-note"]


def test_a_nul_in_the_path_without_a_query_is_400(client: TestClient) -> None:
    problem = assert_problem(
        client.get("/v1/alerts/a%00b", headers=headers()), 400, "invalid-input"
    )
    assert [e["pointer"] for e in problem["errors"]] == ["/path"]


def test_a_nul_in_a_header_is_refused_after_authentication(client: TestClient) -> None:
    answer = client.get("/v1/alerts", headers={"X-Note": "a\x00b"})
    assert_problem(answer, 401, "unauthenticated")
