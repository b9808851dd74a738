"""A table of bad alert documents: each is refused with 400 and a pointer to the fault,
and the store (alerts and change events) is left exactly as it was."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from tests.api.helpers import (
    MISUSED,
    PERSON,
    VEHICLE,
    TestClient,
    assert_problem,
    body,
    headers,
    state_of,
)

from limes.store.sqlite import SqliteStore

Doc = dict[str, Any]


def changed(base: Doc, edit: Callable[[Doc], object]) -> bytes:
    data = copy.deepcopy(base)
    edit(data)
    return body(data)


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """An edit setting the member at a slash-separated path (list indexes as numbers)."""

    def edit(data: Doc) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return edit


def _drop(path: str) -> Callable[[Doc], None]:
    def edit(data: Doc) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[part]
        del node[last]

    return edit


def _refusal_of_entry(data: Doc) -> None:
    data.update(category="refusal_of_entry", action="refuse_entry")
    del data["person"]["nationalities"]
    data["warnings"] = []


def _object_check_of_a_plate(data: Doc) -> None:
    data.update(category="object_check", action="discreet_check")
    data["object"] = {
        "type": "number_plate",
        "identifiers": [{"kind": "plate", "value": "K-AB-123", "country": "DE"}],
    }


CASES: list[tuple[str, bytes, str]] = [
    (
        "right-to-left override in a name",
        changed(PERSON, _set("person/surnames/0/original", "\u202eИванова")),
        "/person/surnames/0/original",
    ),
    ("isolate in the reason", changed(PERSON, _set("reason", "robbery \u2067x\u2069")), "/reason"),
    ("unknown top-level field", changed(PERSON, _set("colour", "red")), "/colour"),
    ("unknown nested field", changed(PERSON, _set("person/hair", "red")), "/person/hair"),
    (
        "unknown field with a capital",
        changed(PERSON, _set("person/Hair", "red")),
        "/person/Hair",
    ),
    (
        "unknown field deep in a list",
        changed(PERSON, _set("person/surnames/0/title", "Dr")),
        "/person/surnames/0/title",
    ),
    (
        "string for an int",
        changed(PERSON, _set("person/physical", {"height_cm": "170"})),
        "/person/physical/height_cm",
    ),
    ("number for a string", changed(PERSON, _set("reason", 5)), "/reason"),
    ("list for an object", changed(PERSON, _set("person", [])), "/person"),
    ("not an enum value", changed(PERSON, _set("category", "shoplifting")), "/category"),
    ("invalid UTF-8", body(PERSON).replace("Иванова".encode(), b"\xd0\x98\xff\xfe"), ""),
    (
        "lone surrogate escape",
        body(PERSON).replace(b'"Olga"', b'"Ol\\ud800ga"'),
        "",
    ),
    ("oversized string", changed(PERSON, _set("reason", "x" * 4001)), "/reason"),
    (
        "too many items",
        changed(PERSON, _set("person/nationalities", ["UA", "RU", "BY", "MD", "GE", "AM"])),
        "/person/nationalities",
    ),
    (
        "alpha-3 country",
        changed(PERSON, _set("person/nationalities", ["DEU"])),
        "/person/nationalities/0",
    ),
    (
        "unassigned country",
        changed(PERSON, _set("person/nationalities", ["XX"])),
        "/person/nationalities/0",
    ),
    (
        "impossible date",
        changed(PERSON, _set("national_decision/decided_on", "2024-02-30")),
        "/national_decision/decided_on",
    ),
    (
        "impossible date of birth",
        changed(PERSON, _set("person/date_of_birth", "2024-02-30")),
        "/person/date_of_birth",
    ),
    (
        "date of birth in the future",
        changed(PERSON, _set("person/date_of_birth", "2026-12-24")),
        "/person/date_of_birth",
    ),
    (
        "North-American VIN with a wrong check digit",
        changed(VEHICLE, _set("object/identifiers/0/value", "1M8GDM9A1KP042788")),
        "/object/identifiers/0/value",
    ),
    (
        "document number with a wrong ICAO check digit",
        changed(PERSON, _set("person/documents/0/check_digit", "5")),
        "/person/documents/0/number",
    ),
    (
        "refusal of entry without nationalities",
        changed(PERSON, _refusal_of_entry),
        "/person/nationalities",
    ),
    (
        "object type not allowed for object_check",
        changed(VEHICLE, _object_check_of_a_plate),
        "/object/type",
    ),
    ("missing mandatory member", changed(PERSON, _drop("reason")), "/reason"),
    ("null for a required member", changed(PERSON, _set("action", None)), "/action"),
    ("not JSON", b"category: arrest", ""),
    ("empty body", b"", ""),
    ("JSON but not an object", b"[]", ""),
    ("trailing garbage", body(PERSON) + b"]", ""),
]


@pytest.mark.parametrize(("raw", "pointer"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_document_is_400_and_changes_nothing(
    client: TestClient, db: SqliteStore, issued: dict[str, Any], raw: bytes, pointer: str
) -> None:
    before = state_of(db)

    issue = client.post("/v1/alerts", content=raw, headers=headers())
    update = client.put(f"/v1/alerts/{issued['id']}", content=raw, headers=headers(If_Match='"1"'))

    for response in (issue, update):
        problem = assert_problem(response, 400, "invalid-input")
        assert pointer in [e["pointer"] for e in problem["errors"]], problem["errors"]
        assert all(set(e) == {"pointer", "detail"} for e in problem["errors"])
    assert state_of(db) == before


def test_unknown_field_is_named_as_such(client: TestClient) -> None:
    response = client.post(
        "/v1/alerts", content=changed(PERSON, _set("colour", "red")), headers=headers()
    )

    problem = assert_problem(response, 400, "invalid-input")
    assert problem["errors"] == [{"pointer": "/colour", "detail": "is not a known field"}]


def test_every_problem_in_a_document_is_listed(client: TestClient) -> None:
    def two_faults(data: Doc) -> None:
        data["person"]["nationalities"] = ["XX"]
        data["person"]["date_of_birth"] = "2030"

    response = client.post("/v1/alerts", content=changed(PERSON, two_faults), headers=headers())

    pointers = {e["pointer"] for e in assert_problem(response, 400, "invalid-input")["errors"]}
    assert pointers == {"/person/nationalities/0", "/person/date_of_birth"}


@pytest.mark.parametrize(
    ("url", "raw", "pointer"),
    [
        ("extension", body({"reason": "r", "why": "x"}), "/why"),
        ("extension", body({"reason": ""}), "/reason"),
        ("extension", body({"reason": "r", "until": "2031-13-01"}), "/until"),
        ("flags", body({"reason": "r", "urgent": True}), "/urgent"),
        ("flags", body({}), "/reason"),
        ("flags/FR/decision", body({"grant": "yes", "reason": "r"}), "/grant"),
        ("flags/FR/decision", body({"grant": 1, "reason": "r"}), "/grant"),
        ("misused-identity", changed(MISUSED, _drop("consent")), "/consent"),
        (
            "misused-identity",
            changed(MISUSED, _set("consent/given_on", "2026-12-01")),
            "/consent/given_on",
        ),
    ],
)
def test_bad_small_body_is_400_and_changes_nothing(
    client: TestClient,
    db: SqliteStore,
    issued: dict[str, Any],
    url: str,
    raw: bytes,
    pointer: str,
) -> None:
    before = state_of(db)
    target = f"/v1/alerts/{issued['id']}/{url}"
    method = "PUT" if url == "misused-identity" else "POST"

    response = client.request(method, target, content=raw, headers=headers(If_Match='"1"'))

    problem = assert_problem(response, 400, "invalid-input")
    assert pointer in [e["pointer"] for e in problem["errors"]], problem["errors"]
    assert state_of(db) == before


@pytest.mark.parametrize("query", ["limt=5", "limit=5&colour=red", "cursor=x&sort=id"])
def test_unknown_query_parameter_is_refused(client: TestClient, query: str) -> None:
    found = assert_problem(
        client.get(f"/v1/alerts?{query}", headers=headers()), 400, "invalid-input"
    )
    assert all(e["pointer"].startswith("/query/") for e in found["errors"])


def test_declared_query_parameters_are_accepted(client: TestClient) -> None:
    assert client.get("/v1/alerts?limit=5&category=arrest", headers=headers()).status_code == 200


def test_without_credentials_401_comes_before_query_checks(client: TestClient) -> None:
    answer = client.get("/v1/alerts?status=active&unknown=1", headers=headers(principal=None))
    assert_problem(answer, 401, "unauthenticated")
