"""The application ``create_app`` builds: an unknown route, a wrong method and an
unexpected error are problems too, every answer carries the security headers, and no
interactive documentation is served.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.helpers import TestClient, assert_problem, headers

from limes.api.app import SECURITY_HEADERS
from limes.bootstrap import Limes


def test_unknown_route_and_wrong_method_are_problems(client: TestClient) -> None:
    unknown = client.get("/v1/nothing-here", headers=headers())
    trailing = client.get("/v1/alerts/", headers=headers())
    wrong = client.patch("/v1/alerts", headers=headers())

    assert_problem(unknown, 404, "not-found")
    assert_problem(trailing, 404, "not-found")
    assert_problem(wrong, 405, "method-not-allowed")
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "POST"}


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


def test_only_the_offline_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200  # tests/api/test_docs.py
    assert client.get("/docs/oauth2-redirect").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 404
