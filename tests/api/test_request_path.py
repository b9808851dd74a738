"""The request path's thread-pool hops (issue 13): each costs a hand-over to a worker
thread and back, so work that cannot block runs on the event loop, and only what reads
the store (the route, a store-reading authenticator) is handed over."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tests.api.helpers import DE_BORDER, Hops, TestClient, body, headers, named

from limes.api.app import create_app
from limes.api.auth import PRINCIPAL_HEADER, parse_principal
from limes.bootstrap import Limes
from limes.policy.permissions import Principal


def test_health_is_answered_without_a_thread_pool_hop(client: TestClient, hops: list[str]) -> None:
    assert client.get("/v1/health").status_code == 200
    assert hops == []


def test_a_search_with_header_authentication_takes_one_hop_the_service_call(
    client: TestClient, hops: list[str]
) -> None:
    answer = client.post(
        "/v1/search/persons",
        content=body({"surnames": ["Mustermann"]}),
        headers=headers(DE_BORDER, "border_check"),
    )
    assert answer.status_code == 200, answer.text
    assert hops == ["persons"]  # parsing and the answer's JSON stayed on the event loop


class StoreReadingAuthenticator:
    """An authenticator that does not say it never blocks (as one reading accounts)."""

    challenge = 'Test realm="limes"'
    openapi_scheme = None

    def __init__(self) -> None:
        self.on_event_loop: list[bool] = []

    def authenticate(self, request: Any) -> Principal:
        try:
            asyncio.get_running_loop()
            self.on_event_loop.append(True)
        except RuntimeError:
            self.on_event_loop.append(False)
        return parse_principal(request.headers[PRINCIPAL_HEADER])


def test_an_authenticator_that_may_block_runs_in_the_thread_pool(limes: Limes) -> None:
    authenticator = StoreReadingAuthenticator()
    client = TestClient(create_app(limes, authenticator=authenticator))
    answer = client.get("/v1/categories", headers=headers(DE_BORDER, None))
    assert answer.status_code == 200, answer.text
    assert authenticator.on_event_loop == [False]


def test_no_request_asks_opentelemetry_for_its_providers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI's native telemetry is off (no SDK is installed, so nothing could be exported):
    a request costs no lookup of OpenTelemetry's global providers."""
    from opentelemetry import metrics, trace

    asked: list[str] = []
    for module, name in ((trace, "get_tracer_provider"), (metrics, "get_meter_provider")):
        original = getattr(module, name)

        def counted(*args: Any, _original: Any = original, _name: str = name) -> Any:
            asked.append(_name)
            return _original(*args)

        monkeypatch.setattr(module, name, counted)
    assert client.get("/v1/health").status_code == 200
    assert asked == []


HOT_ROUTES = {
    ("GET", "/v1/alerts/{alert_id}"): {"known_query", "context"},
    ("POST", "/v1/search/persons"): {"known_query", "context", "json_body"},
    ("POST", "/v1/search/objects"): {"known_query", "context", "json_body"},
    ("POST", "/v1/search/mrz"): {"known_query", "context", "json_body"},
}
"""The routes a border guard calls most, and the only dependencies FastAPI resolves for
them: each one more costs about 10 µs of a request's CPU (issue 13)."""


def test_the_routes_a_border_guard_calls_most_resolve_only_what_they_must(limes: Limes) -> None:
    from fastapi.routing import iter_route_contexts

    found = {
        (method, str(route.path)): {named(d.call) for d in route.dependant.dependencies}
        for route in iter_route_contexts(create_app(limes).routes)
        for method in route.methods or ()
        if (method, route.path) in HOT_ROUTES
    }
    assert found == HOT_ROUTES


def test_reading_an_alert_by_a_malformed_id_is_still_refused_after_the_caller(
    client: TestClient,
) -> None:
    assert client.get("/v1/alerts/not-an-id").status_code == 401
    answer = client.get("/v1/alerts/not-an-id", headers=headers(DE_BORDER))
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_refusal_at_the_door_is_recorded_through_the_request_pool(
    client: TestClient, hops_by_pool: Hops
) -> None:
    """A 401 no use case recorded is written by the door (``problems._record_at_door``):
    on the request pool, the one hop of the hot routes, not on Starlette's second pool."""
    answer = client.post("/v1/search/persons", content=body({"surnames": ["Mustermann"]}))
    assert answer.status_code == 401, answer.text
    assert hops_by_pool.pooled == ["record"] and hops_by_pool.starlettes == []
