"""The HTTP door: ``create_app(limes)`` builds the FastAPI application under ``/v1``.

Nothing happens at import. The application holds the wired ``Limes`` (services,
store, settings) and the authenticator the settings configure; routes reach the
services only. Every answer, errors included, carries the security headers below,
and every error is an RFC 9457 problem (``problems.py``), an unexpected one too,
without internals. The OpenAPI 3.1 document is served at ``/v1/openapi.json``, and
read by Swagger UI at ``/docs`` (``routes/docs.py``: assets of a package, no inline
script, a Content-Security-Policy of its own).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from limes.api import problems, schemas
from limes.api.admission import Admission
from limes.api.auth import Authenticator, for_settings
from limes.api.deps import PURPOSE_PARAMETER, context, depends_on, known_query
from limes.api.hot import HotRoutes, hot_routes, literal_routes
from limes.api.routes import alerts, meta
from limes.api.routes import audit as audit_routes
from limes.api.routes import auth as auth_routes
from limes.api.routes import biometrics as biometric_routes
from limes.api.routes import breakglass as breakglass_routes
from limes.api.routes import docs as docs_routes
from limes.api.routes import enrolment as enrolment_routes
from limes.api.routes import faces as face_routes
from limes.api.routes import feed as feed_routes
from limes.api.routes import identity_links as identity_link_routes
from limes.api.routes import reading as reading_routes
from limes.api.routes import screening as screening_routes
from limes.api.routes import search as search_routes
from limes.api.routes import sirene as sirene_routes
from limes.api.routes import subject_requests as subject_routes
from limes.bootstrap import Limes

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    # sandbox: were an answer (an attachment's bytes among them) ever rendered, it runs
    # no script, submits no form and has an origin of its own
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "Referrer-Policy": "no-referrer",
    # browsers ignore it over plain HTTP; behind TLS it pins HTTPS for two years
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}

_SECURITY_RAW = [
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()
]
_SECURITY_NAMES = frozenset(name for name, _ in _SECURITY_RAW)
# the documentation's pages run Swagger UI's own scripts (docs_routes.CSP, no inline ones)
_DOCS_RAW = [
    (name, docs_routes.CSP.encode("latin-1") if name == b"content-security-policy" else value)
    for name, value in _SECURITY_RAW
]


def _secured(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers of an answer to ``path``."""
    docs = path == docs_routes.PREFIX or path.startswith(docs_routes.PREFIX + "/")
    return _DOCS_RAW if docs else _SECURITY_RAW


_PROBLEM = {
    "description": "A problem (RFC 9457): 400 invalid input, 401, 403, 404, 405, 409, 410, "
    "412 version mismatch, 413, 415, 428 If-Match required, 429 too many requests, 500, "
    "503 server busy or search index behind",
    "content": {problems.PROBLEM_JSON: {"schema": {"$ref": schemas.REF.format(model="Problem")}}},
}


class AsOfHeaders:
    """At a national copy, every answer says what it reflects: ``Limes-As-Of`` (the
    centre's feed position the copy holds) and ``Limes-As-Of-Age`` (seconds since the
    copy last knew itself current, ``service/copies.py``)."""

    def __init__(self, app: ASGIApp, as_of: Callable[[], Any]) -> None:
        self.app = app
        self.as_of = as_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = self.as_of()
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"limes-as-of", str(now.position).encode()),
                    (b"limes-as-of-age", f"{now.age_seconds:.3f}".encode()),
                ]
            await send(message)

        await self.app(scope, receive, send_dated)


class Guard:
    """Outermost layer of our own: security headers on every answer, and a 500 problem
    (logged, never shown) for any exception nothing else handled."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # ours replace any the answer set itself; encoded once, at import
                message["headers"] = [
                    *(h for h in message.get("headers", ()) if h[0] not in _SECURITY_NAMES),
                    *_secured(scope["path"]),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        except Exception:
            problems.log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if started:
                raise
            await problems.internal_error(scope["path"])(scope, receive, send_secured)


def _version() -> str:
    try:
        return metadata.version("limes")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def create_app(limes: Limes, *, authenticator: Authenticator | None = None) -> FastAPI:
    """The application for a wired ``Limes``.

    The authenticator is the one ``limes.settings`` configures (``SettingsError`` for
    unsafe settings), unless one is given.
    """
    refusals = limes.refusals

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        refusals.flush()  # the counted summaries of the last minute

    app = FastAPI(
        lifespan=lifespan,
        title="Limes",
        version=_version(),
        summary="Alert information system for border and police checks",
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        dependencies=[Depends(known_query)],
        # FastAPI's native OpenTelemetry off: only opentelemetry-api is installed (no SDK,
        # so no provider can be configured and nothing was ever exported), yet FastAPI asked
        # the API for its three global providers on every request, each an environment
        # lookup (issue 13: ~5 µs of every request's CPU). Answers carry personal data;
        # tracing them would need its own review.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.limes = limes
    app.state.refusals = refusals
    app.state.authenticator = authenticator or for_settings(limes.settings, limes)
    problems.install(app)
    app.state.routes = []
    # routes are matched in this order, one regular expression each: the load balancer's
    # probe and a border guard's checks (searches, then reading a hit) come first, so that
    # they pass few (issue 13; no path of one router is a path of another, so the order
    # changes nothing else)
    for router in (
        meta.router,
        search_routes.router,
        alerts.router,
        auth_routes.router,
        enrolment_routes.router,
        biometric_routes.router,
        face_routes.router,
        breakglass_routes.router,
        audit_routes.router,
        sirene_routes.router,
        reading_routes.router,
        screening_routes.router,
        identity_link_routes.router,
        subject_routes.router,
        feed_routes.router,
    ):
        app.include_router(router)
        app.state.routes.extend(router.routes)
    app.include_router(docs_routes.router)  # not an API route: outside app.state.routes
    # innermost of ours: a border guard's searches and reads, and the load balancer's
    # probe, skip FastAPI's routing and dependency machinery (issue 13); Admission, Guard
    # and the rest wrap them as before
    app.add_middleware(
        HotRoutes,
        routes=hot_routes(app.routes, [*meta.HOT, *search_routes.HOT, *alerts.HOT]),
        literal=literal_routes(app.routes),
    )
    app.add_middleware(
        Admission,
        max_in_progress=limes.settings.max_requests_in_progress,
        body_seconds=limes.settings.request_body_seconds,
    )
    if limes.copies.is_copy():
        app.add_middleware(AsOfHeaders, as_of=limes.copies.as_of)
    app.add_middleware(Guard)  # added last, so outermost: its headers go on Admission's answers

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
    return app


def publish_schemas(found: dict[str, Any], *parts: dict[str, Any]) -> None:
    """Add each router's schemas to the document's, by name. Two different schemas of one
    name would make every ``$ref`` to it point at whichever came last: refused."""
    for part in parts:
        for name, schema in part.items():
            if name in found and found[name] != schema:
                raise RuntimeError(f"two different schemas are named {name}")
            found[name] = schema


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the door's own body schemas and problem answers.

    FastAPI's 422 answers are removed: parameter errors are 400 problems here.
    ``X-Limes-Purpose`` is documented as the required header it is, on every operation
    that reads it (``deps.context``).
    """
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        openapi_version=app.openapi_version,
        routes=app.routes,
    )
    found = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        found.pop(name, None)
    publish_schemas(
        found,
        schemas.components(),
        auth_routes.components(),
        enrolment_routes.components(),
        breakglass_routes.components(),
        audit_routes.components(),
        search_routes.components(),
        biometric_routes.components(),
        face_routes.components(),
        sirene_routes.components(),
        screening_routes.components(),
        identity_link_routes.components(),
        reading_routes.components(),
        subject_routes.components(),
        feed_routes.components(),
    )
    scheme = app.state.authenticator.openapi_scheme
    if scheme is not None:
        doc["components"]["securitySchemes"] = {scheme[0]: scheme[1]}
        doc["security"] = [{scheme[0]: []}]
    # (path, method) of every operation that reads the purpose: its route's own header
    # parameters, which FastAPI lists before those of the route's dependencies
    purposeful = {
        (str(route.path), method.lower()): {
            p.alias for p in route.original_route.dependant.header_params
        }
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and depends_on(route.original_route.dependant, context)
        for method in route.methods or ()
    }
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            answers.pop("422", None)
            answers["default"] = _PROBLEM
            own = purposeful.get((path, method))
            if own is not None:
                _declare_purpose(operation, own)
    return doc


def _declare_purpose(operation: dict[str, Any], own_headers: set[str]) -> None:
    """Document ``X-Limes-Purpose`` (read by ``deps.context``, not declared to FastAPI)
    where FastAPI put it when it was declared: after the path and query parameters and
    the route's own headers, before those of its other dependencies (``context`` is
    every route's first)."""
    parameters = operation.setdefault("parameters", [])
    at = len(parameters)
    for i, parameter in enumerate(parameters):
        if parameter["in"] in ("header", "cookie") and parameter["name"] not in own_headers:
            at = i
            break
    parameters.insert(at, dict(PURPOSE_PARAMETER))
