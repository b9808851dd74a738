"""``/v1/search``: persons, objects and machine-readable zones.

Each route parses its body strictly, calls one ``SearchService`` method with the
caller's ``Context`` and answers the hits, best first, each with the alert as the
caller may see it and the features that explain its score; a person answer also the
possible matches below the line (``search/tiers.py``). ``wait_for`` names a feed
position a write answered (its ``Limes-Feed-Position`` header): the search waits, at
most a second, until the indexes reflect it, else answers 503 ``index-behind`` (400
for a position no write has made).

The routes are ``async``: parsing and the answer's JSON run on the event loop, only
the service call (index, store) is handed to a worker thread, and its durable audit
record is awaited back on the loop before the answer leaves
(``threads.off_loop_durable``). The hot lane (``api/hot.py``) answers them past
FastAPI's routing with the same ``*_answer`` functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from annotated_types import Ge, Le, MaxLen, MinLen
from fastapi import APIRouter, Request, Response

from limes import codec
from limes.api import schemas
from limes.api.deps import Body, Ctx, get_limes
from limes.api.hot import HotRoute
from limes.api.problems import PROBLEM_JSON
from limes.api.routes import needs
from limes.api.threads import off_loop_durable
from limes.domain.alerts import STRICT, Code, Gender, Text
from limes.domain.categories import CategoryCode
from limes.domain.identifiers import IdentifierKind
from limes.domain.mrz import Mrz
from limes.policy.permissions import Context, Permission
from limes.service.door_types import (
    MAX_NAME_FIELDS,
    THRESHOLD,
    Feature,
    IdentifierQuery,
    PersonQuery,
)
from limes.service.search import MAX_HITS, MAX_IDENTIFIERS
from limes.service.search_answers import IdentifierCheck, IdentifierHit, SearchAnswer, SearchHit

router = APIRouter(prefix="/v1/search", tags=["search"])

Limit = Annotated[int, Ge(1), Le(MAX_HITS)]
Names = Annotated[tuple[Text, ...], MaxLen(MAX_NAME_FIELDS)]
Scope = Annotated[tuple[CategoryCode, ...], MaxLen(len(CategoryCode))]
"""Only these categories (each must be allowed to the caller); none: every allowed one."""
Position = Annotated[int, Ge(0), Le(2**63 - 1)]
"""A change-feed position, as a write's ``Limes-Feed-Position`` header gave it."""


@dataclass(frozen=True, slots=True)
class PersonSearch:
    """Names as written, in any script; the date of birth as ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD`` (``00`` for unknown parts)."""

    __pydantic_config__ = STRICT

    surnames: Names = ()
    forenames: Names = ()
    date_of_birth: Annotated[str, MinLen(4), MaxLen(10)] | None = None
    gender: Gender | None = None
    nationalities: Annotated[tuple[Code, ...], MaxLen(5)] = ()
    document_number: Annotated[str, MinLen(1), MaxLen(30)] | None = None
    categories: Scope = ()
    limit: Limit = 10
    wait_for: Position | None = None


@dataclass(frozen=True, slots=True)
class SearchedIdentifier:
    """An identifier as typed; ``kind`` narrows nothing (every kind is searched) but
    says which check digit to verify."""

    __pydantic_config__ = STRICT

    value: Annotated[str, MinLen(1), MaxLen(40)]
    kind: IdentifierKind | None = None
    country: Code | None = None


@dataclass(frozen=True, slots=True)
class ObjectSearch:
    """A vehicle check sends the VIN, the plate and the registration certificate at once."""

    __pydantic_config__ = STRICT

    identifiers: Annotated[tuple[SearchedIdentifier, ...], MinLen(1), MaxLen(MAX_IDENTIFIERS)]
    categories: Scope = ()
    limit: Limit = 10
    wait_for: Position | None = None


@dataclass(frozen=True, slots=True)
class MrzSearch:
    """The zone as read: its lines separated by line breaks (TD1: 3 × 30, TD2: 2 × 36,
    TD3: 2 × 44 characters)."""

    __pydantic_config__ = STRICT

    mrz: Annotated[str, MinLen(1), MaxLen(200)]
    categories: Scope = ()
    limit: Limit = 10
    wait_for: Position | None = None


Scoped = PersonSearch | ObjectSearch | MrzSearch
"""A search's form: ``limit``, ``categories`` and ``wait_for`` besides what it searches."""


@dataclass(frozen=True, slots=True)
class SearchHitOut:
    """One hit: the alert as the caller may see it, its score, and why."""

    alert: schemas.AlertOut
    score: float
    features: tuple[Feature, ...]
    identifiers: tuple[IdentifierHit, ...]


@dataclass(frozen=True, slots=True)
class SearchOut:
    """Hits at or above ``threshold``, best first; ``possible``: matches worth a look
    below it (the same or a near name, a date of birth a typing slip away), best first.
    ``hits_tied_beyond_limit``: how many more hits the ``limit`` left out that the query
    cannot tell from the last hit shown (the same score, every feature scoring the
    same), so which of them are shown is arbitrary: narrow the query (a date of birth,
    a forename, a nationality) or raise the limit; 0 for an object search.
    ``checks``: each searched identifier's check-digit verdict; ``mrz``: what the zone
    said; ``index_position``: the change-feed position the answer reflects (every write
    up to it is searched)."""

    hits: tuple[SearchHitOut, ...]
    possible: tuple[SearchHitOut, ...]
    hits_tied_beyond_limit: Annotated[int, Ge(0)]
    threshold: float
    checks: tuple[IdentifierCheck, ...]
    mrz: Mrz | None
    index_position: int


REQUESTS: tuple[type, ...] = (PersonSearch, ObjectSearch, MrzSearch)
ANSWERS: tuple[type, ...] = (SearchOut,)


@cache
def components() -> dict[str, Any]:
    """This router's schemas; the alert answer is the shared one (minimised content)."""
    found = schemas.schemas_of(REQUESTS, ANSWERS)
    shared = schemas.components()
    return {name: shared.get(name, schema) for name, schema in found.items()}


def _out(hits: tuple[SearchHit, ...]) -> tuple[SearchHitOut, ...]:
    return tuple(
        SearchHitOut(schemas.alert_out(h.view), h.score, h.features, h.identifiers) for h in hits
    )


def _answer(answer: SearchAnswer) -> Response:
    out = SearchOut(
        _out(answer.hits),
        _out(answer.possible),
        answer.hits_tied_beyond_limit,
        THRESHOLD,
        answer.checks,
        answer.mrz,
        answer.index_position,
    )
    return schemas.json_response(out)


_FOUND: dict[int | str, dict[str, Any]] = {
    200: schemas.answer(SearchOut, "Hits and possible matches, best first"),
    503: {
        "description": "The indexes did not reach the feed position named by wait_for "
        "within a second (RFC 9457 problem, type urn:limes:problem:index-behind)",
        "content": {PROBLEM_JSON: {"schema": {"$ref": schemas.REF.format(model="Problem")}}},
    },
}


async def _searched(
    search: Callable[..., SearchAnswer], ctx: Context, asked: Any, form: Scoped
) -> Response:
    """``search(ctx, asked, …)`` in a worker thread (index, store, durable audit record),
    answered from the event loop."""
    found = await off_loop_durable(
        search, ctx, asked, form.limit, frozenset(form.categories), wait_for=form.wait_for
    )
    return _answer(found)


async def persons_answer(request: Request, ctx: Context, raw: bytes) -> Response:
    """The answer to a person search (the route's and the hot lane's, ``api/hot.py``)."""
    form = codec.parse(PersonSearch, raw)
    query = PersonQuery(
        form.surnames,
        form.forenames,
        form.date_of_birth,
        form.gender,
        form.nationalities,
        form.document_number,
    )
    return await _searched(get_limes(request).search.persons, ctx, query, form)


async def objects_answer(request: Request, ctx: Context, raw: bytes) -> Response:
    """The answer to an object search (the route's and the hot lane's)."""
    form = codec.parse(ObjectSearch, raw)
    queries = [IdentifierQuery(i.kind, i.value, i.country) for i in form.identifiers]
    return await _searched(get_limes(request).search.objects, ctx, queries, form)


async def mrz_answer(request: Request, ctx: Context, raw: bytes) -> Response:
    """The answer to a search by machine-readable zone (the route's and the hot lane's)."""
    form = codec.parse(MrzSearch, raw)
    return await _searched(get_limes(request).search.mrz, ctx, form.mrz, form)


@router.post(
    "/persons",
    summary="Search persons by names in any script, date of birth, gender, nationality, document",
    openapi_extra=needs(Permission.SEARCH_PERSONS, schemas.body(PersonSearch)),
    responses=_FOUND,
)
async def search_persons(ctx: Ctx, request: Request, raw: Body) -> Response:
    return await persons_answer(request, ctx, raw)


@router.post(
    "/objects",
    summary="Search every alert for identifiers (VIN, plate, document number, serial …)",
    openapi_extra=needs(Permission.SEARCH_OBJECTS, schemas.body(ObjectSearch)),
    responses=_FOUND,
)
async def search_objects(ctx: Ctx, request: Request, raw: Body) -> Response:
    return await objects_answer(request, ctx, raw)


@router.post(
    "/mrz",
    summary="Search by the machine-readable zone of a passport or identity card",
    openapi_extra=needs(Permission.SEARCH_PERSONS, schemas.body(MrzSearch)),
    responses=_FOUND,
)
async def search_mrz(ctx: Ctx, request: Request, raw: Body) -> Response:
    return await mrz_answer(request, ctx, raw)


HOT: tuple[HotRoute, ...] = (
    HotRoute("POST", f"{router.prefix}/persons", persons_answer, body=True),
    HotRoute("POST", f"{router.prefix}/objects", objects_answer, body=True),
    HotRoute("POST", f"{router.prefix}/mrz", mrz_answer, body=True),
)
"""The searches, answered by the hot lane (``api/hot.py``) besides FastAPI."""
