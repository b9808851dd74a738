"""The hot lane (``api/hot.py``): a border guard's searches and reads answered past
FastAPI's routing, with the same answers, refusals and order of refusals as FastAPI's
routes give, and one thread-pool hop a request: the service call."""

from __future__ import annotations

from typing import Any

import fastapi
import fastapi.routing
import pytest
from starlette.responses import JSONResponse
from tests.api.helpers import (
    DE_BORDER,
    PERSON,
    VEHICLE,
    TestClient,
    assert_problem,
    body,
    headers,
    named,
)

from limes.api.app import create_app
from limes.api.hot import HotRoute, HotRoutes, hot_routes, literal_routes
from limes.bootstrap import Limes

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The endpoint of every request whose dependencies FastAPI solved."""
    seen: list[str] = []
    solve = fastapi.routing.solve_dependencies

    async def counted(**kwargs: Any) -> Any:
        seen.append(named(kwargs["dependant"].call))
        return await solve(**kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    return seen


@pytest.fixture
def alert_id(client: TestClient) -> str:
    answer = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert answer.status_code == 201, answer.text
    found: str = answer.json()["id"]
    return found


def _guard(**extra: str) -> dict[str, str]:
    return headers(DE_BORDER, "border_check", **extra)


def _hot_requests(alert_id: str) -> list[tuple[str, str, bytes | None, str]]:
    """(method, path, body, the service method handed to the pool) of each hot route."""
    surname = PERSON["person"]["surnames"][0]["latin"]
    plate = VEHICLE["object"]["identifiers"][0]["value"]
    return [
        ("POST", "/v1/search/persons", body({"surnames": [surname]}), "persons"),
        ("POST", "/v1/search/objects", body({"identifiers": [{"value": plate}]}), "objects"),
        ("POST", "/v1/search/mrz", body({"mrz": TD3}), "mrz"),
        ("GET", f"/v1/alerts/{alert_id}", None, "get"),
    ]


def test_each_hot_route_hands_only_its_service_call_to_the_thread_pool(
    client: TestClient, alert_id: str, hops: list[str], solved: list[str]
) -> None:
    for method, path, content, service_call in _hot_requests(alert_id):
        hops.clear()
        answer = client.request(method, path, content=content, headers=_guard())
        assert answer.status_code == 200, (path, answer.text)
        assert hops == [service_call], path
    assert solved == []  # FastAPI solved no route's dependencies: the lane answered


def test_the_load_balancers_probe_is_answered_by_the_lane(
    client: TestClient, hops: list[str], solved: list[str]
) -> None:
    answer = client.get("/v1/health")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert answer.headers["cache-control"] == "no-store"  # Guard's headers, as on every answer
    assert hops == [] and solved == []


def test_a_route_of_its_own_is_not_taken_for_a_hot_routes_segment() -> None:
    """A literal route beside ``/{alert_id}`` (declared before it, so FastAPI matches it
    first) is FastAPI's: the lane does not read ``export`` as an alert id."""
    app = fastapi.FastAPI()

    @app.get("/v1/alerts/export")
    async def export() -> dict[str, str]:
        return {"answered": "export"}

    @app.get("/v1/alerts/{alert_id}")
    async def read(alert_id: str) -> dict[str, str]:
        return {"answered": "read"}

    async def hot(request: Any, ctx: Any, segment: Any) -> Any:
        return JSONResponse({"answered": f"lane {segment}"})

    lane = [HotRoute("GET", "/v1/alerts/{alert_id}", hot, body=False, anonymous=True)]
    wrapped = HotRoutes(app, hot_routes(app.routes, lane), literal_routes(app.routes))
    with TestClient(wrapped) as plain:
        assert plain.get("/v1/alerts/export").json() == {"answered": "export"}
        assert plain.get("/v1/alerts/01J0").json() == {"answered": "lane 01J0"}


def test_other_routes_still_go_through_fastapi(client: TestClient, solved: list[str]) -> None:
    assert client.get("/v1/categories", headers=_guard()).status_code == 200
    assert client.post("/v1/search/persons/", content=b"{}", headers=_guard()).status_code == 404
    assert solved == ["categories"]


@pytest.fixture
def fastapi_only(limes: Limes) -> TestClient:
    """The same application without the hot lane: what FastAPI's routes answer."""
    app = create_app(limes)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not HotRoutes]
    return TestClient(app)


def _cases(alert_id: str) -> list[tuple[str, str, dict[str, str], bytes | None]]:
    """Requests to the hot routes, good and bad, whose answers must not depend on the lane."""
    search = "/v1/search/persons"
    good = body({"surnames": ["Mustermann"]})
    no_one = headers(None, None)
    return [
        ("POST", search, _guard(), good),
        ("POST", search, no_one, good),  # 401
        ("POST", search + "?x=1", no_one, good),  # 401 before the unknown parameter
        ("POST", search + "?x=1", _guard(), good),  # 400 unknown parameter
        ("POST", search, headers(DE_BORDER, None), good),  # 400 purpose missing
        ("POST", search, headers(DE_BORDER, "holiday"), good),  # 400 not a purpose
        ("POST", search, _guard(content_type="text/plain"), good),  # 415
        ("POST", search, _guard(), b"x" * (65 * 1024)),  # 413
        ("POST", search, _guard(), b'{"surnames": "Mustermann"}'),  # 400 strict parsing
        ("POST", search, _guard(), body({"surnames": ["A"], "limit": 0})),  # 400 limit
        ("POST", search, _guard(), b"{"),  # 400 not JSON
        ("POST", search, _guard(x_note="a\x00b"), good),  # 400 NUL
        ("POST", "/v1/search/objects", _guard(), body({"identifiers": []})),  # 400
        ("POST", "/v1/search/mrz", _guard(), body({"mrz": "not a zone"})),  # 400 audited
        ("POST", search, headers("visa@X/FR;roles=visa_officer", "visa"), good),  # 403
        ("GET", f"/v1/alerts/{alert_id}", _guard(), None),
        ("GET", f"/v1/alerts/{alert_id}", no_one, None),  # 401
        ("GET", "/v1/alerts/not-an-id", no_one, None),  # 401 before 404
        ("GET", "/v1/alerts/not-an-id", _guard(), None),  # 404
        ("GET", f"/v1/alerts/{alert_id}?fields=all", _guard(), None),  # 400
        ("GET", "/v1/alerts/01J0000000000000000000000A", _guard(), None),  # 404 no such
        ("HEAD", f"/v1/alerts/{alert_id}", _guard(), None),  # FastAPI's, as before
        ("DELETE", "/v1/search/persons", _guard(), None),  # 405, FastAPI's
        ("GET", "/v1/health", no_one, None),
        ("GET", "/v1/health?x=1", no_one, None),  # 400 unknown parameter
        ("GET", "/v1/health", _guard(x_note="a\x00b"), None),  # 400 NUL
        ("HEAD", "/v1/health", no_one, None),  # FastAPI's, as before
    ]


def test_the_lane_answers_exactly_as_fastapis_routes(
    client: TestClient, fastapi_only: TestClient, alert_id: str
) -> None:
    for method, path, sent, content in _cases(alert_id):
        lane = client.request(method, path, headers=sent, content=content)
        plain = fastapi_only.request(method, path, headers=sent, content=content)
        assert (lane.status_code, lane.content) == (plain.status_code, plain.content), (
            method,
            path,
            sent,
        )
        for name in ("content-type", "www-authenticate", "etag", "allow", "cache-control"):
            assert lane.headers.get(name) == plain.headers.get(name), (method, path, name)


def test_a_search_whose_record_cannot_be_written_gets_a_problem_and_no_hits(
    client: TestClient, limes: Limes, alert_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(limes.audit, "_write", full)
    surname = PERSON["person"]["surnames"][0]["latin"]
    for method, path, content in (
        ("POST", "/v1/search/persons", body({"surnames": [surname]})),
        ("GET", f"/v1/alerts/{alert_id}", None),
    ):
        answer = client.request(method, path, content=content, headers=_guard())
        found = assert_problem(answer, 500, "internal-error")  # never the cause's details
        assert "hits" not in found and "content" not in found
        assert surname not in answer.text
        assert alert_id not in answer.text.replace(path, "")


def test_the_lane_refuses_a_route_fastapi_does_not_declare(limes: Limes) -> None:
    """The lane never answers a route the OpenAPI document does not describe: naming one
    stops the application's assembly."""
    app = create_app(limes)
    declared = hot_routes(app.routes, [HotRoute("GET", "/v1/alerts/{alert_id}", _never, False)])
    assert [route.path for _, route in declared] == ["/v1/alerts/{alert_id}"]
    with pytest.raises(LookupError, match="does not serve"):
        hot_routes(app.routes, [HotRoute("GET", "/v1/alerts/{alert_id}/secret", _never, False)])


async def _never(*_: Any) -> Any:
    raise AssertionError("not called")
