"""The OpenAPI document describes every route, every request body and every answer."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from tests.api.helpers import TestClient

from limes.api.app import publish_schemas

ROUTES = {
    ("GET", "/v1/health"),
    ("POST", "/v1/screening/{profile}"),
    ("GET", "/v1/alerts/{alert_id}/identity-links"),
    ("POST", "/v1/identity-links/{link_id}/resolution"),
    ("GET", "/v1/categories"),
    ("POST", "/v1/alerts"),
    ("GET", "/v1/alerts"),
    ("GET", "/v1/alerts/{alert_id}"),
    ("PUT", "/v1/alerts/{alert_id}"),
    ("DELETE", "/v1/alerts/{alert_id}"),
    ("POST", "/v1/alerts/{alert_id}/extension"),
    ("PUT", "/v1/alerts/{alert_id}/misused-identity"),
    ("GET", "/v1/alerts/{alert_id}/misused-identity"),
    ("DELETE", "/v1/alerts/{alert_id}/misused-identity"),
    ("POST", "/v1/alerts/{alert_id}/flags"),
    ("POST", "/v1/alerts/{alert_id}/flags/{state}/decision"),
    ("DELETE", "/v1/alerts/{alert_id}/flags/{state}"),
    ("PUT", "/v1/alerts/{alert_id}/links/{other_id}"),
    ("DELETE", "/v1/alerts/{alert_id}/links/{other_id}"),
    ("POST", "/v1/auth/login"),
    ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"),
    ("POST", "/v1/auth/enrol"),
    ("POST", "/v1/breakglass"),
    ("POST", "/v1/breakglass/{grant_id}/decision"),
    ("GET", "/v1/breakglass"),
    ("GET", "/v1/security-events"),
    ("GET", "/v1/audit/records"),
    ("GET", "/v1/audit/tree-head"),
    ("POST", "/v1/search/persons"),
    ("POST", "/v1/search/objects"),
    ("POST", "/v1/search/mrz"),
    ("POST", "/v1/search/fingerprints"),
    ("POST", "/v1/alerts/{alert_id}/biometrics"),
    ("GET", "/v1/alerts/{alert_id}/biometrics"),
    ("POST", "/v1/alerts/{alert_id}/faces"),
    ("POST", "/v1/search/faces"),
    ("POST", "/v1/verify"),
    ("POST", "/v1/hits"),
    ("GET", "/v1/sirene/inbox"),
    ("GET", "/v1/sirene/cases/{case_id}"),
    ("POST", "/v1/sirene/cases/{case_id}/messages"),
    ("GET", "/v1/sirene/attachments/{attachment_id}"),
    ("POST", "/v1/sirene/escalation"),
    ("GET", "/v1/sirene/statistics"),
    ("GET", "/v1/read-blocks"),
    ("GET", "/v1/feed"),
    ("GET", "/v1/feed/digest"),
    ("GET", "/v1/feed/leaves"),
    ("POST", "/v1/feed/audit"),
    ("POST", "/v1/read-blocks/{block_id}/lift"),
    ("POST", "/v1/subject-requests"),
    ("GET", "/v1/subject-requests"),
    ("GET", "/v1/subject-requests/statistics"),
    ("POST", "/v1/subject-requests/escalation"),
    ("GET", "/v1/subject-requests/{request_id}"),
    ("POST", "/v1/subject-requests/{request_id}/search"),
    ("POST", "/v1/subject-requests/{request_id}/holdings/{alert_id}/decision"),
    ("POST", "/v1/subject-requests/{request_id}/holdings/{alert_id}/answer"),
    ("POST", "/v1/subject-requests/{request_id}/reply"),
    ("GET", "/v1/subject-requests/{request_id}/reply"),
    ("POST", "/v1/subject-requests/{request_id}/extension"),
    ("GET", "/v1/subject-requests/{request_id}/extension"),
    ("POST", "/v1/subject-requests/{request_id}/court-case"),
}
WITHOUT_BODY = {
    ("PUT", "/v1/alerts/{alert_id}/links/{other_id}"),
    ("POST", "/v1/sirene/escalation"),
    ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"),
    ("POST", "/v1/subject-requests/escalation"),
    ("POST", "/v1/subject-requests/{request_id}/search"),
    ("POST", "/v1/subject-requests/{request_id}/reply"),
}


def _document(client: TestClient) -> dict[str, Any]:
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in doc["paths"].items()
        for method, operation in item.items()
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        here = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return here + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_document_lists_every_route(client: TestClient) -> None:
    doc = _document(client)
    served = {
        (method, route.path)
        for route in client.app.state.routes  # type: ignore[attr-defined]
        if isinstance(route, APIRoute)
        for method in route.methods
    }

    assert doc["openapi"].startswith("3.1")
    assert served == ROUTES
    assert set(_operations(doc)) == ROUTES


CAPTURES = {"application/octet-stream", "application/x-ansi-nist", "image/png", "image/x-wsq"}


def test_every_request_body_has_a_schema(client: TestClient) -> None:
    doc = _document(client)
    schemas = doc["components"]["schemas"]

    for key, operation in _operations(doc).items():
        if key[0] not in ("POST", "PUT") or key in WITHOUT_BODY:
            assert "requestBody" not in operation, key
            continue
        body = operation["requestBody"]
        assert body["required"] is True, key
        # JSON, and for biometric captures also the record, transaction or image itself
        assert set(body["content"]) - CAPTURES == {"application/json"}, key
        content = body["content"]["application/json"]
        name = content["schema"]["$ref"].removeprefix("#/components/schemas/")
        assert schemas[name]["type"] == "object", key
        assert schemas[name]["additionalProperties"] is False, key


def test_every_answer_is_described_and_no_422_is_promised(client: TestClient) -> None:
    doc = _document(client)

    for key, operation in _operations(doc).items():
        answers = operation["responses"]
        assert "422" not in answers, key
        problem = answers["default"]["content"]["application/problem+json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/Problem"}
        success = [code for code in answers if code.startswith("2")]
        assert success, key
        for code in success:
            if code != "204":
                assert "$ref" in answers[code]["content"]["application/json"]["schema"], key


def test_every_reference_resolves(client: TestClient) -> None:
    doc = _document(client)
    names = set(doc["components"]["schemas"])

    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in names, ref


def test_credentials_and_purpose_are_described(client: TestClient) -> None:
    doc = _document(client)

    assert doc["components"]["securitySchemes"]["unsafeDevPrincipal"]["name"] == (
        "X-Limes-Unsafe-Principal"
    )
    operations = _operations(doc)
    assert operations[("GET", "/v1/health")]["security"] == []
    purpose = [
        p for p in operations[("GET", "/v1/alerts")]["parameters"] if p["name"] == "X-Limes-Purpose"
    ]
    assert purpose and purpose[0]["in"] == "header"
    assert purpose[0]["required"] is True
    assert "sirene" in purpose[0]["schema"]["enum"]


def _validator(doc: dict[str, Any], model: str) -> Any:
    import jsonschema_rs  # schemathesis's validator, in the dev lock

    schema = {"$ref": f"#/components/schemas/{model}", "components": doc["components"]}
    return jsonschema_rs.validator_for(schema)


def test_minimised_answers_match_the_published_schema(
    client: TestClient, issued: dict[str, Any]
) -> None:
    """A border guard's answer withholds the reason: the document must still describe it."""
    from tests.api.helpers import DE_BORDER, headers

    doc = client.get("/v1/openapi.json").json()
    answer = client.get(f"/v1/alerts/{issued['id']}", headers=headers(DE_BORDER, "border_check"))
    assert answer.status_code == 200, answer.text
    alert = answer.json()
    assert alert["withheld"] and alert["content"]["reason"] == ""
    _validator(doc, "AlertOut").validate(alert)
    _validator(doc, "WrittenAlertOut").validate(issued)


def test_no_two_routers_publish_different_schemas_under_one_name(client: TestClient) -> None:
    """An alert's extensions and a subject request's extension are different things: each
    is published under its own name, so an alert answer validates against its own."""
    found = client.get("/v1/openapi.json").json()["components"]["schemas"]
    assert {"new_expiry", "previous_expiry"} <= set(found["Extension"]["properties"])
    assert {"request_id", "grounds"} <= set(found["SubjectExtension"]["properties"])
    try:
        publish_schemas({}, {"Same": {"type": "string"}}, {"Same": {"type": "integer"}})
    except RuntimeError as refused:
        assert "Same" in str(refused)
    else:
        raise AssertionError("two schemas of one name were published")


def test_purpose_is_described_once_on_every_operation_that_reads_it(client: TestClient) -> None:
    """``deps.context`` reads the header itself (FastAPI does not): the document still
    names it, once, where FastAPI named it, and only on operations that read it."""
    operations = _operations(_document(client))

    def names(method: str, path: str) -> list[str]:
        return [p["name"] for p in operations[(method, path)].get("parameters", [])]

    assert names("POST", "/v1/search/persons") == ["X-Limes-Purpose"]
    assert names("GET", "/v1/alerts/{alert_id}") == ["alert_id", "X-Limes-Purpose"]
    assert names("PUT", "/v1/alerts/{alert_id}") == ["alert_id", "X-Limes-Purpose", "If-Match"]
    assert names("POST", "/v1/screening/{profile}") == [
        "profile",
        "X-Limes-External-System",
        "X-Limes-Purpose",
    ]
    for method, path in (
        ("GET", "/v1/health"),
        ("GET", "/v1/categories"),
        ("POST", "/v1/auth/login"),
    ):
        assert "X-Limes-Purpose" not in names(method, path)
    counts = [names(*key).count("X-Limes-Purpose") for key in operations]
    assert max(counts) == 1
    assert counts.count(1) > 50  # every operation that acts for a purpose
