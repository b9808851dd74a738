"""Data-subject requests over HTTP (``service/subject_requests.py``).

The data protection officer of the state that received a request registers it
(``POST /v1/subject-requests``), searches every alert for the applicant
(``POST …/search``), confirms or rejects each candidate (``POST …/holdings/{alert_id}/
decision``: confirming another state's alert consults it on a SIRENE case), and replies
once each issuing state answered (``POST …/holdings/{alert_id}/answer``, by the
issuing state's officer). ``GET …/reply`` gives the reply as sent: JSON, text or PDF.
``POST …/extension`` extends the time limit by two months (GDPR Art. 12(3), once, with
the letter to the applicant, ``GET …/extension``); ``POST …/court-case`` records a court
case brought about the request.
``GET /v1/subject-requests/statistics`` answers the Art. 54 figures as JSON, CSV or a
PNG chart; ``POST /v1/subject-requests/escalation`` raises overdue requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.domain.alerts import STRICT
from limes.policy.permissions import Permission
from limes.service.subject_requests import MAX_LIST, RequestList, RequestView
from limes.sirene import pdf, subject_statistics
from limes.sirene.replies import Reply
from limes.sirene.subject_notices import SubjectExtension
from limes.sirene.subject_requests import (
    ConsultationAnswerIn,
    CourtCaseIn,
    ExtensionIn,
    SubjectRequestIn,
)
from limes.sirene.subject_statistics import SubjectStatistics

router = APIRouter(prefix="/v1/subject-requests", tags=["subject-requests"])


@dataclass(frozen=True, slots=True)
class DecisionIn:
    """Whether a candidate alert is the applicant's."""

    __pydantic_config__ = STRICT

    confirmed: bool


@dataclass(frozen=True, slots=True)
class SubjectEscalationOut:
    escalated: int
    requests: tuple[str, ...]


REQUESTS: tuple[type, ...] = (
    SubjectRequestIn,
    DecisionIn,
    ConsultationAnswerIn,
    ExtensionIn,
    CourtCaseIn,
)
ANSWERS: tuple[type, ...] = (
    RequestView,
    RequestList,
    Reply,
    SubjectExtension,
    SubjectStatistics,
    SubjectEscalationOut,
)


@cache
def components() -> dict[str, Any]:
    """The JSON schemas of this router's bodies, for the OpenAPI document."""
    return schemas.schemas_of(REQUESTS, ANSWERS)


@router.post(
    "",
    status_code=201,
    summary="Register a data-subject request (access, rectification, erasure)",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_WRITE, schemas.body(SubjectRequestIn)),
    responses={201: schemas.answer(RequestView, "The request, with its due date")},
)
def register(ctx: Ctx, limes: App, raw: Body) -> Response:
    request = codec.parse(SubjectRequestIn, raw)
    return schemas.json_response(limes.subject_requests.register(ctx, request), 201)


@router.get(
    "",
    summary="Requests the caller's state received or is consulted on, soonest due first",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_READ),
    responses={200: schemas.answer(RequestList, "Requests (bookkeeping only)")},
)
def list_requests(
    ctx: Ctx,
    limes: App,
    status: Annotated[Literal["open", "all"], Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 100,
) -> Response:
    return schemas.json_response(limes.subject_requests.list(ctx, status == "open", limit))


@router.get(
    "/statistics",
    summary="The Art. 54 figures of the caller's state, per year",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_STATISTICS),
    responses={
        200: schemas.answer_in_formats(
            SubjectStatistics, "The figures", text=("text/csv",), binary=("image/png",)
        )
    },
)
def statistics(
    ctx: Ctx,
    limes: App,
    year: Annotated[int | None, Query(ge=2000, le=9999)] = None,
    format: Annotated[Literal["json", "csv", "png"], Query()] = "json",
) -> Response:
    figures = limes.subject_requests.statistics(ctx, year)
    if format == "csv":
        return Response(subject_statistics.to_csv(figures), media_type="text/csv; charset=utf-8")
    if format == "png":
        return Response(subject_statistics.chart(figures), media_type="image/png")
    return schemas.json_response(figures)


@router.post(
    "/escalation",
    summary="Escalate requests past their due date (security event per new level)",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_ESCALATE),
    responses={200: schemas.answer(SubjectEscalationOut, "The requests escalated")},
)
def escalate(ctx: Ctx, limes: App) -> Response:
    report = limes.subject_requests.escalate(ctx)
    ids = tuple(request for request, _ in report.escalated)
    return schemas.json_response(SubjectEscalationOut(len(ids), ids))


@router.get(
    "/{request_id}",
    summary="A request with the applicant's data and the alerts found (parties only)",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_READ),
    responses={200: schemas.answer(RequestView, "The request")},
)
def get_request(ctx: Ctx, limes: App, request_id: str) -> Response:
    return schemas.json_response(limes.subject_requests.get(ctx, request_id))


@router.post(
    "/{request_id}/search",
    summary="Search every alert for the applicant (data-protection purpose); lists candidates",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_WRITE),
    responses={200: schemas.answer(RequestView, "The request with its candidates")},
)
def search(ctx: Ctx, limes: App, request_id: str) -> Response:
    return schemas.json_response(limes.subject_requests.find(ctx, request_id))


@router.post(
    "/{request_id}/holdings/{alert_id}/decision",
    summary="Confirm or reject a candidate; confirming another state's alert consults it",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_WRITE, schemas.body(DecisionIn)),
    responses={200: schemas.answer(RequestView, "The request")},
)
def decide(ctx: Ctx, limes: App, request_id: str, alert_id: str, raw: Body) -> Response:
    decision = codec.parse(DecisionIn, raw)
    view = limes.subject_requests.decide(ctx, request_id, alert_id, decision.confirmed)
    return schemas.json_response(view)


@router.post(
    "/{request_id}/holdings/{alert_id}/answer",
    summary="The issuing state's position on its alert: disclose, in part, restrict; correction",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_ANSWER, schemas.body(ConsultationAnswerIn)),
    responses={200: schemas.answer(RequestView, "The request, as the issuing state sees it")},
)
def answer(ctx: Ctx, limes: App, request_id: str, alert_id: str, raw: Body) -> Response:
    given = codec.parse(ConsultationAnswerIn, raw)
    return schemas.json_response(limes.subject_requests.answer(ctx, request_id, alert_id, given))


@router.post(
    "/{request_id}/reply",
    status_code=201,
    summary="Write the reply (once every confirmed alert is answered); kept as sent",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_WRITE),
    responses={201: schemas.answer(Reply, "The reply, its text and the proofs")},
)
def reply(ctx: Ctx, limes: App, request_id: str) -> Response:
    return schemas.json_response(limes.subject_requests.reply(ctx, request_id), 201)


@router.get(
    "/{request_id}/reply",
    summary="The reply as sent: JSON, plain text or PDF",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_READ),
    responses={
        200: schemas.answer_in_formats(
            Reply, "The reply", text=("text/plain",), binary=("application/pdf",)
        )
    },
)
def sent_reply(
    ctx: Ctx,
    limes: App,
    request_id: str,
    format: Annotated[Literal["json", "text", "pdf"], Query()] = "json",
) -> Response:
    sent = limes.subject_requests.sent_reply(ctx, request_id)
    return _letter(sent.text, f"Reply {sent.request_id}", sent.request_id, format, sent)


def _letter(text: str, title: str, name: str, format: str, sent: Any) -> Response:
    if format == "text":
        return Response(text, media_type="text/plain; charset=utf-8")
    if format == "pdf":
        download = {"Content-Disposition": f'attachment; filename="{name}.pdf"'}
        return Response(pdf.render(text, title), media_type="application/pdf", headers=download)
    return schemas.json_response(sent)


@router.post(
    "/{request_id}/extension",
    status_code=201,
    summary="Extend the time limit by two further months (GDPR Art. 12(3)), once, with reasons",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_WRITE, schemas.body(ExtensionIn)),
    responses={
        201: schemas.answer(SubjectExtension, "The extension and the letter to the applicant")
    },
)
def extend(ctx: Ctx, limes: App, request_id: str, raw: Body) -> Response:
    given = codec.parse(ExtensionIn, raw)
    return schemas.json_response(limes.subject_followups.extend(ctx, request_id, given), 201)


@router.get(
    "/{request_id}/extension",
    summary="The extension letter as sent: JSON, plain text or PDF",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_READ),
    responses={
        200: schemas.answer_in_formats(
            SubjectExtension, "The extension", text=("text/plain",), binary=("application/pdf",)
        )
    },
)
def extension(
    ctx: Ctx,
    limes: App,
    request_id: str,
    format: Annotated[Literal["json", "text", "pdf"], Query()] = "json",
) -> Response:
    sent = limes.subject_followups.extension(ctx, request_id)
    name = f"{sent.request_id}-extension"
    return _letter(sent.text, f"Extension {sent.request_id}", name, format, sent)


@router.post(
    "/{request_id}/court-case",
    summary="Record that a court case was brought about the request (Art. 54 statistics)",
    openapi_extra=needs(Permission.SUBJECT_REQUEST_WRITE, schemas.body(CourtCaseIn)),
    responses={200: schemas.answer(RequestView, "The request")},
)
def court_case(ctx: Ctx, limes: App, request_id: str, raw: Body) -> Response:
    given = codec.parse(CourtCaseIn, raw)
    return schemas.json_response(limes.subject_followups.court_case(ctx, request_id, given))
