"""The gateway's ASGI application: one route, ``POST /v1/screening/{profile}``.

For each request, in this order, stopping at the first refusal (an RFC 9457 problem):

1. **who**: the client certificate the TLS handshake verified (ASGI TLS extension,
   ``identity/certificates.peer_fingerprint``) must be pinned on an external system of
   the configuration (401), and ``Authorization: Bearer <token>`` must be that system's
   token (compared by SHA-256, in constant time; 401). A certificate stolen from one
   system, with that system's token, is that system and nothing more.
2. **what**: the profile must be one of that system's (403; unknown: 404), the body a
   query that fits it (``checks.checked_query``, 400).
3. **how often**: the system's token bucket and daily quota (``limits.py``, 429).
4. **forward**: to Limes as the gateway's one system client, naming the external system
   and the profile's purpose; Limes' answer passes only if it is exactly the profile's
   shape (``checks.checked_answer``; else 502).

Every request is logged (``limes.gateway.queries``): time, system (or why none), profile,
the names of the fields sent (never their values), the status and the time taken.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from limes.clock import Clock, utc_now
from limes.errors import (
    FieldError,
    Forbidden,
    InvalidInput,
    LimesError,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from limes.gateway.checks import MAX_BODY, BadAnswer, checked_answer, checked_query
from limes.gateway.config import GatewayConfig, System
from limes.gateway.limits import SystemLimits
from limes.gateway.upstream import Answer
from limes.identity.certificates import peer_fingerprint
from limes.policy.profiles import Profile

log = logging.getLogger("limes.gateway.queries")
PURPOSE_HEADER = "X-Limes-Purpose"
SYSTEM_HEADER = "X-Limes-External-System"
PROBLEM_JSON = "application/problem+json"
Forward = Callable[[str, bytes, dict[str, str]], Answer]


class UpstreamFailed(LimesError):
    slug = "upstream-failed"
    title = "Limes did not answer as the profile says"


_STATUS: dict[type[LimesError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    InvalidInput: 400,
    RateLimited: 429,
    UpstreamFailed: 502,
}


def problem(exc: LimesError) -> Response:
    status = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), 500)
    body: dict[str, Any] = {
        "type": f"urn:limes:problem:{exc.slug}",
        "title": exc.title,
        "status": status,
        "detail": str(exc),
    }
    errors: list[FieldError] = getattr(exc, "errors", [])
    if errors:
        body["errors"] = [{"pointer": e.pointer, "detail": e.detail} for e in errors]
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="limes-gateway"'
    return Response(json.dumps(body), status, headers, media_type=PROBLEM_JSON)


class Gateway:
    """The checks and the forwarding, apart from HTTP (the tests call them directly)."""

    def __init__(self, config: GatewayConfig, forward: Forward, clock: Clock = utc_now) -> None:
        self.config = config
        self.forward = forward
        self.limits = SystemLimits(clock)
        self.clock = clock

    def system(self, request: Request) -> System:
        fingerprint = peer_fingerprint(request.scope)
        system = self.config.by_certificate(fingerprint) if fingerprint else None
        if system is None:
            raise Unauthenticated("the client certificate is not pinned on an external system")
        values = request.headers.getlist("authorization")
        scheme, _, token = (values[0] if len(values) == 1 else "").partition(" ")
        digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        if scheme.lower() != "bearer" or not hmac.compare_digest(digest, system.token_sha256):
            raise Unauthenticated("the system's bearer token is missing or wrong")
        return system

    def profile(self, system: System, profile_id: str) -> Profile:
        profile = self.config.profiles.get(profile_id)
        if profile is None:
            raise NotFound("no such profile")
        if profile_id not in system.profiles or profile.system != system.name:
            raise Forbidden(f"{profile_id} is not a profile of {system.name}")
        return profile

    def admit(self, system: System) -> None:
        wait = self.limits.admit(
            system.name, time.monotonic(), system.per_second, system.burst, system.per_day
        )
        if wait:
            raise RateLimited(f"{system.name} is over its rate or daily quota", wait)

    def ask(self, system: System, profile: Profile, query: dict[str, Any]) -> dict[str, Any]:
        headers = {PURPOSE_HEADER: profile.purpose.value, SYSTEM_HEADER: system.name}
        body = json.dumps(query, ensure_ascii=False).encode("utf-8")
        try:
            answer = self.forward(f"/v1/screening/{profile.id}", body, headers)
        except OSError as exc:
            raise UpstreamFailed(f"Limes cannot be reached: {type(exc).__name__}") from None
        if answer.status == 429:
            raise RateLimited("Limes holds the gateway to its rate", _seconds(answer.retry_after))
        if answer.status in {400, 403, 404}:
            kind = {400: InvalidInput, 403: Forbidden, 404: NotFound}[answer.status]
            raise kind("Limes refused the query")
        if answer.status != 200:
            raise UpstreamFailed(f"Limes answered {answer.status}")
        try:
            return checked_answer(profile, answer.body)
        except BadAnswer as exc:
            raise UpstreamFailed(f"Limes' answer is not the profile's shape ({exc})") from None


def _seconds(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 1


async def _body(request: Request) -> bytes:
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise InvalidInput(f"the query is larger than {MAX_BODY} bytes")
    return data


def create_gateway_app(gateway: Gateway) -> Starlette:
    """The ASGI application serving ``gateway``."""

    async def screen(request: Request) -> Response:
        started = time.monotonic()
        entry: dict[str, Any] = {"profile": str(request.path_params.get("profile", ""))[:64]}
        try:
            system = gateway.system(request)
            entry["system"] = system.name
            profile = gateway.profile(system, entry["profile"])
            query = checked_query(profile, await _body(request))
            entry["fields"] = sorted(query)
            gateway.admit(system)
            answer = await run_in_threadpool(gateway.ask, system, profile, query)
            response = Response(json.dumps(answer), 200, media_type="application/json")
        except LimesError as exc:
            response = problem(exc)
            entry["refused"] = exc.slug
        entry |= {
            "at": gateway.clock().isoformat(),
            "status": response.status_code,
            "ms": round((time.monotonic() - started) * 1000, 2),
        }
        log.info("%s", json.dumps(entry, sort_keys=True))
        return response

    async def elsewhere(request: Request) -> Response:
        return problem(NotFound("the gateway answers POST /v1/screening/{profile} only"))

    routes = [
        Route("/v1/screening/{profile}", screen, methods=["POST"]),
        Route("/{path:path}", elsewhere, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    return Starlette(routes=routes)
