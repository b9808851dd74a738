"""On an alert's SIRENE page: its links, its flags and the misused identity.

Three forms below the alert's content (``templates/relations.html``), each posting to
its own route and going through the same use cases as the API:

* ``POST /console/sirene/alerts/{id}/links``: link (``op=link``) or unlink two
  alerts of the operator's state (``RelationService.link``, as ``PUT``/``DELETE
  /v1/alerts/{id}/links/{other}``);
* ``POST …/flags``: request a flag on another state's alert, grant or refuse a
  requested one on the state's own, withdraw the state's own
  (``RelationService.request_flag``, ``decide_flag``, ``withdraw_flag``);
* ``POST …/misused-identity``: add or replace the victim's data with the consent
  recorded, or remove it (``AlertService.set_misused_identity``, as ``PUT``/``DELETE
  /v1/alerts/{id}/misused-identity``, on the version shown), for the categories that
  allow it; the data is never shown here (reading it is its own audited use case).

A refusal is shown at the field it is about (``link.other_id``, ``flag.reason``,
``misused.consent.given_on``, …) on the alert page again, with status 400, 404 or 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from limes import codec
from limes.console import alerts, forms, security
from limes.console.pages import Screen, enter, limes_of, page
from limes.console.session import principal
from limes.domain.alerts import MisusedIdentity
from limes.domain.ids import is_id
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound, VersionMismatch
from limes.policy.permissions import Context

router = APIRouter(prefix="/console/sirene/alerts", include_in_schema=False)

AlertId = Annotated[str, Path(max_length=26)]

MISUSED = "misused."
MISUSED_FIELDS = (
    "consent.given_on",
    "consent.reference",
    "person.surnames",
    "person.forenames",
    "person.date_of_birth",
    "person.nationalities",
)
WHOLE = {"consent": "consent.given_on", "person": "person.surnames"}
"""A part missing as a whole is said at its first field."""
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (InvalidInput, 400),
    (Forbidden, 403),
    (NotFound, 404),
    (VersionMismatch, 409),
    (Conflict, 409),
)


def misused_document(found: dict[str, str]) -> dict[str, Any]:
    """The API's ``MisusedIdentity`` document of the form's ``misused.*`` fields."""
    doc: dict[str, Any] = {}
    for name in ("consent.given_on", "consent.reference", "person.date_of_birth"):
        forms.put(doc, name, forms.text(found, MISUSED + name))
    for name in ("person.surnames", "person.forenames"):
        forms.put(doc, name, alerts.names(found, MISUSED + name))
    nationalities = tuple(n.upper() for n in forms.words(found, MISUSED + "person.nationalities"))
    forms.put(doc, "person.nationalities", nationalities)
    return doc


def _again(
    request: Request, ctx: Context, alert_id: str, found: dict[str, str], field: str, exc: Exception
) -> Response:
    """The alert page again, the refusal at ``field`` (or, for the misused identity, at
    the field its pointers name)."""
    view = limes_of(request).alerts.get(ctx, alert_id)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if field == MISUSED and isinstance(exc, InvalidInput):
        by_field, general = forms.at_fields(exc, set(MISUSED_FIELDS) | set(WHOLE))
        for name, messages in by_field.items():
            errors.setdefault(MISUSED + WHOLE.get(name, name), []).extend(messages)
    elif isinstance(exc, InvalidInput) and exc.errors:
        errors[field] = [e.detail for e in exc.errors]
    else:
        errors[field] = [getattr(exc, "detail", str(exc))]
    status = next(code for kind, code in _STATUS if isinstance(exc, kind))
    return alerts.alert_page(request, view, errors, general, found, status)


def _act(
    request: Request,
    alert_id: str,
    found: dict[str, str],
    field: str,
    action: Callable[[Context], object],
) -> Response:
    ctx = enter(request, principal(request), Screen.SIRENE)
    if not is_id(alert_id):
        raise NotFound("there is no alert with that id")
    try:
        action(ctx)
    except (InvalidInput, NotFound, Conflict, VersionMismatch, Forbidden) as exc:
        return _again(request, ctx, alert_id, found, field, exc)
    anchor = field.split(".")[0].rstrip(".")
    return RedirectResponse(f"/console/sirene/alerts/{alert_id}#{anchor}", status_code=303)


@router.post("/{alert_id}/links")
@page
async def link(request: Request, alert_id: AlertId) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)

    def act(ctx: Context) -> object:
        other = (forms.text(found, "link.other_id") or "")[:26]
        if not is_id(other):
            raise InvalidInput("give the id of an alert of your state (26 characters)")
        unlink = found.get("op") == "unlink"
        return limes_of(request).relations.link(ctx, alert_id, other, unlink=unlink)

    return await run_in_threadpool(_act, request, alert_id, found, "link.other_id", act)


@router.post("/{alert_id}/flags")
@page
async def flag(request: Request, alert_id: AlertId) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    op = found.get("op", "")
    state = (forms.text(found, "flag.state") or "")[:8]
    field = f"flag.{state}.reason" if op in ("grant", "refuse") else "flag.reason"

    def act(ctx: Context) -> object:
        relations = limes_of(request).relations
        reason = forms.text(found, field) or ""
        if op == "request":
            return relations.request_flag(ctx, alert_id, reason)
        if op in ("grant", "refuse"):
            return relations.decide_flag(ctx, alert_id, state, op == "grant", reason)
        if op == "withdraw":
            return relations.withdraw_flag(ctx, alert_id, state)
        raise InvalidInput("request, grant, refuse or withdraw a flag")

    return await run_in_threadpool(_act, request, alert_id, found, field, act)


@router.post("/{alert_id}/misused-identity")
@page
async def misused_identity(request: Request, alert_id: AlertId) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    version = found.get("version", "")

    def act(ctx: Context) -> object:
        data = None
        if found.get("op") != "remove":
            data = codec.parse(MisusedIdentity, codec.encode(misused_document(found)))
        expected = int(version) if version.isdigit() else 0
        return limes_of(request).alerts.set_misused_identity(ctx, alert_id, data, expected)

    return await run_in_threadpool(_act, request, alert_id, found, MISUSED, act)
