"""``/v1/audit`` at the door: its answers are published in the OpenAPI document, and its
query is bounded before the audit log is read (the records and proofs themselves:
``tests/audit/test_doors.py``)."""

from __future__ import annotations

import pytest
from tests.api.helpers import TestClient, assert_problem, headers

from limes.api.routes import audit
from limes.service.door_types import MAX_AUDIT_RECORDS

DPO = "dpo-1@BfDI/DE;roles=data_protection_officer"


def test_the_answers_are_published() -> None:
    assert {"AuditRecordsOut", "TreeHeadOut"} <= audit.components().keys()


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ({"user": "u", "limit": str(MAX_AUDIT_RECORDS + 1)}, "/query/limit"),
        ({"user": "u", "limit": "0"}, "/query/limit"),
        ({"user": "u", "after": "-1"}, "/query/after"),
        ({"user": "u" * 65}, "/query/user"),
        ({"user": "u", "since": "yesterday"}, "/query/since"),
    ],
)
def test_a_query_out_of_bounds_is_refused_with_a_pointer(
    client: TestClient, query: dict[str, str], pointer: str
) -> None:
    answer = client.get("/v1/audit/records", params=query, headers=headers(DPO, "data_protection"))
    problem = assert_problem(answer, 400, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == [pointer]
