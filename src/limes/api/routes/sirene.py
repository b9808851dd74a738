"""Hits and the SIRENE exchange over HTTP.

``POST /v1/hits`` records a hit on the alert version a search answered and opens its
case. The bureaux of the states party to a case read it
(``GET /v1/sirene/cases/{case_id}``), send forms on it (``POST …/messages``) and fetch
attachments; ``GET /v1/sirene/inbox`` is a bureau's work list, soonest due first.
``POST /v1/sirene/escalation`` runs the overdue escalation (the server also runs it
every minute); ``GET /v1/sirene/statistics`` answers counts as JSON or CSV.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.policy.permissions import Permission
from limes.service.hits import HitView
from limes.service.sirene import (
    MAX_INBOX,
    CaseView,
    Inbox,
    InboxQuery,
    MessageView,
)
from limes.sirene.forms import Form, MessageIn
from limes.sirene.hits import HitIn
from limes.sirene.statistics import Statistics, to_csv

router = APIRouter(prefix="/v1", tags=["sirene"])


@dataclass(frozen=True, slots=True)
class AttachmentOut:
    """An attachment's bytes (base64), media type and the SHA-256 they were checked against."""

    id: str
    media_type: str
    sha256: str
    content_base64: str


@dataclass(frozen=True, slots=True)
class EscalationOut:
    escalated: int
    messages: tuple[str, ...]


REQUESTS: tuple[type, ...] = (HitIn, MessageIn)
ANSWERS: tuple[type, ...] = (
    HitView,
    CaseView,
    MessageView,
    Inbox,
    Statistics,
    EscalationOut,
    AttachmentOut,
)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of(REQUESTS, ANSWERS)


@router.post(
    "/hits",
    status_code=201,
    summary="Record a hit on the alert version a search answered; opens a SIRENE case",
    openapi_extra=needs(Permission.HIT_RECORD, schemas.body(HitIn)),
    responses={201: schemas.answer(HitView, "The hit, its report and its case")},
)
def record_hit(ctx: Ctx, limes: App, raw: Body) -> Response:
    hit = codec.parse(HitIn, raw)
    view = limes.hits.record(ctx, hit.alert_id, hit.alert_version, hit.report)
    return schemas.json_response(view, 201)


@router.get(
    "/sirene/inbox",
    summary="Forms sent to the caller's SIRENE bureau, soonest due first",
    openapi_extra=needs(Permission.CASE_READ),
    responses={200: schemas.answer(Inbox, "Forms (bookkeeping only, no content)")},
)
def inbox(
    ctx: Ctx,
    limes: App,
    form: Annotated[Form | None, Query()] = None,
    status: Annotated[Literal["open", "all"], Query()] = "open",
    overdue: Annotated[bool, Query()] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_INBOX)] = 100,
) -> Response:
    query = InboxQuery(form=form, open_only=status == "open", overdue=overdue, limit=limit)
    return schemas.json_response(limes.sirene.inbox(ctx, query))


@router.get(
    "/sirene/cases/{case_id}",
    summary="A case with its hits and forms (parties only)",
    openapi_extra=needs(Permission.CASE_READ),
    responses={200: schemas.answer(CaseView, "The case")},
)
def get_case(ctx: Ctx, limes: App, case_id: str) -> Response:
    return schemas.json_response(limes.sirene.case(ctx, case_id))


@router.post(
    "/sirene/cases/{case_id}/messages",
    status_code=201,
    summary="Send a SIRENE form on a case to the other party",
    openapi_extra=needs(Permission.CASE_WRITE, schemas.body(MessageIn)),
    responses={201: schemas.answer(MessageView, "The form as sent, with its deadline")},
)
def send_message(ctx: Ctx, limes: App, case_id: str, raw: Body) -> Response:
    message = codec.parse(MessageIn, raw)
    return schemas.json_response(limes.sirene.send(ctx, case_id, message), 201)


@router.get(
    "/sirene/attachments/{attachment_id}",
    summary="The bytes of an attachment (parties only), checked against its SHA-256",
    openapi_extra=needs(Permission.CASE_READ),
    responses={
        200: {
            **schemas.answer(AttachmentOut, "The attachment, as a download"),
            "headers": {
                "Content-Disposition": {
                    "description": 'Always `attachment; filename="<id>.json"`',
                    "schema": {"type": "string"},
                }
            },
        }
    },
)
def get_attachment(ctx: Ctx, limes: App, attachment_id: str) -> Response:
    found = limes.sirene.attachment(ctx, attachment_id)
    content = base64.b64encode(found.content).decode("ascii")
    # a download, whatever asks for it: a browser saves the answer and renders nothing
    # (with the sandboxing CSP and nosniff that every answer carries, api/app.py)
    download = {"Content-Disposition": f'attachment; filename="{found.id}.json"'}
    out = AttachmentOut(found.id, found.media_type, found.sha256, content)
    return schemas.json_response(out, headers=download)


@router.post(
    "/sirene/escalation",
    summary="Escalate overdue forms (security event and notification per new level)",
    openapi_extra=needs(Permission.SIRENE_ESCALATE),
    responses={200: schemas.answer(EscalationOut, "The forms escalated by this run")},
)
def escalate(ctx: Ctx, limes: App) -> Response:
    report = limes.sirene.escalate(ctx)
    ids = tuple(message for message, _ in report.escalated)
    return schemas.json_response(EscalationOut(len(ids), ids))


@router.get(
    "/sirene/statistics",
    summary="Hits, SIRENE workload, response times and overdue counts of the caller's state",
    openapi_extra=needs(Permission.SIRENE_STATISTICS),
    responses={200: schemas.answer_in_formats(Statistics, "The figures", text=("text/csv",))},
)
def statistics(
    ctx: Ctx,
    limes: App,
    since: Annotated[datetime | None, Query()] = None,
    until: Annotated[datetime | None, Query()] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Response:
    figures = limes.sirene.statistics(ctx, since, until)
    if format == "csv":
        return Response(to_csv(figures), media_type="text/csv; charset=utf-8")
    return schemas.json_response(figures)
