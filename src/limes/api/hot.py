"""The hot lane: the routes a border guard calls most, answered without FastAPI's routing.

A person, object or MRZ search and reading a hit (``POST /v1/search/persons|objects|mrz``,
``GET /v1/alerts/{alert_id}``) are most of a border's traffic. Through FastAPI each
request was matched against the route table, wrapped in two exit stacks, had its
dependencies solved by FastAPI's general machinery and its route run in the thread
pool: about 200 µs of a request's CPU besides the work itself (issue 13, measured by
``bench/search/profile.py``). ``HotRoutes``, the innermost of the application's own
middleware, answers exactly these (method, path) pairs itself, in the order FastAPI
would: ``known_query`` (unknown query parameters and NUL, after authenticating the
caller), ``context`` (401, then the purpose), the body (``json_body``: 415, 413) for the
searches, then the route's own work (``HotRoute.answer``). ``GET /v1/health``, which
load balancers probe thousands of times a second, is answered here too, after
``known_query`` only (it has no caller). Every other request, a ``HEAD`` or a path with
a trailing slash among them, goes on to FastAPI unchanged, and so does a path FastAPI
serves as a route of its own (no parameter) that a hot route's ``/{name}`` would take
(``literal_routes``: a later ``GET /v1/alerts/export`` is not read as an alert id).

The routes stay declared to FastAPI with the same dependencies, so the OpenAPI document
is unchanged, and each FastAPI route calls the same ``answer`` as the lane: one
implementation, two doors. A ``LimesError`` is answered by the handler FastAPI would
use (``problems.limes_error``); anything else goes on to ``Guard`` (500), as it did.

The route's own work runs on the event loop where it only computes (parsing, the
answer's JSON); the service call, which reads the index and the store, is the one
hand-over to a worker thread, and the durable writes it queued (the read bounds'
count, the audit record) are awaited back on the loop before the answer is built
(``threads.off_loop_durable``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from fastapi.routing import APIRoute, iter_route_contexts
from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from limes.api import problems
from limes.api.deps import context, json_body, known_query
from limes.errors import LimesError
from limes.policy.permissions import Context


@dataclass(frozen=True, slots=True)
class HotRoute:
    """One route of the lane: ``answer(request, ctx, value)`` after the caller's context,
    where ``value`` is the JSON body (``body=True``) or the path's last segment."""

    method: str
    path: str
    """As declared to FastAPI; a path ending in ``/{name}`` takes one segment there."""
    answer: Callable[[Request, Context, Any], Awaitable[Response]]
    body: bool
    anonymous: bool = False
    """Answered without a caller, as FastAPI's route is (``/v1/health``, which load
    balancers probe): ``answer(request, None, segment)``, after ``known_query`` only (no body
is read)."""


class HotRoutes:
    """ASGI middleware: the ``routes`` answered here, the rest passed on to ``app``."""

    def __init__(
        self,
        app: ASGIApp,
        routes: list[tuple[HotRoute, APIRoute]],
        literal: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.app = app
        self._exact: dict[tuple[str, str], tuple[HotRoute, APIRoute]] = {}
        self._prefixed: dict[tuple[str, str], tuple[HotRoute, APIRoute]] = {}
        self._literal = literal
        for hot, route in routes:
            head, _, last = hot.path.rpartition("/")
            if last.startswith("{") and last.endswith("}"):
                self._prefixed[(hot.method, head + "/")] = (hot, route)
            else:
                self._exact[(hot.method, hot.path)] = (hot, route)

    def _find(self, scope: Scope) -> tuple[HotRoute, APIRoute, str | None] | None:
        method: str = scope["method"]
        path = get_route_path(scope)
        found = self._exact.get((method, path))
        if found is not None:
            return found[0], found[1], None
        head, _, last = path.rpartition("/")
        found = self._prefixed.get((method, head + "/"))
        if found is None or not last or (method, path) in self._literal:
            return None  # a route of its own (``GET /v1/alerts/export``) is FastAPI's to answer
        return found[0], found[1], last

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._find(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        hot, route, segment = found
        scope["route"] = route  # what FastAPI sets: known_query reads the declared parameters
        scope["endpoint"] = route.endpoint
        if segment is not None:
            scope["path_params"] = {route.path.rpartition("{")[2].rstrip("}"): segment}
        request = Request(scope, receive, send)
        try:
            await known_query(request)
            if hot.anonymous:
                response = await hot.answer(request, cast(Context, None), segment)
            else:
                ctx = await context(request)
                value = await json_body(request) if hot.body else segment
                response = await hot.answer(request, ctx, value)
        except LimesError as exc:
            response = await problems.limes_error(request, exc)
        await response(scope, receive, send)


def literal_routes(app_routes: list[Any]) -> frozenset[tuple[str, str]]:
    """(method, path) of every route without a path parameter: a request for one of them
    is never taken for a hot route's ``/{name}`` segment."""
    return frozenset(
        (method, str(found.path))
        for found in iter_route_contexts(app_routes)
        if "{" not in str(found.path)
        for method in found.methods or ()
    )


def hot_routes(app_routes: list[Any], lane: list[HotRoute]) -> list[tuple[HotRoute, APIRoute]]:
    """Each route of ``lane`` with the FastAPI route it stands for (``LookupError`` if one
    is not declared: the lane never answers a route the document does not describe)."""
    declared = {
        (method, str(found.path)): found.original_route
        for found in iter_route_contexts(app_routes)
        if isinstance(found.original_route, APIRoute)
        for method in found.methods or ()
    }
    try:
        return [(hot, declared[(hot.method, hot.path)]) for hot in lane]
    except KeyError as exc:
        raise LookupError(f"the hot lane names a route FastAPI does not serve: {exc}") from None
