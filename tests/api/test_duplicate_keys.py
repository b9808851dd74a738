"""A JSON object that names a key twice is refused at every JSON door of the API, with a
pointer to the repeated key, and nothing is written (the CLI's: tests/cli).

Two parsers disagree on such a document (one keeps the first value, another the last),
so a field could pass one check and mean something else further on. The documents are
built as bytes here, since no JSON encoder writes a key twice.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.helpers import (
    PERSON,
    TestClient,
    assert_problem,
    body,
    headers,
    state_of,
    twice,
)

from limes import codec
from limes.errors import InvalidInput
from limes.store.sqlite import SqliteStore


def test_the_codec_names_every_repeated_key() -> None:
    raw = b'{"a": 1, "b": [{"c": 1, "c": 2}], "a": 3, "d": {"e": {"f": 0, "\\u0066": 1}}}'
    with pytest.raises(InvalidInput) as caught:
        codec.strict_json(raw)
    assert [e.pointer for e in caught.value.errors] == ["/a", "/b/0/c", "/d/e/f"]
    assert codec.strict_json(b'{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}')  # same key elsewhere


def test_a_repeated_key_in_an_alert_is_refused_and_nothing_written(
    client: TestClient, db: SqliteStore
) -> None:
    before = state_of(db)
    cases = [
        (twice(PERSON, (), "reason", "something else"), "/reason"),
        (twice(PERSON, ("person",), "gender", "female"), "/person/gender"),
        # the same key spelt with an escape is the same key
        (body(PERSON)[:-1] + b',"re\\u0061son":"x"}', "/reason"),
    ]
    for raw, pointer in cases:
        answer = client.post("/v1/alerts", content=raw, headers=headers())
        found = assert_problem(answer, 400, "invalid-input")
        assert [e["pointer"] for e in found["errors"]] == [pointer], found
    assert state_of(db) == before


def test_a_repeated_key_is_refused_on_search_flag_and_break_glass(
    client: TestClient, issued: dict[str, Any], db: SqliteStore
) -> None:
    alert = issued["id"]
    search = {"surnames": ["Dupont"], "forenames": ["Jean"]}
    flag = {"reason": "national law forbids the arrest"}
    glass = {"alert_id": alert, "permissions": ["alert:read"], "minutes": 5, "reason": "x"}
    ops = "ops@OPS-DE/DE;roles=system_operator"
    doors = [
        (
            "/v1/search/persons",
            twice(search, (), "surnames", ["Other"]),
            headers("guard@BPOL/DE;roles=border_guard", "border_check"),
            "/surnames",
        ),
        (
            f"/v1/alerts/{alert}/flags",
            twice(flag, (), "reason", "another reason"),
            headers("fr@SIRENE-FR/FR;roles=sirene_operator"),
            "/reason",
        ),
        (
            "/v1/breakglass",
            twice(glass, (), "minutes", 240),
            headers(ops, "operations"),
            "/minutes",
        ),
    ]
    before = state_of(db)
    for path, raw, sent_as, pointer in doors:
        answer = client.post(path, content=raw, headers=sent_as)
        found = assert_problem(answer, 400, "invalid-input")
        assert [e["pointer"] for e in found["errors"]] == [pointer], (path, found)
    assert state_of(db) == before
