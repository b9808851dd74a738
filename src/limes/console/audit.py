"""The data protection officer's screens: the audit log, security events, break-glass.

``GET /console/audit`` finds records by alert or by user (``AuditReader.records``,
as ``GET /v1/audit/records``), each with its inclusion proof checked against the
signed tree head of the answer and the head's signature (``AuditReader.verify``):
the page says, per record, whether it verifies. Names, a date of birth or a
document number given beside are turned into the keyed tokens a search with those
values leaves in the log (``SearchService.query_tokens``); the records holding one
are marked, so the officer sees who searched for that person. ``GET
/console/audit/events`` lists security events (extraction, lockouts, break-glass);
``GET /console/audit/breakglass`` the state's break-glass requests, which the officer
approves or refuses (``BreakGlassService.decide``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from limes.console import forms, security
from limes.console.pages import Screen, enter, limes_of, page, render
from limes.console.session import principal
from limes.errors import InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.service.door_types import PersonQuery

router = APIRouter(prefix="/console/audit", include_in_schema=False)

Text = Annotated[str | None, Query(max_length=64)]


def _tokens(found: Any) -> set[str]:
    """Every token string in ``query_tokens``' answer."""
    out: set[str] = set()
    if isinstance(found, str):
        out.add(found)
    elif isinstance(found, dict):
        for value in found.values():
            out |= _tokens(value)
    elif isinstance(found, list | tuple):
        for value in found:
            out |= _tokens(value)
    return out


def _person_tokens(
    request: Request, ctx: Context, surname: str | None, forename: str | None, born: str | None
) -> set[str]:
    if not (surname or forename or born):
        return set()
    query = PersonQuery(
        (surname,) if surname else (), (forename,) if forename else (), born, None, (), None
    )
    return _tokens(limes_of(request).search.query_tokens(ctx, query))


@router.get("")
@page
def records(
    request: Request,
    alert_id: Text = None,
    user: Text = None,
    surname: Text = None,
    forename: Text = None,
    born: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.AUDIT)
    values = {
        "alert_id": alert_id or "",
        "user": user or "",
        "surname": surname or "",
        "forename": forename or "",
        "born": born or "",
    }
    alert_id, user = (alert_id or "").strip() or None, (user or "").strip() or None
    if alert_id is None and user is None:
        return render(request, "audit.html", values=values, answer=None, errors={}, general=[])
    reader = limes_of(request).audit_reader
    try:
        tokens = _person_tokens(request, ctx, surname, forename, born or None)
        answer = reader.records(ctx, alert_id=alert_id, user=user, limit=200)
    except InvalidInput as exc:
        errors, general = forms.at_fields(exc, set(values))
        return render(
            request, "audit.html", 400, values=values, answer=None, errors=errors, general=general
        )
    except NotFound as exc:
        return render(
            request, "audit.html", values=values, answer=None, errors={}, general=[exc.detail]
        )
    checked = reader.verify(answer)
    rows = []
    for proved in answer.items:
        document = proved.record.document
        data = proved.record.data.decode("utf-8")
        rows.append(
            {
                "seq": proved.record.seq,
                "at": proved.record.at,
                "record": document,
                "verified": checked.records.get(proved.record.seq, False),
                "searched": bool(tokens) and any(t in data for t in tokens),
                "query": json.dumps(document.get("query"), ensure_ascii=False)
                if document.get("query") is not None
                else "",
            }
        )
    return render(
        request,
        "audit.html",
        values=values,
        answer=answer,
        head_signed=checked.head_signed,
        rows=rows,
        tokens=sorted(tokens),
        errors={},
        general=[],
    )


@router.get("/events")
@page
def events(request: Request) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.AUDIT)
    found = limes_of(request).breakglass.security_events(ctx, 0, 200)
    return render(request, "events.html", events=list(reversed(found)))


@router.get("/breakglass")
@page
def grants(request: Request) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.AUDIT)
    found = limes_of(request).breakglass.grants(ctx)
    return render(request, "breakglass.html", grants=found, errors={}, general=[])


@router.post("/breakglass/{grant_id}")
@page
async def decide(request: Request, grant_id: Annotated[str, Path(max_length=26)]) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    return await run_in_threadpool(_decide, request, grant_id, found)


def _decide(request: Request, grant_id: str, found: dict[str, str]) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.AUDIT)
    service = limes_of(request).breakglass
    try:
        service.decide(ctx, grant_id, found.get("decision") == "approve", found.get("reason", ""))
    except InvalidInput as exc:
        return render(
            request,
            "breakglass.html",
            400,
            grants=service.grants(ctx),
            errors={grant_id: [exc.detail]},
            general=[],
        )
    return RedirectResponse("/console/audit/breakglass", status_code=303)
