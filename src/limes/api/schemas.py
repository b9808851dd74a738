"""The shapes the HTTP door reads and writes, and their JSON schemas for OpenAPI.

Request bodies are parsed by ``codec.parse`` (strict JSON, unknown fields refused),
not by FastAPI, so their schemas are published by hand: ``body`` gives a route's
``openapi_extra`` and ``components`` every schema it refers to. Both come from the
same types the door parses and encodes, so the document cannot drift from the code.

Alert content is the domain's own ``AlertContent``; the small request models below
are frozen dataclasses refusing unknown fields, like the domain's.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter
from pydantic.json_schema import JsonSchemaMode
from starlette.responses import Response

from limes import codec
from limes.api.problems import Problem
from limes.domain.alerts import (
    STRICT,
    Alert,
    AlertContent,
    AlertStatus,
    Extension,
    Flag,
    LongText,
    MisusedIdentity,
)
from limes.domain.categories import (
    CATEGORIES,
    Action,
    CategoryCode,
    ObjectType,
    ReviewRules,
    SubjectKind,
    WarningMarker,
)
from limes.domain.compatibility import ExistingAlert
from limes.domain.identifiers import IdentifierKind
from limes.domain.object_rules import OBJECT_RULES
from limes.policy.fields import FieldGroup
from limes.service.alert_views import AlertView, Page

REF = "#/components/schemas/{model}"

Reason = LongText


# -- requests --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtensionRequest:
    """Keep an alert for another review period, or until ``until`` (within one)."""

    __pydantic_config__ = STRICT

    reason: Reason
    until: date | None = None


@dataclass(frozen=True, slots=True)
class FlagRequest:
    """The caller's member state asks that the action not be taken on its territory."""

    __pydantic_config__ = STRICT

    reason: Reason


@dataclass(frozen=True, slots=True)
class FlagDecision:
    """The issuing state grants or refuses a requested flag."""

    __pydantic_config__ = STRICT

    grant: bool
    reason: Reason


# -- answers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertOut:
    """An alert as answered: bookkeeping, content (null once erased), flags and links.

    The content holds only the field groups the caller's role may see for its purpose
    (docs/access-control.md); ``withheld`` names the others. Withheld parts are empty,
    withheld required texts the empty string; the reasons of extensions and flags and
    the extending officer follow the same groups (``reason``, ``issuer``). ``links`` name
    only alerts the caller may read. ``action_note`` is "not to be carried out in
    <state>" when the caller's state holds a granted flag on the alert.
    """

    id: str
    issuing_state: str
    category: CategoryCode
    subject: SubjectKind
    status: AlertStatus
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    extensions: tuple[Extension, ...]
    warned_at: datetime | None
    content: AlertContent | None
    flags: tuple[Flag, ...]
    links: tuple[str, ...]
    has_misused_identity: bool
    withheld: tuple[FieldGroup, ...]
    action_note: str | None


@dataclass(frozen=True, slots=True)
class WrittenAlertOut(AlertOut):
    """The answer to issuing or updating: the alert and the alerts found on the same subject.

    Alerts the compatibility rules forbid make the request fail (409); the others,
    of any state, are listed in ``related_alerts`` so that the SIRENE bureaux consult,
    as far as the caller may read them. Of any other, nothing is named: ``related_notice``
    then says that an alert the caller may not read is held on the subject and that
    its SIRENE bureau is to be contacted (null when there is none).
    """

    related_alerts: tuple[ExistingAlert, ...]
    related_notice: str | None


@dataclass(frozen=True, slots=True)
class AlertPageOut:
    items: tuple[AlertOut, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class CategoryOut:
    """One row of the category table, with the review period in force here."""

    code: CategoryCode
    subject: SubjectKind
    title: str
    legal_basis: str
    actions: tuple[Action, ...]
    review_years: int
    person_required: tuple[str, ...]
    person_optional: tuple[str, ...]
    warnings: tuple[WarningMarker, ...]
    object_types: tuple[ObjectType, ...]
    requires_national_decision: bool
    requires_biometrics: bool
    requires_return_details: bool
    allows_misused_identity: bool


@dataclass(frozen=True, slots=True)
class ObjectRulesOut:
    """What an object of one type must and may carry.

    ``required_identifiers``: for each group, at least one identifier of a kind in it.
    """

    type: ObjectType
    title: str
    identifiers: tuple[IdentifierKind, ...]
    required_identifiers: tuple[tuple[IdentifierKind, ...], ...]
    required_attributes: tuple[str, ...]
    optional_attributes: tuple[str, ...]
    document_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CategoriesOut:
    categories: tuple[CategoryOut, ...]
    object_types: tuple[ObjectRulesOut, ...]
    expiry_warning_months: int


@dataclass(frozen=True, slots=True)
class HealthOut:
    status: Literal["ok"]


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer, encoded by the codec (dataclasses, enums, UTC times)."""
    return Response(
        codec.encode(value), status_code=status, media_type="application/json", headers=headers
    )


def alert_out(view: AlertView) -> AlertOut:
    return AlertOut(**_alert_fields(view))


def written_alert_out(view: AlertView) -> WrittenAlertOut:
    return WrittenAlertOut(
        **_alert_fields(view), related_alerts=view.related, related_notice=view.related_notice
    )


def _alert_fields(view: AlertView) -> dict[str, Any]:
    a: Alert = view.alert
    return {
        "id": a.id,
        "issuing_state": a.issuing_state,
        "category": a.category,
        "subject": a.subject,
        "status": a.status,
        "version": a.version,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "expires_at": a.expires_at,
        "extensions": a.extensions,
        "warned_at": a.warned_at,
        "content": a.content,
        "flags": view.flags,
        "links": view.links,
        "has_misused_identity": view.has_misused_identity,
        "withheld": view.withheld,
        "action_note": view.action_note,
    }


def page_out(page: Page) -> AlertPageOut:
    return AlertPageOut(tuple(alert_out(v) for v in page.items), page.next_cursor)


def _sorted(values: Iterable[str]) -> tuple[Any, ...]:
    return tuple(sorted(values))


def categories_out(review: ReviewRules) -> CategoriesOut:
    """The category and object tables as clients need them to write valid alerts."""
    return CategoriesOut(
        categories=tuple(
            CategoryOut(
                code=c.code,
                subject=c.subject,
                title=c.title,
                legal_basis=c.legal_basis,
                actions=_sorted(c.actions),
                review_years=review.years[c.code],
                person_required=_sorted(c.person_required),
                person_optional=_sorted(c.person_optional),
                warnings=_sorted(c.warnings),
                object_types=_sorted(c.object_types),
                requires_national_decision=c.requires_national_decision,
                requires_biometrics=c.requires_biometrics,
                requires_return_details=c.requires_return_details,
                allows_misused_identity=c.allows_misused_identity,
            )
            for c in CATEGORIES.values()
        ),
        object_types=tuple(
            ObjectRulesOut(
                type=r.type,
                title=r.title,
                identifiers=_sorted(r.identifiers),
                required_identifiers=tuple(_sorted(g) for g in r.required_identifiers),
                required_attributes=_sorted(r.required_attributes),
                optional_attributes=_sorted(r.optional_attributes),
                document_types=_sorted(r.document_types),
            )
            for r in OBJECT_RULES.values()
        ),
        expiry_warning_months=review.warning_months,
    )


# -- OpenAPI ---------------------------------------------------------------------------

REQUESTS: tuple[type, ...] = (
    AlertContent,
    MisusedIdentity,
    ExtensionRequest,
    FlagRequest,
    FlagDecision,
)
ANSWERS: tuple[type, ...] = (
    AlertOut,
    WrittenAlertOut,
    AlertPageOut,
    MisusedIdentity,
    CategoriesOut,
    HealthOut,
    Problem,
)


def _ref(cls: type) -> dict[str, str]:
    return {"$ref": REF.format(model=cls.__name__)}


def body(cls: type) -> dict[str, Any]:
    """``openapi_extra`` for a route whose JSON body the door parses as ``cls``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref(cls)}},
        }
    }


def answer(cls: type, description: str) -> dict[str, Any]:
    """A ``responses`` entry whose JSON answer is a ``cls``."""
    return {"description": description, "content": {"application/json": {"schema": _ref(cls)}}}


def answer_in_formats(
    cls: type, description: str, *, text: tuple[str, ...] = (), binary: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A ``responses`` entry whose answer is a ``cls`` as JSON by default, and the same
    content in other media types the route gives on ``?format=`` (letters as text or PDF,
    figures as CSV or a chart)."""
    content: dict[str, Any] = {"application/json": {"schema": _ref(cls)}}
    content |= {media: {"schema": {"type": "string"}} for media in text}
    content |= {media: {"schema": {"type": "string", "format": "binary"}} for media in binary}
    return {"description": description, "content": content}


@cache
def components() -> dict[str, Any]:
    """Every schema the door's requests and answers refer to, by name.

    Request models in validation mode, answers in serialization mode. Refuses to
    build when a model's schema would not be published under its own name (the
    ``$ref`` in ``body`` and ``answer`` would then point at nothing).
    """
    found = schemas_of(REQUESTS, ANSWERS)
    _publish_minimised_content(found)
    return found


def schemas_of(requests: tuple[type, ...], answers: tuple[type, ...]) -> dict[str, Any]:
    """The JSON schemas of a router's request bodies (validation mode) and answers
    (serialization mode), by name, as ``body`` and ``answer`` refer to them.

    Refuses to build when a model's schema would not be published under its own name
    (the ``$ref`` would then point at nothing).
    """
    wanted: list[tuple[type, JsonSchemaMode, TypeAdapter[Any]]] = [
        *((cls, "validation", codec.adapter(cls)) for cls in requests),
        *((cls, "serialization", codec.adapter(cls)) for cls in answers),
    ]
    refs, defs = TypeAdapter.json_schemas(wanted, ref_template=REF)
    for (cls, _mode), schema in refs.items():
        if schema != _ref(cls):
            raise RuntimeError(f"the schema of {cls.__name__} is published as {schema}")
    found: dict[str, Any] = defs.get("$defs", {})
    return found


# Required texts of AlertContent that minimisation answers as "" when their group is withheld.
_WITHHELD_TEXTS = ("reason", "issuing_authority", "national_reference")


def _publish_minimised_content(found: dict[str, Any]) -> None:
    """Answers carry *minimised* content: like ``AlertContent``, except that a withheld
    required text is the empty string. Publish that shape as ``MinimisedAlertContent``
    and point the alert answers at it, so the document describes what is sent."""
    view = copy.deepcopy(found["AlertContent"])
    view["title"] = "MinimisedAlertContent"
    view["description"] = (
        "Alert content reduced to the field groups the caller may see; a withheld "
        "required text (" + ", ".join(_WITHHELD_TEXTS) + ") is the empty string."
    )
    for name in _WITHHELD_TEXTS:
        view["properties"][name].pop("minLength", None)
    found["MinimisedAlertContent"] = view
    ref = {"anyOf": [{"$ref": REF.format(model="MinimisedAlertContent")}, {"type": "null"}]}
    for answer in ("AlertOut", "WrittenAlertOut"):
        found[answer]["properties"]["content"] = ref
