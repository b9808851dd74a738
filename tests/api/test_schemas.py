"""The shapes the HTTP door reads and writes: each request body and answer refers to a
schema published under its own name, and the alert answers describe minimised content."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from limes.api import schemas
from limes.api.schemas import FlagRequest, HealthOut


def test_a_body_and_an_answer_refer_to_their_published_schema() -> None:
    ref = {"$ref": "#/components/schemas/FlagRequest"}
    assert schemas.body(FlagRequest) == {
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}
    }
    assert schemas.answer(HealthOut, "Up")["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HealthOut"
    }
    published = schemas.components()
    assert {"FlagRequest", "HealthOut", "AlertOut", "Problem"} <= published.keys()


def test_alert_answers_carry_minimised_content_a_withheld_text_may_be_empty() -> None:
    published = schemas.components()
    assert "minLength" in published["AlertContent"]["properties"]["reason"]
    assert "minLength" not in published["MinimisedAlertContent"]["properties"]["reason"]
    for answer in ("AlertOut", "WrittenAlertOut"):
        content = published[answer]["properties"]["content"]
        assert {"$ref": "#/components/schemas/MinimisedAlertContent"} in content["anyOf"]


def test_a_schema_not_published_under_its_own_name_is_refused() -> None:
    @dataclass(frozen=True)
    class Inner:
        value: int

    Inner.__name__ = "Renamed"  # its schema would be published as Inner
    with pytest.raises(RuntimeError, match="the schema of Renamed is published as"):
        schemas.schemas_of((), (Inner,))


def test_a_json_answer_is_encoded_by_the_codec() -> None:
    response = schemas.json_response(HealthOut("ok"), 201, {"ETag": '"1"'})
    assert (response.status_code, response.media_type) == (201, "application/json")
    assert response.body == b'{"status":"ok"}' and response.headers["etag"] == '"1"'
