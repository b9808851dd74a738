"""``/v1/screening/{profile}``: the profiled questions of the external systems.

Only the gateway's system client calls this (``limes gateway serve`` forwards each
external system's query with ``X-Limes-External-System`` naming that system). The body
is parsed strictly (unknown fields refused), then ``ScreeningService.screen`` applies the
profile again, whatever the gateway did: the system's own profile, its purpose, its
fields, its categories and its limits. The answer is exactly the profile's shape
(``policy/profiles.py``): its source, hit or no hit, and each result's allowed fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from annotated_types import MaxLen, MinLen
from fastapi import APIRouter, Header, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import App, Body, Ctx
from limes.api.routes import needs
from limes.domain.alerts import STRICT, Code, Gender, Text
from limes.errors import FieldError, InvalidInput
from limes.policy.permissions import Permission
from limes.service.door_types import MAX_NAME_FIELDS

router = APIRouter(prefix="/v1/screening", tags=["screening"])

SYSTEM_HEADER = "X-Limes-External-System"
_SYSTEM = re.compile(r"[a-z][a-z0-9-]{0,62}")
Names = Annotated[tuple[Text, ...], MaxLen(MAX_NAME_FIELDS)]


@dataclass(frozen=True, slots=True)
class ScreeningQuery:
    """The most any profile lets a system send; each profile allows some of these
    (``docs/screening-profiles.md``), and a field it does not allow is refused."""

    __pydantic_config__ = STRICT

    surnames: Names | None = None
    forenames: Names | None = None
    date_of_birth: Annotated[str, MinLen(4), MaxLen(10)] | None = None
    gender: Gender | None = None
    nationalities: Annotated[tuple[Code, ...], MaxLen(5)] | None = None
    document_number: Annotated[str, MinLen(1), MaxLen(30)] | None = None
    external_reference: Annotated[str, MinLen(1), MaxLen(64)] | None = None
    """The system's own reference of the identity (a profile that registers identities)."""

    def given(self) -> dict[str, Any]:
        """The fields the system sent."""
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) is not None}


@dataclass(frozen=True, slots=True)
class ScreeningResultOut:
    """One result; only the fields the profile answers are present."""

    source: str
    category: str | None = None
    action: str | None = None
    sirene_bureau: str | None = None
    issuing_state: str | None = None


@dataclass(frozen=True, slots=True)
class ScreeningOut:
    """``source``: the system that holds the data; ``hit``: whether it holds any on the
    person in the profile's categories; ``results`` (absent for a flag-only profile)."""

    source: str
    profile: str
    hit: bool
    results: tuple[ScreeningResultOut, ...] | None = None


@cache
def components() -> dict[str, Any]:
    return schemas.schemas_of((ScreeningQuery,), (ScreeningOut,))


def external_system(value: str | None) -> str:
    if value is None or _SYSTEM.fullmatch(value) is None:
        raise InvalidInput(
            "name the external system",
            [FieldError(f"/headers/{SYSTEM_HEADER}", f"must match {_SYSTEM.pattern}")],
        )
    return value


@router.post(
    "/{profile}",
    summary="Screen a person for an external system under its query profile",
    openapi_extra=needs(Permission.SCREENING_QUERY, schemas.body(ScreeningQuery)),
    responses={200: schemas.answer(ScreeningOut, "The profile's answer, and nothing more")},
)
def screen(
    ctx: Ctx,
    limes: App,
    raw: Body,
    profile: str,
    system: Annotated[str | None, Header(alias=SYSTEM_HEADER)] = None,
) -> Response:
    form = codec.parse(ScreeningQuery, raw)
    answered = limes.screening.screen(ctx, profile, external_system(system), form.given())
    return schemas.json_response(answered.answer)
