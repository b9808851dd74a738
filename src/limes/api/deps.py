"""What every route needs before it calls a service: who, why, which alert, which version.

Each dependency reads one thing from the request and refuses it with the right
problem: the principal (401), the purpose (400), a path id (404), ``If-Match``
(428, 412, 400) and the JSON body (415, 413; the content itself is parsed by the
route with ``codec.parse``). Routes declare them in this order, so a request is
authenticated before anything else about it is looked at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.types import Scope

from limes.api.auth import Authenticator
from limes.api.problems import ContentTooLarge, UnsupportedMediaType
from limes.api.threads import off_loop
from limes.bootstrap import Limes
from limes.domain.countries import CountryError, member_state
from limes.domain.ids import is_id
from limes.domain.roles import Purpose
from limes.errors import (
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    VersionMismatch,
)
from limes.policy.permissions import Context, Principal

PURPOSE_HEADER = "X-Limes-Purpose"
_STRONG_ETAG = re.compile(r'"([1-9][0-9]{0,17})"')

UNPROTECTED: dict[tuple[str, str], str] = {
    ("GET", "/v1/health"): "load balancers probe it without credentials; it holds no data",
    ("GET", "/v1/openapi.json"): "the published description of the API; it holds no data",
    ("HEAD", "/v1/openapi.json"): "the published description of the API; it holds no data",
    ("GET", "/v1/categories"): "the law's category table; needs a principal but no purpose",
    ("POST", "/v1/auth/login"): "logging in is how a user gets credentials",
    ("POST", "/v1/auth/enrol"): "a new account's holder sets its first credentials with a "
    "one-time code",
    ("POST", "/v1/auth/refresh"): "acts on the caller's own session only; reads no alert",
    ("POST", "/v1/auth/logout"): "acts on the caller's own session only; reads no alert",
    ("GET", "/docs"): "the API's documentation page (Swagger UI); it holds no data",
    ("GET", "/docs/init.js"): "the documentation page's script; it holds no data",
    ("GET", "/docs/assets/{name}"): "Swagger UI's own files, from its package; no data",
}
"""(method, path) of the routes that need no permission, and why not. Every other route
declares one (``api/routes/__init__.py``), and its caller is authenticated first."""

OWN_AUTHENTICATION = "/console"
"""The prefix of the routes served in this application that authenticate their callers
their own way (the console's session cookie, ``console/session.py``): ``known_query``
leaves them to it."""


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _may_hold_nul(scope: Scope) -> bool:
    """Whether the path or a header value holds U+0000, read from the raw scope: a header
    value is latin-1 bytes, so NUL is the byte 0 there; the path is already decoded."""
    if "\x00" in scope.get("path", "") or "\x00" in scope.get("root_path", ""):
        return True
    return any(b"\x00" in value for _, value in scope.get("headers", ()))


def _nul_errors(request: Request) -> list[FieldError]:
    """Where U+0000 is in the path, a query parameter or a header value."""
    found = []
    if "\x00" in request.url.path:
        found.append(FieldError("/path", "holds U+0000 (NUL)"))
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            shown = name.replace("\x00", "\\u0000")
            found.append(FieldError(f"/query/{shown}", "holds U+0000 (NUL)"))
    for name, value in request.headers.items():
        if "\x00" in value:
            found.append(FieldError(f"/header/{name}", "holds U+0000 (NUL)"))
    return found


async def known_query(request: Request) -> None:
    """Refuse query parameters the route does not declare, and U+0000 in the path, a
    query parameter or a header (strict input at every door; PostgreSQL refuses NUL in
    text, so it is refused here for every store, before anything reaches one).

    On a protected route the caller is authenticated first, so that a request without
    credentials is answered 401 whatever else is wrong with it.
    """
    scope = request.scope
    if not scope.get("query_string") and not _may_hold_nul(scope):
        return  # the common case, decided on the raw bytes without decoding anything
    route = scope.get("route")
    nul = _nul_errors(request)
    if not (request.query_params or nul) or not isinstance(route, APIRoute):
        return
    own = route.path == OWN_AUTHENTICATION or route.path.startswith(OWN_AUTHENTICATION + "/")
    if (request.method, route.path) not in UNPROTECTED and not own:
        await principal(request)
    if nul:
        raise InvalidInput("U+0000 (NUL) is not accepted in any text", nul)
    declared = _query_names(route.dependant)
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise InvalidInput(
            f"unknown query parameter(s): {', '.join(unknown)}",
            [FieldError(f"/query/{name}", "is not a known parameter") for name in unknown],
        )


def get_limes(request: Request) -> Limes:
    limes: Limes = request.app.state.limes
    return limes


async def app_limes(request: Request) -> Limes:
    return get_limes(request)


async def principal(request: Request) -> Principal:
    # An authenticator that reads the store (accounts, sessions) runs in the thread
    # pool so as not to block the event loop; one that only reads the request (says
    # ``blocks = False``) runs here, sparing the request a thread-pool hop.
    # Once per request: ``known_query`` may have authenticated the caller already.
    known: Principal | None = getattr(request.state, "limes_principal", None)
    if known is not None:
        return known
    authenticator: Authenticator = request.app.state.authenticator
    if getattr(authenticator, "blocks", True):
        who = await off_loop(authenticator.authenticate, request)
    else:
        who = authenticator.authenticate(request)
    request.state.limes_principal = who
    return who


async def context(request: Request) -> Context:
    """Who acts and why: the principal, then the purpose ``X-Limes-Purpose`` names.

    The header is read here, once, from the request: it is not a FastAPI ``Header``
    parameter, which FastAPI would look up and validate on every request only for this
    function to read it again (issue 13). ``PURPOSE_PARAMETER`` documents it in OpenAPI
    for every operation that depends on this (``app._openapi``).
    """
    # the caller first (401 before anything else), called here rather than declared as a
    # sub-dependency: one dependency fewer for FastAPI to resolve on every request
    who = await principal(request)
    values = request.headers.getlist(PURPOSE_HEADER)
    pointer = f"/header/{PURPOSE_HEADER}"
    if not values:
        raise InvalidInput(
            f"the {PURPOSE_HEADER} header is required",
            [FieldError(pointer, "is required")],
        )
    if len(values) > 1:
        raise InvalidInput(
            f"the {PURPOSE_HEADER} header is given more than once",
            [FieldError(pointer, "must be given once")],
        )
    try:
        why = Purpose(values[0])
    except ValueError:
        detail = "must be one of: " + ", ".join(Purpose)
        problem = [FieldError(pointer, detail)]
        raise InvalidInput(f"{PURPOSE_HEADER} is not a purpose", problem) from None
    # counts against the principal's rate limit, as every door's way in does (an
    # in-memory bucket behind a lock held for microseconds: fine on the event loop)
    return get_limes(request).enter(who, why)


PURPOSE_PARAMETER: dict[str, Any] = {
    "name": PURPOSE_HEADER,
    "in": "header",
    "required": True,
    "schema": {"type": "string", "enum": list(Purpose)},
    "description": "Why the caller acts: " + ", ".join(Purpose) + ". Checked by the policy.",
}
"""The purpose header as the OpenAPI document describes it, on every operation that
depends on ``context``."""


def depends_on(dependant: Dependant, call: Callable[..., Any]) -> bool:
    """Whether ``call`` is among the dependencies of ``dependant``, at any depth."""
    return any(sub.call is call or depends_on(sub, call) for sub in dependant.dependencies)


def checked_alert_id(value: str) -> str:
    """``value``, or ``NotFound`` if it is not an alert id."""
    if not is_id(value):
        raise NotFound("there is no alert with that id (an alert id is a 26-character ULID)")
    return value


AlertIdPath = Annotated[str, Path(description="The alert's id (ULID)")]
"""The path's alert id as the route reads it itself (``checked_alert_id``): on the routes
a border guard calls most, one dependency fewer for FastAPI to resolve (issue 13)."""


async def alert_id(alert_id: AlertIdPath) -> str:
    return checked_alert_id(alert_id)


async def other_id(
    other_id: Annotated[str, Path(description="The id (ULID) of the alert to link")],
) -> str:
    return checked_alert_id(other_id)


async def flag_state(
    state: Annotated[str, Path(description="The flagging member state (ISO 3166-1 alpha-2)")],
) -> str:
    try:
        return member_state(state)
    except CountryError:
        raise NotFound("there is no flag of that state; flags are held by member states") from None


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag of the version the change is based on, e.g. "3".',
        ),
    ] = None,
) -> int:
    """The version named by ``If-Match``: exactly one strong entity tag.

    Missing or ``*`` is refused with 428 (a change must say which version it
    replaces); a weak tag never matches ``If-Match`` (RFC 9110, 13.1.1), so 412.
    """
    pointer = "/header/If-Match"
    if if_match is None:
        raise PreconditionRequired(
            "this request changes an alert: send If-Match with the ETag of the version it replaces"
        )
    tag = if_match.strip()
    if tag == "*":
        raise PreconditionRequired(
            "If-Match: * is not accepted; send the ETag of the version the change replaces"
        )
    if tag.startswith("W/"):
        raise VersionMismatch("a weak ETag never matches If-Match (RFC 9110, 13.1.1)")
    m = _STRONG_ETAG.fullmatch(tag)
    if m is None:
        raise InvalidInput(
            'If-Match must be one ETag as this server sends it, e.g. "3"',
            [FieldError(pointer, "must be one strong entity tag holding a version")],
        )
    return int(m[1])


async def json_body(request: Request) -> bytes:
    """The raw request body, refused unless JSON and within ``max_body_bytes``."""
    media_type, _, params = request.headers.get("content-type", "").partition(";")
    charset = params.strip().lower()
    if media_type.strip().lower() != "application/json" or charset not in (
        "",
        "charset=utf-8",
        'charset="utf-8"',
    ):
        raise UnsupportedMediaType("send the body as application/json in UTF-8")
    return await bounded_body(request)


CAPTURE_MEDIA_TYPES = frozenset(
    {"application/octet-stream", "application/x-ansi-nist", "image/png", "image/x-wsq"}
)
"""One ISO/IEC 19794-2 record, one ANSI/NIST-ITL transaction, one bare finger image."""
MAX_CAPTURE_BYTES = 16 * 1024 * 1024
"""A capture body's bound: a ten-print transaction of uncompressed 500 ppi images is
about 2.5 MB, of WSQ images a tenth of that; the formats bound each part again."""


async def record_body(request: Request) -> tuple[str, bytes]:
    """A body that is JSON (media type "") or one capture of ``CAPTURE_MEDIA_TYPES``
    (its media type), JSON within ``max_body_bytes``, a capture within
    ``MAX_CAPTURE_BYTES``; anything else is refused."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type in CAPTURE_MEDIA_TYPES:
        limit = max(get_limes(request).settings.max_body_bytes, MAX_CAPTURE_BYTES)
        return media_type, await bounded_body(request, limit)
    return "", await json_body(request)


async def bounded_body(request: Request, limit: int | None = None) -> bytes:
    """The raw request body, refused past ``max_body_bytes``.

    Content-Length is checked first and then the bytes actually read, because a
    chunked request has no Content-Length and a dishonest one may understate it.
    """
    if limit is None:
        limit = get_limes(request).settings.max_body_bytes
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isascii() or not length.isdigit():
            raise InvalidInput(
                "Content-Length is not a number",
                [FieldError("/header/Content-Length", "must be a decimal number")],
            )
        if int(length) > limit:
            raise ContentTooLarge(f"the body may hold at most {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ContentTooLarge(f"the body may hold at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


App = Annotated[Limes, Depends(app_limes)]
Ctx = Annotated[Context, Depends(context)]
Who = Annotated[Principal, Depends(principal)]
AlertId = Annotated[str, Depends(alert_id)]
OtherId = Annotated[str, Depends(other_id)]
FlagState = Annotated[str, Depends(flag_state)]
Version = Annotated[int, Depends(expected_version)]
Body = Annotated[bytes, Depends(json_body)]
RecordBody = Annotated[tuple[str, bytes], Depends(record_body)]
