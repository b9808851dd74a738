"""The data protection officer's subject-request screens (``SubjectRequestService``).

``GET /console/audit/subject-requests`` is the register of the officer's state:
requests it received or is consulted on, soonest due first, overdue and soon-due ones
marked (as ``GET /v1/subject-requests``). ``GET …/{id}`` is one request: the
applicant's data as given, the alerts found and their state, the consultations of
other states with their due dates and answers, and the reply once written. Its forms
post to the same use cases as the API:

* ``POST …/{id}/search``: search every alert for the applicant, listing candidates
  (``find``);
* ``POST …/{id}/holdings/{alert}``: confirm or reject a candidate (``decide``;
  confirming another state's alert consults it);
* ``POST …/{id}/holdings/{alert}/answer``: the issuing state's position on its alert
  (``answer``), its problems at the fields;
* ``POST …/{id}/reply``: write the reply once everything is answered (``reply``);
* ``GET …/{id}/reply?format=text|pdf``: the reply as sent, as a download.

A refusal the officer can act on (a candidate left, an answer missing) is said on
the request's page again (status 409 or 400), not on a page of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from limes import codec
from limes.console import forms, security
from limes.console.pages import Screen, enter, limes_of, page, render
from limes.console.session import principal
from limes.domain.ids import is_id
from limes.errors import Conflict, InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.service.subject_requests import RequestView
from limes.sirene import pdf
from limes.sirene.subject_requests import (
    ConsultationAnswerIn,
    CorrectionOutcome,
    Disclosure,
    Ground,
)

router = APIRouter(prefix="/console/audit/subject-requests", include_in_schema=False)

RequestId = Annotated[str, Path(max_length=26)]
ANSWER_FIELDS = ("disclosure", "correction", "ground", "alert_version", "note")


def _enter(request: Request) -> Context:
    return enter(request, principal(request), Screen.AUDIT)


@router.get("")
@page
def register(
    request: Request, status: Annotated[Literal["open", "all"], Query()] = "open"
) -> Response:
    ctx = _enter(request)
    found = limes_of(request).subject_requests.list(ctx, status == "open")
    return render(request, "subjects.html", register=found, showing=status)


def _page(
    request: Request,
    view: RequestView,
    status: int = 200,
    general: list[str] | None = None,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    ctx = _enter(request)
    sent = None
    if view.replied_at is not None and view.receiving_state == ctx.principal.member_state:
        sent = limes_of(request).subject_requests.sent_reply(ctx, view.id)
    return render(
        request,
        "subject.html",
        status,
        req=view,
        sent=sent,
        general=general or [],
        errors=errors or {},
        values=values or {},
        disclosures=[str(d) for d in Disclosure],
        corrections=[str(c) for c in CorrectionOutcome],
        grounds=[str(g) for g in Ground],
    )


@router.get("/{request_id}")
@page
def show(request: Request, request_id: RequestId) -> Response:
    ctx = _enter(request)
    if not is_id(request_id):
        raise NotFound("there is no subject request with that id")
    return _page(request, limes_of(request).subject_requests.get(ctx, request_id))


def _done(request_id: str, anchor: str = "") -> Response:
    return RedirectResponse(
        f"/console/audit/subject-requests/{request_id}{anchor}", status_code=303
    )


def _again(request: Request, request_id: str, exc: InvalidInput | Conflict) -> Response:
    view = limes_of(request).subject_requests.get(_enter(request), request_id)
    status = 409 if isinstance(exc, Conflict) else 400
    return _page(request, view, status, general=[exc.detail])


def _act(
    request: Request,
    request_id: str,
    use_case: Callable[[Context], object],
    anchor: str = "#holdings",
) -> Response:
    """Run a form's use case as the officer; a refusal they can act on is said on the
    request's page again, success goes back to the page at ``anchor``."""
    try:
        use_case(_enter(request))
    except Conflict as exc:
        return _again(request, request_id, exc)
    return _done(request_id, anchor)


async def _posted(request: Request) -> dict[str, str]:
    found = await forms.fields(request)
    security.check_post(request, found)
    return found


@router.post("/{request_id}/search")
@page
async def search(request: Request, request_id: RequestId) -> Response:
    await _posted(request)
    return await run_in_threadpool(_search, request, request_id)


def _search(request: Request, request_id: str) -> Response:
    service = limes_of(request).subject_requests
    return _act(request, request_id, lambda ctx: service.find(ctx, request_id))


@router.post("/{request_id}/holdings/{alert_id}")
@page
async def decide(request: Request, request_id: RequestId, alert_id: RequestId) -> Response:
    found = await _posted(request)
    return await run_in_threadpool(_decide, request, request_id, alert_id, found)


def _decide(request: Request, request_id: str, alert_id: str, found: dict[str, str]) -> Response:
    decision = found.get("decision")
    if decision not in ("confirm", "reject"):
        raise InvalidInput("confirm or reject the candidate")
    service = limes_of(request).subject_requests
    confirm = decision == "confirm"
    return _act(request, request_id, lambda ctx: service.decide(ctx, request_id, alert_id, confirm))


def answer_document(found: dict[str, str]) -> dict[str, Any]:
    """The API's ``ConsultationAnswerIn`` document of the answer form's fields."""
    doc: dict[str, Any] = {}
    for name in ("disclosure", "correction", "ground", "note"):
        forms.put(doc, name, forms.text(found, name))
    version = forms.text(found, "alert_version")
    forms.put(doc, "alert_version", int(version) if version and version.isdigit() else version)
    return doc


@router.post("/{request_id}/holdings/{alert_id}/answer")
@page
async def answer(request: Request, request_id: RequestId, alert_id: RequestId) -> Response:
    found = await _posted(request)
    return await run_in_threadpool(_answer, request, request_id, alert_id, found)


def _answer(request: Request, request_id: str, alert_id: str, found: dict[str, str]) -> Response:
    ctx = _enter(request)
    service = limes_of(request).subject_requests
    try:
        given = codec.parse(ConsultationAnswerIn, codec.encode(answer_document(found)))
        service.answer(ctx, request_id, alert_id, given)
    except InvalidInput as exc:
        errors, general = forms.at_fields(exc, set(ANSWER_FIELDS))
        view = service.get(ctx, request_id)
        keyed = {f"{alert_id}.{name}": messages for name, messages in errors.items()}
        values = {f"{alert_id}.{name}": value for name, value in found.items()}
        return _page(request, view, 400, general=general, errors=keyed, values=values)
    except Conflict as exc:
        return _again(request, request_id, exc)
    return _done(request_id, "#holdings")


@router.post("/{request_id}/reply")
@page
async def reply(request: Request, request_id: RequestId) -> Response:
    await _posted(request)
    return await run_in_threadpool(_reply, request, request_id)


def _reply(request: Request, request_id: str) -> Response:
    service = limes_of(request).subject_requests
    return _act(request, request_id, lambda ctx: service.reply(ctx, request_id), "#reply")


@router.get("/{request_id}/reply")
@page
def download(
    request: Request,
    request_id: RequestId,
    format: Annotated[Literal["text", "pdf"], Query()] = "pdf",
) -> Response:
    """The reply as sent, a file the browser saves (``security.ConsoleHeaders``
    sandboxes it)."""
    sent = limes_of(request).subject_requests.sent_reply(_enter(request), request_id)
    if format == "text":
        body, media_type, suffix = sent.text.encode("utf-8"), "text/plain; charset=utf-8", "txt"
    else:
        body = pdf.render(sent.text, f"Reply {sent.request_id}")
        media_type, suffix = "application/pdf", "pdf"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{sent.request_id}.{suffix}"'},
    )
