"""Multiple-identity links (2019/817 Arts 25-36): read by colour, resolved by one bureau.

``GET /v1/alerts/{alert_id}/identity-links`` answers the links of an alert the caller
may see by their colour (``service/identity_links.py``); ``POST
/v1/identity-links/{link_id}/resolution`` lets the SIRENE bureau of the state whose
alert made a link give it its colour after manual verification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Literal

from fastapi import APIRouter, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.domain.alerts import STRICT
from limes.policy.permissions import Permission
from limes.service.identity_links import LinkView

router = APIRouter(tags=["identity links"])


@dataclass(frozen=True, slots=True)
class Resolution:
    """green: different persons; red: identity fraud; white: the same person, lawfully."""

    __pydantic_config__ = STRICT

    colour: Literal["green", "red", "white"]


@dataclass(frozen=True, slots=True)
class ExternalIdentityOut:
    """The identity an external system submitted (its reference, the data as sent): for
    the bureau that resolves the link only."""

    reference: str
    surnames: tuple[str, ...]
    forenames: tuple[str, ...]
    date_of_birth: str | None
    gender: str | None
    nationalities: tuple[str, ...]
    document_number: str | None


@dataclass(frozen=True, slots=True)
class LinkOut:
    """``other_kind``: ``alert``, or ``external`` when ``other_id`` is an identity an
    external system (``external_system``) submitted; ``external`` holds it for the
    resolving bureau only."""

    id: str
    alert_id: str
    other_id: str
    colour: str
    score: float
    created_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    history: tuple[tuple[str, datetime], ...]
    other_kind: str
    external_system: str | None
    external: ExternalIdentityOut | None


@dataclass(frozen=True, slots=True)
class LinksOut:
    """The links the caller may see, by colour (red: either alert readable; white, green:
    both; yellow: the resolving bureau only)."""

    links: tuple[LinkOut, ...]


@cache
def components() -> dict[str, Any]:
    return schemas.schemas_of((Resolution,), (LinksOut, LinkOut, ExternalIdentityOut))


def _out(link: LinkView) -> LinkOut:
    return LinkOut(
        link.id,
        link.alert_id,
        link.other_id,
        link.colour.value,
        link.score,
        link.created_at,
        link.due_at,
        link.resolved_at,
        link.history,
        link.other_kind,
        link.external_system,
        _external(link),
    )


def _external(link: LinkView) -> ExternalIdentityOut | None:
    found = link.external
    if found is None:
        return None
    return ExternalIdentityOut(
        found.reference,
        found.surnames,
        found.forenames,
        found.date_of_birth,
        found.gender.value if found.gender else None,
        found.nationalities,
        found.document_number,
    )


@router.get(
    "/v1/alerts/{alert_id}/identity-links",
    summary="The multiple-identity links of an alert, as their colour lets the caller see them",
    openapi_extra=needs(Permission.IDENTITY_LINK_READ),
    responses={200: schemas.answer(LinksOut, "The visible links")},
)
def identity_links(ctx: Ctx, limes: App, alert_id: str) -> Response:
    found = limes.identity_links.of_alert(ctx, alert_id)
    return schemas.json_response(LinksOut(tuple(_out(k) for k in found.links)))


@router.post(
    "/v1/identity-links/{link_id}/resolution",
    summary="Resolve a yellow link after manual verification (the resolving bureau)",
    openapi_extra=needs(Permission.IDENTITY_LINK_RESOLVE, schemas.body(Resolution)),
    responses={200: schemas.answer(LinkOut, "The link with its new colour")},
)
def resolve(ctx: Ctx, limes: App, raw: Body, link_id: str) -> Response:
    form = codec.parse(Resolution, raw)
    return schemas.json_response(_out(limes.identity_links.resolve(ctx, link_id, form.colour)))
