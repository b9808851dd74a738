"""Every error leaves the HTTP door as an RFC 9457 problem document.

One table maps each ``LimesError`` class to its HTTP status; the slug and title come
from the error class itself, so the CLI and the API name a refusal the same way.
Errors that only exist at the HTTP door (oversized body, wrong media type, unknown
route, wrong method) are defined here, not in ``limes.errors``.

A problem carries ``type`` (``urn:limes:problem:<slug>``), ``title``, ``status``,
``detail``, ``instance`` (the request path, never the query string, which may hold
search terms) and, for invalid input, ``errors``: a list of ``{pointer, detail}``
with RFC 6901 pointers into the request (``/person/surnames/0/latin``,
``/query/limit``, ``/header/If-Match``).

A 401, 403 or 429 that no use case recorded is recorded here, at the door
(``service/refusals.py``: floods folded into counted summaries).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route

from limes import codec
from limes.api.threads import off_loop
from limes.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Gone,
    InvalidInput,
    LimesError,
    NotFound,
    PreconditionRequired,
    RateLimited,
    Unauthenticated,
    Unavailable,
    VersionMismatch,
)
from limes.service.refusals import DoorRefusals, Refusal

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:limes:problem:"

log = logging.getLogger("limes.api")


class ContentTooLarge(LimesError):
    slug = "content-too-large"
    title = "The request body is too large"


class UnsupportedMediaType(LimesError):
    slug = "unsupported-media-type"
    title = "The request body must be application/json"


class MethodNotAllowed(LimesError):
    slug = "method-not-allowed"
    title = "The method is not allowed on this resource"


class RequestTimeout(LimesError):
    slug = "request-timeout"
    title = "The request did not arrive in time"


class ServerBusy(LimesError):
    slug = "server-busy"
    title = "The server is answering as many requests as it may at once"


class InternalError(LimesError):
    slug = "internal-error"
    title = "The server failed to answer the request"


STATUS: Mapping[type[LimesError], int] = {
    InvalidInput: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    Conflict: 409,
    Gone: 410,
    VersionMismatch: 412,
    ContentTooLarge: 413,
    UnsupportedMediaType: 415,
    PreconditionRequired: 428,
    RateLimited: 429,
    RequestTimeout: 408,
    InternalError: 500,
    ServerBusy: 503,
    Unavailable: 503,
}


@dataclass(frozen=True, slots=True)
class Problem:
    """An RFC 9457 problem document; ``errors`` only for invalid input."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: tuple[FieldError, ...] = ()


def status_of(exc: LimesError) -> int:
    """The HTTP status of an error: the first class in its MRO the table names, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def problem_response(
    exc: LimesError, instance: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The problem document for an error raised on purpose."""
    status = status_of(exc)
    if status == 500 and not isinstance(exc, InternalError):
        # An error class nobody mapped is a programming error: say nothing of it.
        exc = InternalError("the server could not answer this request")
    errors = None
    if isinstance(exc, InvalidInput):
        errors = exc.errors or [FieldError("", exc.detail)]
    return problem(status, exc.slug, exc.title, exc.detail, instance, errors, headers)


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    instance: str,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, object] = {
        "type": TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = [{"pointer": e.pointer, "detail": e.detail} for e in errors]
    return Response(
        codec.encode(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def internal_error(instance: str) -> Response:
    return problem_response(InternalError("the server could not answer this request"), instance)


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc)


DOOR_RECORDED = (Unauthenticated, Forbidden, RateLimited)


async def _record_at_door(request: Request, exc: LimesError) -> None:
    """Record a 401, 403 or 429 that no use case recorded (``service/refusals.py``)."""
    refusals: DoorRefusals | None = getattr(request.app.state, "refusals", None)
    if refusals is None or not isinstance(exc, DOOR_RECORDED):
        return
    refusal = Refusal(
        exc,
        status_of(exc),
        request.client.host if request.client else None,
        request.method,
        request.url.path,
        getattr(request.state, "limes_principal", None),
    )
    await off_loop(refusals.record, refusal)


async def limes_error(request: Request, exc: Exception) -> Response:
    """The problem answering ``exc`` (registered for ``LimesError``; the hot lane,
    ``hot.py``, answers its own errors with it too)."""
    if not isinstance(exc, LimesError):  # registered for LimesError only
        raise exc
    await _record_at_door(request, exc)
    headers = None
    if isinstance(exc, Unauthenticated):
        challenge: str = request.app.state.authenticator.challenge
        headers = {"WWW-Authenticate": challenge}
    elif isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem_response(exc, request.url.path, headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own parameter validation (query, path, header): 400, never 422."""
    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    errors = [
        FieldError(_pointer(tuple(err.get("loc", ()))), str(err.get("msg", "is not valid")))
        for err in exc.errors()
    ]
    invalid = InvalidInput(f"{len(errors)} problem(s) in the request", errors)
    return problem_response(invalid, request.url.path)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's routing errors (unknown route 404, wrong method 405) as problems."""
    if not isinstance(exc, StarletteHTTPException):  # registered for StarletteHTTPException only
        raise exc
    path = request.url.path
    if exc.status_code == 404:
        return problem_response(NotFound("there is no resource at this path"), path)
    if exc.status_code == 405:
        error = MethodNotAllowed(f"{request.method} is not allowed on this resource")
        return problem_response(error, path, {"Allow": ", ".join(_allowed(request))})
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = "Error"
    return problem(exc.status_code, phrase.lower().replace(" ", "-"), phrase, phrase, path)


def _allowed(request: Request) -> list[str]:
    """Every method some route allows on this path (Starlette names only the first route's).

    ``app.state.routes`` lists the door's routes flat (FastAPI nests included routers).
    """
    methods: set[str] = set()
    routes: list[BaseRoute] = request.app.state.routes
    for route in routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""
    app.add_exception_handler(LimesError, limes_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
