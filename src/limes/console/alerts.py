"""Issuing and updating an alert from the SIRENE screen, the category's rules as fields.

``GET /console/sirene/alerts/new?category=…`` is the form of one category: its actions,
its warning markers, the person fields it requires (marked) or allows, a national
decision or return details where it needs them, or the object types and identifiers
of an object category (``domain/categories.py``). ``POST /console/sirene/alerts``
issues it (``AlertService.issue``, as ``POST /v1/alerts``); ``GET`` and ``POST
/console/sirene/alerts/{id}`` show an alert of the operator's state and replace its
content on the version shown (``AlertService.update``, as ``PUT`` with ``If-Match``).
The fields become the API's ``AlertContent`` document, parsed by ``codec.parse``.
Below the content, the alert's links, flags and misused identity have forms of their
own (``alert_relations.py``).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from limes import codec
from limes.console import forms, security
from limes.console.pages import Screen, enter, limes_of, page, render
from limes.console.session import principal
from limes.domain.alerts import AlertContent, DocumentType, Gender
from limes.domain.categories import CATEGORIES, Category, CategoryCode, SubjectKind
from limes.domain.identifiers import IdentifierKind
from limes.domain.ids import is_id
from limes.errors import Conflict, InvalidInput, NotFound, VersionMismatch
from limes.service.alert_views import AlertView

router = APIRouter(prefix="/console/sirene/alerts", include_in_schema=False)

IDENTIFIER_ROWS = 3
NAME_LISTS = ("person.surnames", "person.forenames")
TOP = ("action", "issuing_authority", "national_reference", "reason")


SCRIPTS = {
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
}
"""Unicode name prefixes of the scripts an original name is most often written in, and
their ISO 15924 codes (a name in another script names it in the API instead)."""


def script_of(text: str) -> str | None:
    """The ISO 15924 code of the first letter of a known script in ``text``."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for prefix, code in SCRIPTS.items():
                if name.startswith(prefix):
                    return code
    return None


def names(found: dict[str, str], name: str) -> tuple[dict[str, str], ...]:
    """One name a line, ``Latin`` or ``Latin | original script``."""
    out = []
    for line in forms.lines(found, name):
        latin, _, original = (part.strip() for part in line.partition("|"))
        item = {"latin": latin}
        if original:
            item["original"] = original
            if script := script_of(original):
                item["script"] = script
        out.append(item)
    return tuple(out)


def content_document(found: dict[str, str], category: Category) -> dict[str, Any]:
    """The ``AlertContent`` document of the form's fields for ``category``."""
    doc: dict[str, Any] = {"category": str(category.code)}
    for name in TOP:
        forms.put(doc, name, forms.text(found, name))
    warnings = tuple(str(w) for w in sorted(category.warnings) if found.get(f"warnings.{w}"))
    forms.put(doc, "warnings", warnings)
    if category.subject is SubjectKind.PERSON:
        for name in NAME_LISTS:
            forms.put(doc, name, names(found, name))
        forms.put(doc, "person.date_of_birth", forms.text(found, "person.date_of_birth"))
        forms.put(doc, "person.gender", forms.text(found, "person.gender"))
        nationalities = tuple(n.upper() for n in forms.words(found, "person.nationalities"))
        forms.put(doc, "person.nationalities", nationalities)
        document: dict[str, Any] = {}
        for part in ("type", "number", "issuing_state"):
            forms.put(document, part, forms.text(found, f"person.documents.0.{part}"))
        if document.get("number"):
            forms.put(doc, "person.documents", (document,))
    else:
        forms.put(doc, "object.type", forms.text(found, "object.type"))
        rows = []
        for i in range(IDENTIFIER_ROWS):
            row: dict[str, Any] = {}
            for part in ("kind", "value", "country"):
                forms.put(row, part, forms.text(found, f"object.identifiers.{i}.{part}"))
            if row.get("value"):
                rows.append(row)
        forms.put(doc, "object.identifiers", tuple(rows))
        for part in ("make", "model", "colour"):
            forms.put(
                doc, f"object.attributes.{part}", forms.text(found, f"object.attributes.{part}")
            )
    if category.requires_national_decision:
        for part in ("authority", "reference", "decided_on"):
            forms.put(
                doc, f"national_decision.{part}", forms.text(found, f"national_decision.{part}")
            )
    if category.requires_return_details:
        forms.put(
            doc, "return_details.decision_date", forms.text(found, "return_details.decision_date")
        )
    return doc


def values_of(content: dict[str, Any]) -> dict[str, str]:
    """The form's fields of a stored alert's content (plain JSON data)."""
    values = {name: str(content.get(name) or "") for name in TOP}
    for marker in content.get("warnings", ()):
        values[f"warnings.{marker}"] = "on"
    person = content.get("person") or {}
    for name in NAME_LISTS:
        values[name] = "\n".join(
            n["latin"] + (f" | {n['original']}" if n.get("original") else "")
            for n in person.get(name.split(".")[1], ())
        )
    values["person.date_of_birth"] = person.get("date_of_birth") or ""
    values["person.gender"] = person.get("gender") or ""
    values["person.nationalities"] = " ".join(person.get("nationalities", ()))
    for part, value in ((person.get("documents") or [{}])[0]).items():
        values[f"person.documents.0.{part}"] = str(value)
    thing = content.get("object") or {}
    values["object.type"] = thing.get("type", "")
    for i, row in enumerate(thing.get("identifiers", ())[:IDENTIFIER_ROWS]):
        for part, value in row.items():
            values[f"object.identifiers.{i}.{part}"] = str(value or "")
    for part, value in (thing.get("attributes") or {}).items():
        values[f"object.attributes.{part}"] = str(value or "")
    for part, value in (content.get("national_decision") or {}).items():
        values[f"national_decision.{part}"] = str(value)
    if content.get("return_details"):
        values["return_details.decision_date"] = content["return_details"]["decision_date"]
    return values


def _known(category: Category) -> set[str]:
    known = {*TOP, "warnings", "category", "person", "object", *NAME_LISTS}
    known |= {f"person.{f}" for f in ("date_of_birth", "gender", "nationalities", "documents")}
    known |= {f"person.documents.0.{p}" for p in ("type", "number", "issuing_state")}
    known |= {"object.type", "object.identifiers", "national_decision", "return_details"}
    known |= {f"object.identifiers.{i}.{p}" for i in range(3) for p in ("kind", "value", "country")}
    known |= {f"national_decision.{p}" for p in ("authority", "reference", "decided_on")}
    return known | {"return_details.decision_date"}


def _form(request: Request, category: Category, **values: Any) -> Response:
    choices = {
        "genders": [str(g) for g in Gender],
        "documents": [str(d) for d in DocumentType],
        "kinds": [str(k) for k in IdentifierKind],
    }
    status = values.pop("status", 200)
    for name in ("rel_errors", "rel_values"):
        values.setdefault(name, {})
    values.setdefault("rel_general", [])
    return render(
        request,
        "alert.html",
        status,
        category=category,
        categories=sorted(str(c) for c in CategoryCode),
        person_fields=category.person_required | category.person_optional,
        **choices,
        **values,
    )


def _category(code: str) -> Category:
    try:
        return CATEGORIES[CategoryCode(code)]
    except ValueError:
        raise NotFound(f"there is no category {code}") from None


@router.get("/new")
@page
def new(request: Request, category: Annotated[str, Query(max_length=40)] = "arrest") -> Response:
    enter(request, principal(request), Screen.SIRENE)
    chosen = _category(category)
    values = {"action": str(min(chosen.actions))}
    return _form(request, chosen, values=values, errors={}, general=[], view=None)


@router.post("")
@page
async def issue(request: Request) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    return await run_in_threadpool(_issue, request, found)


def _issue(request: Request, found: dict[str, str]) -> Response:
    ctx = enter(request, principal(request), Screen.SIRENE)
    category = _category(found.get("category", ""))
    try:
        content = codec.parse(AlertContent, codec.encode(content_document(found, category)))
        view = limes_of(request).alerts.issue(ctx, content)
    except InvalidInput as exc:
        errors, general = forms.at_fields(exc, _known(category))
        return _form(
            request, category, values=found, errors=errors, general=general, view=None, status=400
        )
    return RedirectResponse(f"/console/sirene/alerts/{view.alert.id}?issued=1", status_code=303)


AlertId = Annotated[str, Path(max_length=26)]


def alert_page(
    request: Request,
    view: AlertView,
    rel_errors: dict[str, list[str]],
    rel_general: list[str],
    rel_values: dict[str, str],
    status: int = 200,
    issued: int = 0,
) -> Response:
    """An alert's page: its content as the update form, and its links, flags and
    misused identity (``alert_relations.py``) with their forms' problems."""
    content = codec.to_jsonable(view.alert.content)
    return _form(
        request,
        _category(content["category"]),
        values=values_of(content),
        errors={},
        general=[],
        view=view,
        issued=issued,
        rel_errors=rel_errors,
        rel_general=rel_general,
        rel_values=rel_values,
        status=status,
    )


@router.get("/{alert_id}")
@page
def show(
    request: Request, alert_id: AlertId, issued: Annotated[int, Query(ge=0, le=1)] = 0
) -> Response:
    ctx = enter(request, principal(request), Screen.SIRENE)
    if not is_id(alert_id):
        raise NotFound("there is no alert with that id")
    view = limes_of(request).alerts.get(ctx, alert_id)
    return alert_page(request, view, {}, [], {}, issued=issued)


@router.post("/{alert_id}")
@page
async def update(request: Request, alert_id: AlertId) -> Response:
    found = await forms.fields(request)
    security.check_post(request, found)
    return await run_in_threadpool(_update, request, alert_id, found)


def _update(request: Request, alert_id: str, found: dict[str, str]) -> Response:
    ctx = enter(request, principal(request), Screen.SIRENE)
    alerts = limes_of(request).alerts
    if not is_id(alert_id):
        raise NotFound("there is no alert with that id")
    view = alerts.get(ctx, alert_id)
    category = _category(str(view.alert.category))
    version = found.get("version", "")
    try:
        content = codec.parse(AlertContent, codec.encode(content_document(found, category)))
        alerts.update(ctx, alert_id, content, int(version) if version.isdigit() else 0)
    except InvalidInput as exc:
        errors, general = forms.at_fields(exc, _known(category))
        return _form(
            request, category, values=found, errors=errors, general=general, view=view, status=400
        )
    except (VersionMismatch, Conflict) as exc:
        return _form(
            request, category, values=found, errors={}, general=[exc.detail], view=view, status=409
        )
    return RedirectResponse(f"/console/sirene/alerts/{alert_id}", status_code=303)
