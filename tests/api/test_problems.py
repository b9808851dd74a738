"""Refusals: each leaves as an RFC 9457 problem with its status, type and fields,
and leaves the store as it was."""

from __future__ import annotations

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

from limes.domain.ids import new_id
from limes.store.sqlite import SqliteStore

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


def test_unknown_alert_is_404(client: TestClient) -> None:
    assert_problem(client.get(f"/v1/alerts/{new_id()}", headers=headers()), 404, "not-found")


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
