"""The border guard's screen: one check, its hits, and a hit recorded in one step.

``GET /console/border`` is the check form: names in any script, date of birth,
nationality, document number, an MRZ (pasted or typed, three lines at most), a
vehicle (VIN, plate). ``POST /console/border/check`` answers the results (a fragment
for htmx, the whole page otherwise): the MRZ search when a zone is given, else the
person search, and the object search for a vehicle, each through ``SearchService``
with the documents the API takes (``api/routes/search.py``), so the same checks
apply and the same audit records are written. Hits come first, then the possible
matches; each shows its warning markers, the action to take, the flag note and why it
scored. ``GET /console/border/hit`` is the structured report of a hit on the version
found, ``POST`` records it (``HitService.record``, as ``POST /v1/hits``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from limes import codec
from limes.api.routes.search import MrzSearch, ObjectSearch, PersonSearch
from limes.console import forms, security
from limes.console.pages import Screen, enter, limes_of, page, render
from limes.console.session import principal
from limes.domain.ids import is_id
from limes.errors import InvalidInput, NotFound
from limes.policy.permissions import Context
from limes.service.door_types import IdentifierQuery, PersonQuery
from limes.service.search_answers import SearchAnswer, SearchHit
from limes.sirene.hits import CHECK_CATEGORIES, HitIn

router = APIRouter(prefix="/console/border", include_in_schema=False)

CHECK_FIELDS = {
    "surnames",
    "forenames",
    "date_of_birth",
    "nationalities",
    "document_number",
    "mrz",
    "vin",
    "plate",
    "plate_country",
}
HIT_FIELDS = {
    "report.identity.confirmed",
    "report.identity.method",
    "report.place.description",
    "report.place.country",
    "report.occurred_at",
    "report.action.taken",
    "report.action.reason",
    "report.action.explanation",
    "report.confirmation",
    "report.check.place",
    "report.check.time",
}


@dataclass(frozen=True, slots=True)
class Result:
    """One hit as the screen shows it."""

    hit: SearchHit
    tier: str
    """``hit`` or ``possible``."""
    content: dict[str, Any]
    """The alert's content as the caller may see it (plain JSON data)."""

    @property
    def alert(self) -> Any:
        return self.hit.view.alert

    @property
    def names(self) -> str:
        person = self.content.get("person") or {}
        parts = [_name(n) for n in (*person.get("surnames", ()), *person.get("forenames", ()))]
        return " ".join(p for p in parts if p)

    @property
    def identifiers(self) -> list[str]:
        found = (self.content.get("object") or {}).get("identifiers", ())
        return [f"{i['kind']}: {i['value']}" for i in found]


def _name(name: dict[str, Any]) -> str:
    latin = str(name.get("latin", ""))
    original = name.get("original")
    return f"{latin} ({original})" if original and original != latin else latin


def _results(answer: SearchAnswer) -> list[Result]:
    return [
        Result(hit, tier, codec.to_jsonable(hit.view.alert.content))
        for tier, hits in (("hit", answer.hits), ("possible", answer.possible))
        for hit in hits
    ]


@router.get("")
@page
def check_page(request: Request) -> Response:
    who = principal(request)
    enter(request, who, Screen.BORDER)
    return render(request, "border.html", values={}, errors={}, general=[], results=None)


def _search(ctx: Context, request: Request, found: dict[str, str]) -> dict[str, Any]:
    """The searches the form asks for, run; ``InvalidInput`` with the form's pointers."""
    search = limes_of(request).search
    answers: dict[str, Any] = {}
    mrz = found.get("mrz", "").strip()
    person: dict[str, Any] = {}
    forms.put(person, "surnames", forms.lines(found, "surnames"))
    forms.put(person, "forenames", forms.lines(found, "forenames"))
    forms.put(person, "date_of_birth", forms.text(found, "date_of_birth"))
    forms.put(
        person, "nationalities", tuple(n.upper() for n in forms.words(found, "nationalities"))
    )
    forms.put(person, "document_number", forms.text(found, "document_number"))
    vehicle = []
    if vin := forms.text(found, "vin"):
        vehicle.append({"value": vin, "kind": "vin"})
    if plate := forms.text(found, "plate"):
        country = forms.text(found, "plate_country")
        vehicle.append(
            {"value": plate, "kind": "plate"} | ({"country": country.upper()} if country else {})
        )
    if not (mrz or person or vehicle):
        raise InvalidInput("fill in at least one field: a name, a document, an MRZ or a vehicle")
    if mrz:
        asked = codec.parse(MrzSearch, codec.encode({"mrz": mrz.replace("\r", "")}))
        answers["persons"] = search.mrz(ctx, asked.mrz, asked.limit)
    elif person:
        form = codec.parse(PersonSearch, codec.encode(person))
        query = PersonQuery(
            form.surnames,
            form.forenames,
            form.date_of_birth,
            form.gender,
            form.nationalities,
            form.document_number,
        )
        answers["persons"] = search.persons(ctx, query, form.limit)
    if vehicle:
        try:
            objects = codec.parse(ObjectSearch, codec.encode({"identifiers": vehicle}))
        except InvalidInput as exc:
            raise _renamed(exc, vehicle) from None
        queries = [IdentifierQuery(i.kind, i.value, i.country) for i in objects.identifiers]
        answers["objects"] = search.objects(ctx, queries, objects.limit)
    return answers


def _renamed(exc: InvalidInput, vehicle: list[dict[str, Any]]) -> InvalidInput:
    """An object search's pointers (``/identifiers/0/value``) as the form's fields."""
    named = []
    for item in exc.errors:
        parts = item.pointer.strip("/").split("/")
        if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(vehicle):
            field = vehicle[int(parts[1])]["kind"]
            field = "plate_country" if parts[2] == "country" else field
            named.append(type(item)(f"/{field}", item.detail))
        else:
            named.append(item)
    return InvalidInput(exc.detail, named)


@router.post("/check")
@page
async def check(request: Request) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    return await run_in_threadpool(_check, request, found)


def _check(request: Request, found: dict[str, str]) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.BORDER)
    try:
        answers = _search(ctx, request, found)
    except InvalidInput as exc:
        errors, general = forms.at_fields(exc, CHECK_FIELDS)
        values = found
        return render(
            request, "border.html", 400, values=values, errors=errors, general=general, results=None
        )
    results: list[Result] = []
    checks = []
    mrz = None
    for answer in answers.values():
        results += _results(answer)
        checks += list(answer.checks)
        mrz = mrz or answer.mrz
    results.sort(key=lambda r: (r.tier != "hit", -r.hit.score))
    # hits equal to the last one shown that the limit left out: the guard must narrow
    # the check (a date of birth, a document) rather than take the list as complete
    tied = sum(answer.hits_tied_beyond_limit for answer in answers.values())
    return render(
        request,
        "border.html",
        values=found,
        errors={},
        general=[],
        results=results,
        checks=checks,
        mrz=mrz,
        tied=tied,
    )


@router.get("/hit")
@page
def hit_page(
    request: Request,
    alert: Annotated[str, Query(max_length=26)],
    version: Annotated[int, Query(ge=1, le=2**31)],
) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.BORDER)
    view = _alert(request, ctx, alert)
    now = limes_of(request).alerts.clock()
    values = {
        "alert_id": alert,
        "alert_version": str(version),
        "report.place.country": who.member_state,
        "report.occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
        "report.identity.confirmed": "yes",
        "report.identity.method": "document",
        "report.action.taken": "yes",
        "report.confirmation": "routine",
    }
    return _hit_form(request, view, values, {}, [])


def _alert(request: Request, ctx: Context, alert_id: str) -> Any:
    if not is_id(alert_id):
        raise NotFound("there is no alert with that id")
    return limes_of(request).alerts.get(ctx, alert_id)


def _hit_form(
    request: Request,
    view: Any,
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    status: int = 200,
) -> Response:
    content = codec.to_jsonable(view.alert.content)
    return render(
        request,
        "hit.html",
        status,
        view=view,
        content=content,
        check=view.alert.category in CHECK_CATEGORIES,
        values=values,
        errors=errors,
        general=general,
        recorded=None,
    )


def _when(value: str | None) -> str | None:
    """A ``datetime-local`` field (``2026-06-01T08:30``) as the API's UTC time."""
    if value is None:
        return None
    return value + (":00Z" if len(value) == 16 else "Z")


def hit_document(found: dict[str, str], check: bool) -> dict[str, Any]:
    """The ``POST /v1/hits`` document of the hit form."""
    doc: dict[str, Any] = {}
    forms.put(doc, "alert_id", forms.text(found, "alert_id"))
    version = forms.text(found, "alert_version") or ""
    forms.put(doc, "alert_version", int(version) if version.isdigit() else version)
    yes = {"yes": True, "no": False}
    forms.put(doc, "report.identity.confirmed", yes.get(found.get("report.identity.confirmed", "")))
    forms.put(doc, "report.identity.method", forms.text(found, "report.identity.method"))
    forms.put(doc, "report.place.description", forms.text(found, "report.place.description"))
    country = forms.text(found, "report.place.country")
    forms.put(doc, "report.place.country", country.upper() if country else None)
    forms.put(doc, "report.occurred_at", _when(forms.text(found, "report.occurred_at")))
    forms.put(doc, "report.action.taken", yes.get(found.get("report.action.taken", "")))
    forms.put(doc, "report.action.reason", forms.text(found, "report.action.reason"))
    forms.put(doc, "report.action.explanation", forms.text(found, "report.action.explanation"))
    forms.put(doc, "report.confirmation", forms.text(found, "report.confirmation"))
    if check:
        forms.put(doc, "report.check.place", forms.text(found, "report.check.place"))
        forms.put(doc, "report.check.time", _when(forms.text(found, "report.check.time")))
    return doc


@router.post("/hit")
@page
async def record_hit(request: Request) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    return await run_in_threadpool(_record, request, found)


def _record(request: Request, found: dict[str, str]) -> Response:
    who = principal(request)
    ctx = enter(request, who, Screen.BORDER)
    view = _alert(request, ctx, found.get("alert_id", ""))
    check = view.alert.category in CHECK_CATEGORIES
    try:
        hit = codec.parse(HitIn, codec.encode(hit_document(found, check)))
        recorded = limes_of(request).hits.record(ctx, hit.alert_id, hit.alert_version, hit.report)
    except InvalidInput as exc:
        errors, general = forms.at_fields(exc, HIT_FIELDS)
        return _hit_form(request, view, found, errors, general, 400)
    return render(
        request,
        "hit.html",
        201,
        view=view,
        content=codec.to_jsonable(view.alert.content),
        check=check,
        values=found,
        errors={},
        general=[],
        recorded=recorded,
    )
