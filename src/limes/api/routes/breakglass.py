"""Break-glass requests and decisions, and the security events the DPO reads.

``POST /v1/breakglass`` asks for time-boxed access to one alert; a second person of
the same member state decides with ``POST /v1/breakglass/{grant_id}/decision``.
``GET /v1/security-events`` lists what the data protection officer must review.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.domain.alerts import STRICT
from limes.policy.permissions import Permission
from limes.service.breakglass import MAX_EVENTS
from limes.store.port import GrantRow, SecurityEvent

router = APIRouter(prefix="/v1", tags=["break-glass"])


@dataclass(frozen=True, slots=True)
class BreakGlassRequest:
    __pydantic_config__ = STRICT

    alert_id: str
    permissions: tuple[str, ...]
    minutes: int
    reason: str


@dataclass(frozen=True, slots=True)
class BreakGlassDecision:
    __pydantic_config__ = STRICT

    approve: bool
    reason: str


@dataclass(frozen=True, slots=True)
class GrantsOut:
    items: tuple[GrantRow, ...]


@dataclass(frozen=True, slots=True)
class SecurityEventsOut:
    items: tuple[SecurityEvent, ...]
    next_after: int


REQUESTS: tuple[type, ...] = (BreakGlassRequest, BreakGlassDecision)
ANSWERS: tuple[type, ...] = (GrantRow, GrantsOut, SecurityEventsOut)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of(REQUESTS, ANSWERS)


@router.post(
    "/breakglass",
    status_code=201,
    summary="Ask for time-boxed access to one alert (needs a second person's approval)",
    openapi_extra=needs(Permission.BREAKGLASS_REQUEST, schemas.body(BreakGlassRequest)),
    responses={201: schemas.answer(GrantRow, "The request, not yet in force")},
)
def request_breakglass(ctx: Ctx, limes: App, raw: Body) -> Response:
    form = codec.parse(BreakGlassRequest, raw)
    grant = limes.breakglass.request(
        ctx, form.alert_id, frozenset(form.permissions), form.minutes, form.reason
    )
    return schemas.json_response(grant, 201)


@router.post(
    "/breakglass/{grant_id}/decision",
    summary="Approve or refuse a break-glass request (never one's own)",
    openapi_extra=needs(Permission.BREAKGLASS_APPROVE, schemas.body(BreakGlassDecision)),
    responses={200: schemas.answer(GrantRow, "The decided request")},
)
def decide_breakglass(ctx: Ctx, limes: App, grant_id: str, raw: Body) -> Response:
    form = codec.parse(BreakGlassDecision, raw)
    return schemas.json_response(limes.breakglass.decide(ctx, grant_id, form.approve, form.reason))


@router.get(
    "/breakglass",
    summary="Break-glass requests and grants of the caller's member state",
    openapi_extra=needs(Permission.BREAKGLASS_LIST),
    responses={200: schemas.answer(GrantsOut, "Requests and grants, oldest first")},
)
def list_breakglass(ctx: Ctx, limes: App) -> Response:
    return schemas.json_response(GrantsOut(tuple(limes.breakglass.grants(ctx))))


@router.get(
    "/security-events",
    summary="Security events of the caller's member state, for its data protection officer",
    openapi_extra=needs(Permission.SECURITY_EVENTS_READ),
    responses={200: schemas.answer(SecurityEventsOut, "Events after the given sequence number")},
)
def security_events(
    ctx: Ctx,
    limes: App,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_EVENTS)] = 100,
) -> Response:
    found = limes.breakglass.security_events(ctx, after, limit)
    last = found[-1].seq if found else after
    return schemas.json_response(SecurityEventsOut(tuple(found), last))
