"""The SIRENE operator's screens: the inbox, a case, and the forms sent on it.

``GET /console/sirene`` is the bureau's inbox, soonest due first, overdue forms
marked (``SireneService.inbox``). ``GET /console/sirene/cases/{id}`` is a case with
its hits, its forms (opened) and their attachments, and a composer for the forms
the service supports (G, H, A, F, J, Q, M): ``POST …/messages`` sends one
(``SireneService.send``, as ``POST /v1/sirene/cases/{id}/messages``), built into the
API's ``MessageIn`` document, so the same checks apply; each problem is shown at
its field. The composer posts ``multipart/form-data``: up to four files attached to
the form, checked by the API's rules (``sirene/attachments.py``: allowed type, at
most 128 KiB, the bytes what the type says), a refused file named at the field.
``GET /console/sirene/attachments/{id}`` downloads one (``SireneService.attachment``:
parties only, checked against its SHA-256), as a file the browser saves, never shows.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from limes import codec
from limes.console import forms, security
from limes.console.pages import Screen, enter, language, limes_of, page, render
from limes.console.session import principal
from limes.errors import Conflict, InvalidInput
from limes.service.sirene import CaseView, InboxQuery
from limes.sirene.forms import Form, MessageIn

router = APIRouter(prefix="/console/sirene", include_in_schema=False)

CaseId = Annotated[str, Path(max_length=26)]

FORM_FIELDS: dict[Form, tuple[str, ...]] = {
    Form.G: ("body.hit_id", "body.confirmation", "body.remarks"),
    Form.H: ("body.hit_id", "body.reason", "body.explanation"),
    Form.A: ("body.warrant_reference", "body.judicial_authority", "body.offences", "body.remarks"),
    Form.F: ("body.step", "body.reason"),
    Form.J: ("body.request", "body.grounds", "body.fields"),
    Form.Q: ("body.information",),
    Form.M: ("body.text",),
}
"""The fields of each form's body, as the form's inputs name them."""
LISTS = frozenset({"body.offences", "body.fields"})
COMMON = ("language", "priority", "reply_to")
ATTACHMENTS = "attachments"
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "text/plain": "txt",
}


@router.get("")
@page
def inbox(
    request: Request,
    status: Annotated[str, Query(pattern="^(open|all)$")] = "open",
) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.SIRENE)
    found = limes_of(request).sirene.inbox(ctx, InboxQuery(open_only=status == "open"))
    now = limes_of(request).alerts.clock()
    return render(request, "inbox.html", inbox=found, showing=status, now=now)


def message_document(
    found: dict[str, str], form: Form, files: Sequence[forms.Upload] = ()
) -> dict[str, Any]:
    """The ``MessageIn`` document of the composer's fields (and files) for ``form``."""
    doc: dict[str, Any] = {"body": {"form": str(form)}}
    attached = [
        {
            "media_type": f.media_type,
            "content_base64": base64.b64encode(f.content).decode("ascii"),
        }
        for f in files
        if f.field == ATTACHMENTS
    ]
    if attached:
        doc[ATTACHMENTS] = attached
    for name in COMMON:
        forms.put(doc, name, forms.text(found, name))
    for name in FORM_FIELDS[form]:
        value: Any = forms.lines(found, name) if name in LISTS else forms.text(found, name)
        forms.put(doc, name, value)
    return doc


def _case_page(
    request: Request,
    case: CaseView,
    form: Form,
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    status: int = 200,
    sent: Any = None,
) -> Response:
    bodies = {m.id: codec.to_jsonable(m.body) for m in case.messages}
    reports = {h.id: codec.to_jsonable(h.report) for h in case.hits}
    return render(
        request,
        "case.html",
        status,
        case=case,
        bodies=bodies,
        reports=reports,
        form=str(form),
        letters=[str(f) for f in FORM_FIELDS],
        values=values,
        errors=errors,
        general=general,
        sent=sent,
    )


def _defaults(case: CaseView, lang: str, reply_to: str | None) -> dict[str, str]:
    values = {"language": lang, "priority": "normal"}
    if case.hits:
        values["body.hit_id"] = case.hits[-1].id
    if reply_to:
        values["reply_to"] = reply_to
    return values


@router.get("/cases/{case_id}")
@page
def case_page(
    request: Request,
    case_id: CaseId,
    form: Annotated[Form, Query()] = Form.G,
    reply_to: Annotated[str | None, Query(max_length=26)] = None,
) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.SIRENE)
    case = limes_of(request).sirene.case(ctx, case_id)
    return _case_page(request, case, form, _defaults(case, language(request), reply_to), {}, [])


@router.post("/cases/{case_id}/messages")
@page
async def send(request: Request, case_id: CaseId) -> Response:
    found, files = await forms.posted(request)
    security.check_post(request, found)
    return await run_in_threadpool(_send, request, case_id, found, files)


def _file_errors(
    exc: InvalidInput, errors: dict[str, list[str]], files: list[forms.Upload]
) -> None:
    """The attachment problems at the file input, each with the name of its file."""
    named = [f.filename or "?" for f in files if f.field == ATTACHMENTS]
    shown = []
    for item in exc.errors:
        parts = item.pointer.strip("/").split("/")
        if parts[0] != ATTACHMENTS:
            continue
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(named):
            shown.append(f"{named[int(parts[1])]}: {item.detail}")
        else:
            shown.append(item.detail)
    if shown:
        errors[ATTACHMENTS] = shown


def _send(
    request: Request, case_id: str, found: dict[str, str], files: list[forms.Upload]
) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.SIRENE)
    sirene = limes_of(request).sirene
    try:
        form = Form(found.get("body.form", ""))
    except ValueError:
        raise InvalidInput("choose one of the forms G, H, A, F, J, Q, M") from None
    known = {*COMMON, *FORM_FIELDS[form], ATTACHMENTS}
    try:
        document = message_document(found, form, files)
        message = codec.parse(MessageIn, codec.encode(document))
        sent = sirene.send(ctx, case_id, message)
    except InvalidInput as exc:
        case = sirene.case(ctx, case_id)
        errors, general = forms.at_fields(exc, known)
        _file_errors(exc, errors, files)
        return _case_page(request, case, form, found, errors, general, 400)
    except Conflict as exc:
        case = sirene.case(ctx, case_id)
        return _case_page(request, case, form, found, {}, [exc.detail], 409)
    return RedirectResponse(
        f"/console/sirene/cases/{case_id}?form={form}#message-{sent.id}", status_code=303
    )


@router.get("/attachments/{attachment_id}")
@page
def attachment(request: Request, attachment_id: CaseId) -> Response:
    """An attachment's bytes as a download (``security.ConsoleHeaders`` sandboxes it)."""
    who = principal(request)
    ctx = enter(request, who, Screen.SIRENE)
    found = limes_of(request).sirene.attachment(ctx, attachment_id)
    name = f"{found.id}.{EXTENSIONS.get(found.media_type, 'bin')}"
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Digest": f"sha-256={base64.b64encode(bytes.fromhex(found.sha256)).decode()}",
        },
    )
