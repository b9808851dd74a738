"""``/v1/alerts``: issue, read, list, change, extend and delete alerts, and their relations.

Each route parses the request (``codec.parse`` over the raw body), calls one service
method with the caller's ``Context``, and shapes the answer; the service asks the
policy and keeps the store consistent. Each declares the permission that service call
needs (``needs``), checked against the policy table by the authorization-matrix test.
Routes are plain ``def``: the services block on the store, so they run in the server's
thread pool. Reading one alert, which a border guard does after most hits, is ``async``:
it hands only its service call to the pool, awaits its durable record on the loop
(``threads.off_loop_durable``) and is answered by the hot lane (``api/hot.py``) past
FastAPI's routing.

Bodies: ``POST /v1/alerts`` and ``PUT /v1/alerts/{id}`` take the alert content itself
(``AlertContent``, the ``content`` of the answer), so error pointers point into the
document as sent. Data on a misused identity is a separate resource
(``/misused-identity``), written with its own permission and If-Match.

Versions: every answer carrying an alert has ``ETag: "<version>"`` (strong, as
``If-Match`` compares strongly). The version counts changes to the alert record
(content, review date, misused identity); flags and links are relations of other
states and alerts, change without it and need no If-Match.

Read your own writes: issuing, updating and deleting answer ``Limes-Feed-Position``,
the change-feed position the write made; a search naming it in ``wait_for`` reflects
the write (``routes/search.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from limes import codec
from limes.api import schemas
from limes.api.deps import (
    AlertId,
    AlertIdPath,
    App,
    Body,
    Ctx,
    FlagState,
    OtherId,
    Version,
    checked_alert_id,
    get_limes,
)
from limes.api.hot import HotRoute
from limes.api.routes import needs
from limes.api.threads import off_loop_durable
from limes.domain.alerts import AlertContent, AlertStatus, MisusedIdentity
from limes.domain.categories import CategoryCode, ObjectType
from limes.domain.countries import CountryError, member_state
from limes.domain.ids import is_id
from limes.errors import FieldError, InvalidInput
from limes.policy.permissions import Context, Permission
from limes.service.alert_views import AlertView
from limes.service.alerts import MAX_PAGE
from limes.service.door_types import AlertFilter

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

_ALERT: dict[int | str, dict[str, Any]] = {200: schemas.answer(schemas.AlertOut, "The alert")}


FEED_POSITION = "Limes-Feed-Position"
_FEED_HEADER = {
    FEED_POSITION: {
        "description": "The change-feed position this write made; a search's wait_for",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def written(answer: dict[str, Any]) -> dict[str, Any]:
    """A write's ``responses`` entry, with the feed-position header it carries."""
    return {**answer, "headers": _FEED_HEADER}


def etag(version: int) -> str:
    return f'"{version}"'


def alert_response(view: AlertView, status: int = 200, *, written: bool = False) -> Response:
    out = schemas.written_alert_out(view) if written else schemas.alert_out(view)
    headers = {"ETag": etag(view.alert.version)}
    if view.feed_position is not None:
        headers[FEED_POSITION] = str(view.feed_position)
    if status == 201:
        headers["Location"] = f"{router.prefix}/{view.alert.id}"
    return schemas.json_response(out, status, headers)


@router.post(
    "",
    status_code=201,
    summary="Issue an alert of the caller's member state",
    openapi_extra=needs(Permission.ALERT_ISSUE, schemas.body(AlertContent)),
    responses={201: written(schemas.answer(schemas.WrittenAlertOut, "The alert as issued"))},
)
def issue_alert(ctx: Ctx, limes: App, body: Body) -> Response:
    content = codec.parse(AlertContent, body)
    return alert_response(limes.alerts.issue(ctx, content), 201, written=True)


@router.get(
    "",
    summary="List alerts, one page at a time, in id order",
    openapi_extra=needs(Permission.ALERT_LIST),
    responses={200: schemas.answer(schemas.AlertPageOut, "One page of alerts")},
)
def list_alerts(
    ctx: Ctx,
    limes: App,
    category: Annotated[CategoryCode | None, Query()] = None,
    object_type: Annotated[ObjectType | None, Query()] = None,
    issuing_state: Annotated[
        str | None, Query(description="A member state (ISO 3166-1 alpha-2)")
    ] = None,
    status: Annotated[AlertStatus, Query()] = AlertStatus.ACTIVE,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> Response:
    if issuing_state is not None:
        try:
            member_state(issuing_state)
        except CountryError as exc:
            raise InvalidInput(
                "issuing_state is not a member state",
                [FieldError("/query/issuing_state", str(exc))],
            ) from None
    if cursor is not None and not is_id(cursor):
        raise InvalidInput(
            "cursor is not one this server gave", [FieldError("/query/cursor", "is not an id")]
        )
    where = AlertFilter(
        category=category.value if category else None,
        object_type=object_type.value if object_type else None,
        issuing_state=issuing_state,
        status=status,
        after=cursor,
        limit=limit,
    )
    page = limes.alerts.list(ctx, where)
    return schemas.json_response(schemas.page_out(page))


@router.get(
    "/{alert_id}",
    summary="Read an alert",
    responses=_ALERT,
    openapi_extra=needs(Permission.ALERT_READ),
)
async def get_alert(ctx: Ctx, request: Request, alert_id: AlertIdPath) -> Response:
    # the alert's reader and the id read here, not as dependencies: the request path a
    # border guard takes most resolves only ``known_query`` and ``context`` (issue 13)
    return await alert_answer(request, ctx, alert_id)


async def alert_answer(request: Request, ctx: Context, alert_id: str) -> Response:
    """The answer to reading an alert (the route's and the hot lane's, ``api/hot.py``):
    the id checked on the event loop, the read (store, audit) off it."""
    view = await off_loop_durable(get_limes(request).alerts.get, ctx, checked_alert_id(alert_id))
    return alert_response(view)


HOT = (HotRoute("GET", f"{router.prefix}/{{alert_id}}", alert_answer, body=False),)
"""Reading an alert, answered by the hot lane besides FastAPI."""


@router.put(
    "/{alert_id}",
    summary="Replace an alert's content (its category cannot change)",
    openapi_extra=needs(Permission.ALERT_UPDATE, schemas.body(AlertContent)),
    responses={200: written(schemas.answer(schemas.WrittenAlertOut, "The alert as updated"))},
)
def update_alert(ctx: Ctx, limes: App, alert: AlertId, version: Version, body: Body) -> Response:
    content = codec.parse(AlertContent, body)
    return alert_response(limes.alerts.update(ctx, alert, content, version), written=True)


@router.delete(
    "/{alert_id}",
    status_code=204,
    summary="Delete an alert: its data is erased, a tombstone remains",
    openapi_extra=needs(Permission.ALERT_DELETE),
    response_class=Response,
    responses={204: written({"description": "Deleted"})},
)
def delete_alert(ctx: Ctx, limes: App, alert: AlertId, version: Version) -> Response:
    position = limes.alerts.delete(ctx, alert, version)
    return Response(status_code=204, headers={FEED_POSITION: str(position)})


@router.post(
    "/{alert_id}/extension",
    summary="Keep an alert for another review period",
    openapi_extra=needs(Permission.ALERT_EXTEND, schemas.body(schemas.ExtensionRequest)),
    responses=_ALERT,
)
def extend_alert(ctx: Ctx, limes: App, alert: AlertId, version: Version, body: Body) -> Response:
    request = codec.parse(schemas.ExtensionRequest, body)
    view = limes.alerts.extend(ctx, alert, request.reason, version, request.until)
    return alert_response(view)


# -- misused identity ------------------------------------------------------------------


@router.put(
    "/{alert_id}/misused-identity",
    summary="Add or replace the data of a victim of identity misuse (with consent)",
    openapi_extra=needs(Permission.MISUSED_IDENTITY_WRITE, schemas.body(MisusedIdentity)),
    responses=_ALERT,
)
def put_misused_identity(
    ctx: Ctx, limes: App, alert: AlertId, version: Version, body: Body
) -> Response:
    data = codec.parse(MisusedIdentity, body)
    return alert_response(limes.alerts.set_misused_identity(ctx, alert, data, version))


@router.get(
    "/{alert_id}/misused-identity",
    summary="Read the data of a victim of identity misuse",
    openapi_extra=needs(Permission.MISUSED_IDENTITY_READ),
    responses={200: schemas.answer(MisusedIdentity, "The misused identity")},
)
def get_misused_identity(ctx: Ctx, limes: App, alert: AlertId) -> Response:
    found = limes.alerts.get_misused_identity(ctx, alert)
    return schemas.json_response(found)


@router.delete(
    "/{alert_id}/misused-identity",
    summary="Remove the data of a victim of identity misuse",
    openapi_extra=needs(Permission.MISUSED_IDENTITY_WRITE),
    responses=_ALERT,
)
def delete_misused_identity(ctx: Ctx, limes: App, alert: AlertId, version: Version) -> Response:
    return alert_response(limes.alerts.set_misused_identity(ctx, alert, None, version))


# -- flags -----------------------------------------------------------------------------


@router.post(
    "/{alert_id}/flags",
    summary="Request a flag: the caller's state asks that the action not be taken there",
    openapi_extra=needs(Permission.FLAG_REQUEST, schemas.body(schemas.FlagRequest)),
    responses=_ALERT,
)
def request_flag(ctx: Ctx, limes: App, alert: AlertId, body: Body) -> Response:
    request = codec.parse(schemas.FlagRequest, body)
    return alert_response(limes.relations.request_flag(ctx, alert, request.reason))


@router.post(
    "/{alert_id}/flags/{state}/decision",
    summary="Grant or refuse a requested flag (the issuing state)",
    openapi_extra=needs(Permission.FLAG_DECIDE, schemas.body(schemas.FlagDecision)),
    responses=_ALERT,
)
def decide_flag(ctx: Ctx, limes: App, alert: AlertId, state: FlagState, body: Body) -> Response:
    decision = codec.parse(schemas.FlagDecision, body)
    view = limes.relations.decide_flag(ctx, alert, state, decision.grant, decision.reason)
    return alert_response(view)


@router.delete(
    "/{alert_id}/flags/{state}",
    summary="Withdraw a flag or flag request (the flagging state)",
    openapi_extra=needs(Permission.FLAG_REQUEST),
    responses=_ALERT,
)
def withdraw_flag(ctx: Ctx, limes: App, alert: AlertId, state: FlagState) -> Response:
    return alert_response(limes.relations.withdraw_flag(ctx, alert, state))


# -- links -----------------------------------------------------------------------------


@router.put(
    "/{alert_id}/links/{other_id}",
    summary="Link two alerts of the caller's state",
    openapi_extra=needs(Permission.ALERT_LINK),
    responses=_ALERT,
)
def link(ctx: Ctx, limes: App, alert: AlertId, other: OtherId) -> Response:
    return alert_response(limes.relations.link(ctx, alert, other))


@router.delete(
    "/{alert_id}/links/{other_id}",
    summary="Remove the link between two alerts",
    openapi_extra=needs(Permission.ALERT_LINK),
    responses=_ALERT,
)
def unlink(ctx: Ctx, limes: App, alert: AlertId, other: OtherId) -> Response:
    return alert_response(limes.relations.link(ctx, alert, other, unlink=True))
